//! The JSON API of this feature (under `/api/v1`).

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use tovholder_app::actions::{self, Command};
use tovholder_app::views::CourseView;
use tovholder_core::ids::PersonId;

use crate::App;
use crate::http::command::after;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::path::Path;

#[derive(serde::Deserialize)]
pub struct ConsentBody {
    pub giver: PersonId,
    pub about: Vec<PersonId>,
    pub recipients: Vec<tovholder_core::consent::Recipient>,
    pub kinds: Vec<String>,
    pub purpose: String,
    pub valid_from: Date,
    pub valid_to: Date,
}

pub async fn record_consent(State(app): State<App>, course: AuthorizedCourse, ApiJson(b): ApiJson<ConsentBody>) -> Result<Json<CourseView>, ApiError> {
    let op = Command::RecordConsent { giver: b.giver, about: b.about, recipients: b.recipients, kinds: b.kinds, purpose: b.purpose, valid_from: b.valid_from, valid_to: b.valid_to };
    actions::perform(&app, &course, vec![op]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct SignBody {
    pub by: PersonId,
    pub how: String,
    pub on: Date,
}

pub async fn sign_consent(State(app): State<App>, course: AuthorizedCourse, Path((_, consent)): Path<(i64, u32)>, ApiJson(b): ApiJson<SignBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::SignConsent { consent, by: b.by, how: b.how, on: b.on }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct RevokeBody {
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn revoke_consent(State(app): State<App>, course: AuthorizedCourse, Path((_, consent)): Path<(i64, u32)>, ApiJson(b): ApiJson<RevokeBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::RevokeConsent { consent, note: b.note }]).await?;
    after(&app, &course).await
}
