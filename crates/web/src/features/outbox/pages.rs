//! The demo's outbox: in `demo` mail is kept, not sent, and shown here.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tovholder_core::calendar::format_timestamp_da;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::ui::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "outbox/outbox.html")]
struct OutboxPage {
    layout: Layout,
    mails: Vec<(String, String, String, String)>,
}

/// The demo's outbox: in `demo` mail is kept, not sent, and shown here.
pub async fn outbox(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    if !app.config.demo {
        return Err(AppError::NotFound.into());
    }
    let mails = app.store.outbox(200).await?.into_iter().map(|m| (format_timestamp_da(m.created).unwrap_or_default(), m.mail.to, m.mail.subject, m.mail.body)).collect();
    let layout = Layout::for_user(&app, &user, "outbox").await?;
    Ok(OutboxPage { layout, mails }.into_response())
}
