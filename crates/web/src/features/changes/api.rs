//! The JSON API of this feature (under `/api/v1`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use tovholder_app::actions::{self, Command};
use tovholder_app::views::CourseView;

use crate::App;
use crate::http::command::after;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::http::path::Path;

#[derive(serde::Deserialize)]
pub struct ChangeBody {
    pub kind: String,
    pub dates: BTreeMap<String, Date>,
    pub reason: String,
}

pub async fn propose_change(State(app): State<App>, course: AuthorizedCourse, ApiJson(b): ApiJson<ChangeBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::ProposeChange { kind: b.kind, dates: b.dates, reason: b.reason }]).await?;
    after(&app, &course).await
}

#[derive(serde::Deserialize)]
pub struct AnswerBody {
    pub party: String,
    pub agreed: bool,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn answer_change(State(app): State<App>, course: AuthorizedCourse, Path((_, change)): Path<(i64, u32)>, ApiJson(b): ApiJson<AnswerBody>) -> Result<Json<CourseView>, ApiError> {
    actions::perform(&app, &course, vec![Command::AnswerChange { change, party: b.party, agreed: b.agreed, note: b.note }]).await?;
    after(&app, &course).await
}
