//! The JSON API of this feature (under `/api/v1`).

use axum::Json;
use axum::extract::State;
use tovholder_app::actions::{self, Command};
use tovholder_app::views::CourseView;

use crate::App;
use crate::http::command::after;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{ApiError, AppError};
use crate::http::json::ApiJson;
use crate::http::path::Path;

pub async fn meeting(State(app): State<App>, course: AuthorizedCourse, Path((_, meeting)): Path<(i64, u32)>) -> Result<Json<tovholder_app::meeting_views::MeetingView>, ApiError> {
    let Some(m) = course.state.meeting(meeting) else { return Err(AppError::NotFound.into()) };
    let (people, orgs) = tovholder_app::meeting_actions::names_data(&app, &course.state).await?;
    let names = tovholder_app::meeting_views::Names { model: &course.model, state: &course.state, people: &people, orgs: &orgs };
    let actor = course.user.actor();
    let today = app.clock.today();
    let may_plan = tovholder_core::commands::allowed(&course.model, &course.state, &actor, today).plan_meeting;
    let agreements = tovholder_app::meeting_views::agreements(&names, actor.person, may_plan, today);
    Ok(Json(tovholder_app::meeting_views::meeting_view(&names, m, &agreements, course.via_consent())))
}

/// One operation on meetings, the network, agreements, goals or the plan. The route needs read
/// access; the command asks the policy for the operation's own action.
pub async fn meeting_action(State(app): State<App>, course: AuthorizedCourse, ApiJson(op): ApiJson<Command>) -> Result<Json<CourseView>, ApiError> {
    if !op.is_meeting() {
        return Err(AppError::Malformed(format!("«{}» er ikke en handling på møder, netværk, aftaler, mål eller familieplan.", op.name())).into());
    }
    actions::perform(&app, &course, vec![op]).await?;
    after(&app, &course).await
}
