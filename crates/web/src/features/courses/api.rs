//! The JSON API of this feature (under `/api/v1`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Serialize;
use tovholder_app::actions::{self, Command, RegistrationInput};
use tovholder_app::views::{self, CourseView, JournalView};
use tovholder_core::commands::FieldError;
use tovholder_core::ids::{CourseId, PersonId};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::command::after;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{ApiError, AppError};
use crate::http::json::ApiJson;
use crate::http::path::Path;

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

#[derive(Serialize)]
pub struct Created {
    pub id: CourseId,
}

pub async fn open_course(State(app): State<App>, user: CurrentUser, ApiJson(input): ApiJson<RegistrationInput>) -> Result<(StatusCode, Json<Created>), ApiError> {
    let model = app.models.get(&input.model).ok_or(AppError::Invalid(vec![FieldError { field: "model".into(), message: "Ukendt samarbejdsmodel.".into() }]))?;
    let mut input = input;
    // The opening party is always the caller's own organisation.
    input.parties.insert(model.opened_by.clone(), user.user.org);
    let reg = input.check(&model)?;
    let id = actions::open_course(&app, &user, reg).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(serde::Deserialize)]
pub struct DatesBody {
    pub dates: BTreeMap<String, Date>,
    #[serde(default)]
    pub reason: Option<String>,
}

pub async fn set_dates(State(app): State<App>, course: AuthorizedCourse, ApiJson(b): ApiJson<DatesBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::SetDates { dates: b.dates, reason: b.reason }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct AppointBody {
    pub role: String,
    pub person: PersonId,
}

pub async fn appoint(State(app): State<App>, course: AuthorizedCourse, ApiJson(b): ApiJson<AppointBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::Appoint { role: b.role, person: b.person }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct DecideBody {
    pub decision: String,
    pub value: String,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn decide(State(app): State<App>, course: AuthorizedCourse, ApiJson(b): ApiJson<DecideBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::Decide { decision: b.decision, value: b.value, note: b.note }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct FieldBody {
    pub field: String,
    pub value: String,
}

pub async fn record_field(State(app): State<App>, course: AuthorizedCourse, ApiJson(b): ApiJson<FieldBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::RecordField { field: b.field, value: b.value }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct CompleteBody {
    pub outcome: String,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn complete_task(State(app): State<App>, course: AuthorizedCourse, Path((_, task)): Path<(i64, String)>, ApiJson(b): ApiJson<CompleteBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::CompleteTask { task, outcome: b.outcome, note: b.note }]).await?;
    after(&app, &course).await
}

/// Organisations (for choosing a course's parties); names and kinds only.
pub async fn organisations(State(app): State<App>, _user: CurrentUser) -> Result<Json<Vec<tovholder_store::Org>>, ApiError> {
    Ok(Json(app.store.orgs().await?.to_vec()))
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    /// Course id: the page of courses older than it (the `older` of the previous page).
    before: Option<i64>,
}

pub async fn courses(State(app): State<App>, user: CurrentUser, axum::extract::Query(q): axum::extract::Query<ListQuery>) -> Result<Json<tovholder_app::queries::CourseList>, ApiError> {
    Ok(Json(tovholder_app::queries::course_list(&app, &user, None, q.before.map(tovholder_core::ids::CourseId), "list:GET /api/v1/courses").await?))
}
