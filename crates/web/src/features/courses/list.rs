//! The course list of the user's organisation, a page at a time, and the search by name.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::PageError;
use crate::ui::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "courses/list.html")]
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
