//! Delt med mig: courses the family's consent shares with the user.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::PageError;
use crate::ui::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "shared/shared.html")]
struct SharedPage {
    layout: Layout,
    courses: Vec<tovholder_app::queries::SharedCourse>,
}

/// Courses the family's consent shares with the user's department or organisation.
pub async fn shared(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    let courses = tovholder_app::queries::shared_with_me(&app, &user, "list:GET /delt").await?;
    let layout = Layout::for_user(&app, &user, "shared").await?;
    Ok(SharedPage { layout, courses }.into_response())
}
