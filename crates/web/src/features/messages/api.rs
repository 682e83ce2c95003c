//! The messages in the API.

use axum::Json;
use axum::extract::State;
use tovholder_app::messages::{self, InboxLine, ThreadLine, ThreadView};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::ApiError;
use crate::http::path::Path;

pub async fn threads(State(app): State<App>, course: AuthorizedCourse) -> Result<Json<Vec<ThreadLine>>, ApiError> {
    Ok(Json(messages::lines(&app, &messages::visible(&app, &course), course.user.person, &[]).await?))
}

pub async fn thread(State(app): State<App>, course: AuthorizedCourse, Path((_, id)): Path<(i64, u32)>) -> Result<Json<ThreadView>, ApiError> {
    let t = messages::thread(&app, &course, id)?;
    let view = messages::view(&app, t, &[]).await?;
    tovholder_app::actions::mark_read(&app, course.id, &course.model, course.version, course.state.clone(), course.user.person, id).await?;
    Ok(Json(view))
}

pub async fn inbox(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<InboxLine>>, ApiError> {
    Ok(Json(messages::inbox(&app, &user).await?))
}
