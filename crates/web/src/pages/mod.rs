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
use tovholder_core::tasks::Status;

use crate::App;
use crate::auth::{self, CurrentUser, LoginForm, LoginOutcome};
use crate::error::{AppError, PageError};
use tovholder_app::text;
use tovholder_app::views::{self, TaskView};

/// A page that can come back with a refused form: the errors next to their fields, and what
/// was typed, so nothing is lost.
pub trait FormState {
    fn errors(&self) -> &[tovholder_core::commands::FieldError];
    fn submitted(&self) -> Option<&std::collections::BTreeMap<String, String>> {
        None
    }
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors().iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
    fn value(&self, key: &str) -> &str {
        self.submitted().and_then(|s| s.get(key)).map_or("", String::as_str)
    }
}

/// Implements `FormState` for a page from its `errors` field and, if given, its field of
/// submitted values.
macro_rules! form_state {
    ($page:ty) => {
        impl $crate::pages::FormState for $page {
            fn errors(&self) -> &[tovholder_core::commands::FieldError] {
                &self.errors
            }
        }
    };
    ($page:ty, $values:ident) => {
        impl $crate::pages::FormState for $page {
            fn errors(&self) -> &[tovholder_core::commands::FieldError] {
                &self.errors
            }
            fn submitted(&self) -> Option<&std::collections::BTreeMap<String, String>> {
                Some(&self.$values)
            }
        }
    };
}
pub(crate) use form_state;

pub struct LayoutUser {
    pub name: String,
    pub org: String,
    pub csrf: String,
}

impl LayoutUser {
    fn of(u: &CurrentUser) -> LayoutUser {
        LayoutUser { name: u.user.name.clone(), org: u.user.org_name.clone(), csrf: u.csrf.clone() }
    }
}

/// What an error page needs of its request: the user's frame and where the user came from.
pub struct RequestFrame {
    pub user: Option<CurrentUser>,
    pub demo: bool,
    pub path: String,
}

tokio::task_local! {
    /// The request's frame, set by the session middleware, so error pages keep the user's
    /// navigation and can offer the way back.
    pub static FRAME: RequestFrame;
}

/// What every page's frame needs: the user (if logged in) and which menu item is current.
pub struct Layout {
    pub user: Option<LayoutUser>,
    /// The menu item whose section this page is in.
    pub current: &'static str,
    /// The page is below its menu item (a course, a meeting), not the item's own page.
    pub below: bool,
    pub demo: bool,
}

impl Layout {
    pub fn anonymous() -> Layout {
        Layout { user: None, current: "", below: false, demo: false }
    }

    pub async fn for_user(app: &App, user: &CurrentUser, current: &'static str) -> Result<Layout, AppError> {
        Ok(Layout { user: Some(LayoutUser::of(user)), current, below: false, demo: app.config.demo })
    }

    /// The frame of a page inside a course: under "Forløb", or under "Delt med mig" for a
    /// course seen by the family's consent.
    pub fn for_course<A>(app: &App, course: &crate::course_access::AuthorizedCourse<A>) -> Layout {
        let current = if course.via_consent() { "shared" } else { "courses" };
        Layout { user: Some(LayoutUser::of(&course.user)), current, below: true, demo: app.config.demo }
    }

    /// The frame for an error page: the user of the current request, if logged in.
    pub fn for_error() -> Layout {
        let user = FRAME.try_with(|f| f.user.as_ref().map(LayoutUser::of)).ok().flatten();
        let demo = FRAME.try_with(|f| f.demo).unwrap_or(false);
        Layout { user, current: "", below: false, demo }
    }

    pub fn asset(&self, path: &str) -> String {
        crate::assets::url(path)
    }

    pub fn icons(&self) -> String {
        crate::assets::url(crate::assets::ICON_SPRITE)
    }

    /// Menu items: (href, label, key).
    pub fn nav(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut items = vec![("/", "Mine opgaver", "tasks"), ("/forloeb", "Forløb", "courses"), ("/delt", "Delt med mig", "shared"), ("/moedesteder", "Mødesteder", "places")];
        if self.demo {
            items.push(("/udbakke", "Udbakke (demo)", "outbox"));
        }
        items
    }
}

impl Layout {
    pub fn is_current(&self, key: &str) -> bool {
        key == self.current
    }

    /// The menu item this page is in, as (href, label): the first step of its breadcrumbs.
    pub fn section(&self) -> (&'static str, &'static str) {
        self.nav().into_iter().find(|(_, _, key)| *key == self.current).map_or(("/", "Mine opgaver"), |(href, label, _)| (href, label))
    }

    /// `aria-current="page"` only on the menu item's own page, not on the pages below it.
    pub fn is_page(&self, key: &str) -> bool {
        key == self.current && !self.below
    }

    /// The badge class for a task status (colours in static/app.css meet WCAG AA contrast).
    pub fn badge(&self, s: &Status) -> &'static str {
        match s {
            Status::Overdue => "badge-overdue",
            Status::Open => "badge-due-soon",
            Status::Upcoming => "badge-info",
            Status::Done => "badge-done",
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub title: &'static str,
    pub detail: String,
    pub correlation_id: String,
    /// The way back: where to, and what it is called.
    pub back: (String, &'static str),
}

/// The way back from an error on `path`: the course it happened in, else the list it came
/// from, else Mine opgaver.
pub fn way_back(path: &str) -> (String, &'static str) {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["forloeb", id, _, ..] if id.parse::<i64>().is_ok() => (format!("/forloeb/{id}"), "Tilbage til forløbet"),
        ["forloeb", ..] => ("/forloeb".into(), "Til listen over forløb"),
        ["delt", ..] => ("/delt".into(), "Til Delt med mig"),
        _ => ("/".into(), "Til Mine opgaver"),
    }
}

/// A page that only tells the user something (and the way on).
#[derive(Template, WebTemplate)]
#[template(path = "notice.html")]
pub struct NoticePage {
    pub layout: Layout,
    pub title: String,
    pub lines: Vec<String>,
    pub back: (String, &'static str),
}

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
