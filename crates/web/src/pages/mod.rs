//! The HTML pages (askama templates in `templates/`). Handlers load, ask, render; the rules
//! live in core and the command layer.

pub mod changes;
pub mod consents;
pub mod course;
pub mod documents;
pub mod meetings;
pub mod places;
pub mod register;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_core::calendar::format_timestamp_da;

use crate::App;
use crate::http::auth::{self, CurrentUser, LoginForm, LoginOutcome};
use crate::http::error::{AppError, PageError};
pub use crate::ui::{ErrorPage, FormState, Layout, NoticePage, RequestFrame};
use tovholder_app::text;
use tovholder_app::views::{self, TaskView};

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    username: String,
    error: Option<&'static str>,
    message: Option<&'static str>,
}

pub async fn login_page(State(app): State<App>, headers: HeaderMap, user: Option<CurrentUser>) -> Response {
    if user.is_some() {
        return Redirect::to("/").into_response();
    }
    let (csrf, set) = auth::login_csrf(&app, &headers);
    let page = LoginPage { layout: Layout::anonymous(), csrf, username: String::new(), error: None, message: None };
    match set {
        Some(c) => ([(header::SET_COOKIE, c)], page).into_response(),
        None => page.into_response(),
    }
}

pub async fn login_submit(
    State(app): State<App>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    match auth::login(&app, &form, auth::client_address(&app, &headers, peer.ip())).await {
        Ok(LoginOutcome::LoggedIn { cookie }) => Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()),
        Ok(LoginOutcome::Refused(msg)) => {
            let (csrf, _) = auth::login_csrf(&app, &headers);
            let page = LoginPage { layout: Layout::anonymous(), csrf, username: form.username, error: Some(msg), message: None };
            Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(AppError::Throttled) => {
            let (csrf, _) = auth::login_csrf(&app, &headers);
            let page = LoginPage { layout: Layout::anonymous(), csrf, username: form.username, error: Some(text::THROTTLED), message: None };
            Ok((axum::http::StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    let cookie = auth::logout(&app, &user).await?;
    let (csrf, set) = auth::login_csrf(&app, &HeaderMap::new());
    let page = LoginPage { layout: Layout::anonymous(), csrf, username: String::new(), error: None, message: Some(text::LOGGED_OUT) };
    let mut resp = page.into_response();
    for c in [Some(cookie), set].into_iter().flatten() {
        if let Ok(v) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks.html")]
struct TasksPage {
    layout: Layout,
    tasks: Vec<TaskView>,
    today_da: String,
    /// The models whose courses this user may open (for the "new course" button).
    can_open: bool,
}

pub async fn my_tasks(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    let tasks = tovholder_app::queries::my_tasks(&app, &user, "list:GET /").await?;
    let layout = Layout::for_user(&app, &user, "tasks").await?;
    let actor = user.actor();
    let can_open = app.models.all().any(|m| tovholder_core::policy::may_open(m, &actor).allowed);
    Ok(TasksPage { layout, tasks, today_da: views::date_da(app.clock.today()), can_open }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    mails: Vec<(String, String, String, String)>,
}

/// The demo's outbox: in `demo` mail is kept, not sent, and shown here.
pub async fn outbox(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    if !app.config.demo {
        return Err(AppError::NotFound.into());
    }
    let mails = app.store.outbox(200).await?.into_iter().map(|m| (format_timestamp_da(m.created).unwrap_or_default(), m.mail.to, m.mail.subject, m.mail.body)).collect();
    let layout = Layout::for_user(&app, &user, "outbox").await?;
    Ok(OutboxPage { layout, mails }.into_response())
}

pub async fn not_found() -> PageError {
    PageError(AppError::NotFound)
}

#[derive(Template, WebTemplate)]
#[template(path = "shared.html")]
struct SharedPage {
    layout: Layout,
    courses: Vec<tovholder_app::queries::SharedCourse>,
}

/// Courses the family's consent shares with the user's department or organisation.
pub async fn shared(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    let courses = tovholder_app::queries::shared_with_me(&app, &user, "list:GET /delt").await?;
    let layout = Layout::for_user(&app, &user, "shared").await?;
    Ok(SharedPage { layout, courses }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "courses.html")]
struct CoursesPage {
    layout: Layout,
    courses: Vec<tovholder_app::queries::CourseRow>,
    csrf: String,
    query: String,
    /// The link to the next (older) page, and whether this is a later page.
    older: Option<tovholder_core::ids::CourseId>,
    paged: bool,
    /// A search showed as many hits as a page holds: there may be more.
    capped: bool,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    /// Course id: the page of courses older than it.
    foer: Option<i64>,
}

/// The courses of the user's organisation, a page at a time.
pub async fn courses(State(app): State<App>, user: CurrentUser, axum::extract::Query(q): axum::extract::Query<ListQuery>) -> Result<Response, PageError> {
    let before = q.foer.map(tovholder_core::ids::CourseId);
    let list = tovholder_app::queries::course_list(&app, &user, None, before, "list:GET /forloeb").await?;
    let layout = Layout::for_user(&app, &user, "courses").await?;
    Ok(CoursesPage { layout, courses: list.rows, csrf: user.csrf.clone(), query: String::new(), older: list.older, paged: before.is_some(), capped: false }.into_response())
}

#[derive(serde::Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
}

/// Searching by the child's name is a POST: a name never goes into a URL.
pub async fn search_courses(State(app): State<App>, user: CurrentUser, Form(form): Form<SearchForm>) -> Result<Response, PageError> {
    let list = tovholder_app::queries::course_list(&app, &user, Some(&form.q), None, "list:POST /forloeb/soeg").await?;
    let layout = Layout::for_user(&app, &user, "courses").await?;
    let capped = list.rows.len() as i64 >= tovholder_app::queries::LIST_PAGE;
    Ok(CoursesPage { layout, courses: list.rows, csrf: user.csrf.clone(), query: form.q, older: None, paged: false, capped }.into_response())
}
