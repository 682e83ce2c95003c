//! The JSON API of this feature (under `/api/v1`).

use axum::Json;
use axum::extract::State;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;

pub async fn shared(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<tovholder_app::queries::SharedCourse>>, ApiError> {
    Ok(Json(tovholder_app::queries::shared_with_me(&app, &user, "list:GET /api/v1/shared").await?))
}
