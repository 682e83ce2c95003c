//! The course's log as a page and in the API. The route guard is a login, not a course read: an
//! organisation's administrator reads the log without reading the course (`course_log::ground`).

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use tovholder_app::course_log::{self, LogPage};
use tovholder_core::ids::CourseId;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, PageError};
use crate::http::path::Path;
use crate::ui::Layout;

/// The page's `?foer=`: records older than that id (the page's `older`).
#[derive(serde::Deserialize)]
pub struct Older {
    #[serde(default)]
    foer: Option<i64>,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct LogQuery {
    /// A log id: the records older than it (the `older` of the previous page).
    #[serde(default)]
    before: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "course_log/page.html")]
struct LogPageView {
    layout: Layout,
    course: CourseId,
    log: LogPage,
    /// This is an older page (a link back to the newest).
    older_page: bool,
}

pub async fn page(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Query(q): Query<Older>) -> Result<Response, PageError> {
    let log = course_log::page(&app, &user.user, CourseId(id), q.foer).await?;
    Ok(LogPageView { layout: Layout::for_user(&app, &user, "courses").await?, course: CourseId(id), log, older_page: q.foer.is_some() }.into_response())
}

pub async fn api(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Query(q): Query<LogQuery>) -> Result<Json<LogPage>, ApiError> {
    Ok(Json(course_log::page(&app, &user.user, CourseId(id), q.before).await?))
}
