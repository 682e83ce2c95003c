//! The JSON API of this feature (under `/api/v1`).

use axum::Json;
use axum::extract::State;
use tovholder_app::views::TaskView;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;

pub async fn my_tasks(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<TaskView>>, ApiError> {
    Ok(Json(tovholder_app::queries::my_tasks(&app, &user, "list:GET /api/v1/me/tasks").await?))
}
