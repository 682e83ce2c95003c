//! The API of "Aktiviteter".

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::civil::DateTime;
use tovholder_app::activities::{self, Activities, ActivityView, Plan, Viewer};
use tovholder_core::ids::PersonId;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::Created;
use crate::http::path::Path;

pub async fn list(State(app): State<App>, user: CurrentUser) -> Result<Json<Activities>, ApiError> {
    Ok(Json(activities::list(&app, &user).await?))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct SessionBody {
    /// Copenhagen time, e.g. 2027-01-12T17:00.
    pub start: DateTime,
    pub minutes: u32,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct PlanBody {
    /// "model:kind", one of `kinds` from GET /api/v1/activities.
    pub kind: String,
    pub title: String,
    pub place: String,
    /// How many may sign up.
    pub capacity: u32,
    pub sessions: Vec<SessionBody>,
}

pub async fn plan(State(app): State<App>, user: CurrentUser, Json(b): Json<PlanBody>) -> Result<Response, ApiError> {
    let plan = Plan { kind: b.kind, title: b.title, place: b.place, capacity: b.capacity, sessions: b.sessions.iter().map(|s| (s.start, s.minutes)).collect() };
    let id = activities::plan(&app, &user, plan).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

pub async fn show(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Json<ActivityView>, ApiError> {
    Ok(Json(activities::view(&app, Viewer::Staff(&user), id).await?))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct EmailBody {
    /// A login's or a family member's e-mail address.
    pub email: String,
}

pub async fn add_invitee(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Json(b): Json<EmailBody>) -> Result<StatusCode, ApiError> {
    activities::add_invitee(&app, &user, id, &b.email).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_invitee(State(app): State<App>, user: CurrentUser, Path((id, person)): Path<(i64, i64)>) -> Result<StatusCode, ApiError> {
    activities::remove_invitee(&app, &user, id, PersonId(person)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Sent {
    /// How many people the invitations went to now.
    pub invited: usize,
}

pub async fn send(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Json<Sent>, ApiError> {
    Ok(Json(Sent { invited: activities::send_invitations(&app, &user, id).await? }))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct AnswerBody {
    /// true: sign up; false: decline.
    pub yes: bool,
}

pub async fn answer(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Json(b): Json<AnswerBody>) -> Result<StatusCode, ApiError> {
    activities::answer(&app, Viewer::Staff(&user), id, b.yes).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct AttendanceBody {
    /// Those who came (people on the list).
    pub present: Vec<PersonId>,
}

pub async fn attendance(State(app): State<App>, user: CurrentUser, Path((id, n)): Path<(i64, u32)>, Json(b): Json<AttendanceBody>) -> Result<StatusCode, ApiError> {
    activities::attendance(&app, &user, id, n, &b.present).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct NoteBody {
    pub text: String,
}

pub async fn note(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Json(b): Json<NoteBody>) -> Result<StatusCode, ApiError> {
    activities::add_note(&app, Viewer::Staff(&user), id, &b.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn cancel(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    activities::cancel(&app, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn summary(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Json(b): Json<NoteBody>) -> Result<StatusCode, ApiError> {
    activities::write_summary(&app, &user, id, &b.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct ChangeBody {
    pub title: String,
    pub place: String,
    pub capacity: u32,
    /// The dates it has from now on (numbered again from the first).
    pub sessions: Vec<SessionBody>,
}

pub async fn change(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Json(b): Json<ChangeBody>) -> Result<StatusCode, ApiError> {
    let plan = Plan { kind: String::new(), title: b.title, place: b.place, capacity: b.capacity, sessions: b.sessions.iter().map(|s| (s.start, s.minutes)).collect() };
    activities::change_plan(&app, &user, id, plan).await?;
    Ok(StatusCode::NO_CONTENT)
}
