//! The JSON API of this feature (under `/api/v1`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tovholder_app::actions::{self, RegistrationInput};
use tovholder_app::views::{self, CourseView, JournalView};
use tovholder_core::commands::FieldError;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{ApiError, AppError};
use crate::http::json::{ApiJson, Created};

pub async fn course(State(app): State<App>, course: AuthorizedCourse) -> Result<Json<CourseView>, ApiError> {
    Ok(Json(views::course_view(&app, &course, course.version, &course.state).await?))
}

pub async fn journal(State(app): State<App>, course: AuthorizedCourse) -> Result<Json<Vec<JournalView>>, ApiError> {
    // Consent opens the course's dates, tasks and people, not its journal.
    if course.via_consent() {
        return Err(AppError::NotFound.into());
    }
    let entries = app.store.journal(course.id).await?;
    let described = std::sync::Arc::new(views::journal_view(app.store.as_ref(), &course.model, &entries).await?);
    let readable = views::journal_for(&course.model, &course.state, &course.user.actor(), app.clock.today(), described);
    Ok(Json(readable.to_vec()))
}

pub async fn open_course(State(app): State<App>, user: CurrentUser, ApiJson(input): ApiJson<RegistrationInput>) -> Result<(StatusCode, Json<Created>), ApiError> {
    let model = app.models.get(&input.model).ok_or(AppError::Invalid(vec![FieldError { field: "model".into(), message: "Ukendt samarbejdsmodel.".into() }]))?;
    let mut input = input;
    // The opening party is always the caller's own organisation.
    input.parties.insert(model.opened_by.clone(), user.user.org);
    let reg = input.check(&model)?;
    let id = actions::open_course(&app, &user, reg).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// Organisations (for choosing a course's parties); names and kinds only.
pub async fn organisations(State(app): State<App>, _user: CurrentUser) -> Result<Json<Vec<tovholder_store::Org>>, ApiError> {
    Ok(Json(app.store.orgs().await?.to_vec()))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct ListQuery {
    /// Course id: the page of courses older than it (the `older` of the previous page).
    before: Option<i64>,
}

pub async fn courses(State(app): State<App>, user: CurrentUser, axum::extract::Query(q): axum::extract::Query<ListQuery>) -> Result<Json<tovholder_app::queries::CourseList>, ApiError> {
    Ok(Json(tovholder_app::queries::course_list(&app, &user, None, q.before.map(tovholder_core::ids::CourseId), "list:GET /api/v1/courses").await?))
}
