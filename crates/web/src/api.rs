//! The JSON API under `/api/v1`: the same reads and actions as the pages, through the same
//! extractor and command layer. Writes need the session's CSRF token in `X-CSRF-Token`.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::course_access::{AuthorizedCourse, Read};
use crate::error::ApiError;
use crate::views::{self, CourseView, JournalView, TaskView};
use crate::App;

#[derive(Serialize)]
pub struct Me {
    pub person: tovholder_core::ids::PersonId,
    pub name: String,
    pub org: tovholder_core::ids::OrgId,
    pub org_roles: Vec<String>,
    /// The token to send in `X-CSRF-Token` on writes.
    pub csrf: String,
}

pub async fn me(user: CurrentUser) -> Json<Me> {
    let u = user.user.clone();
    Json(Me { person: u.person, name: u.name, org: u.org, org_roles: u.org_roles, csrf: user.csrf })
}

pub async fn my_tasks(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<TaskView>>, ApiError> {
    Ok(Json(crate::queries::my_tasks(&app, &user, "list:GET /api/v1/me/tasks").await?))
}

pub async fn course(State(app): State<App>, course: AuthorizedCourse<Read>) -> Result<Json<CourseView>, ApiError> {
    Ok(Json(views::course_view(app.store.as_ref(), &app.keys, &course.model, course.id, course.version, &course.state, app.clock.today()).await?))
}

pub async fn journal(State(app): State<App>, course: AuthorizedCourse<Read>) -> Result<Json<Vec<JournalView>>, ApiError> {
    let entries = app.store.journal(course.id).await?;
    Ok(Json(views::journal_view(app.store.as_ref(), &course.model, &entries).await?))
}

pub async fn not_found() -> ApiError {
    ApiError(crate::error::AppError::NotFound)
}
