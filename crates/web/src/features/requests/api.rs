//! The API of a course's requests.

use axum::Json;
use axum::extract::State;
use tovholder_app::requests::{self, DutyNow, RequestLine};

use crate::App;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::ApiError;

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct RequestsOut {
    /// Who is on call now at the institution (none: the model has no duty).
    pub duty: Option<DutyNow>,
    /// Newest first.
    pub requests: Vec<RequestLine>,
}

pub async fn list(State(app): State<App>, course: AuthorizedCourse) -> Result<Json<RequestsOut>, ApiError> {
    Ok(Json(RequestsOut { duty: requests::duty_now(&app, &course.model, &course.state).await?, requests: requests::lines(&app, &course.model, &course.state, true, None).await? }))
}
