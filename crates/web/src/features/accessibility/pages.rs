//! The statement's page: the same for everyone, logged in or not.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::PageError;
use crate::ui::Layout;

/// When the statement was last reviewed against the product (shown on the page).
const REVIEWED: &str = "6. dec. 2026";

#[derive(Template, WebTemplate)]
#[template(path = "accessibility/statement.html")]
pub struct StatementPage {
    layout: Layout,
    reviewed: &'static str,
    /// Where to report a problem: a web address, an e-mail address, or none configured.
    contact: Option<Contact>,
}

pub enum Contact {
    Web(String),
    Mail(String),
}

pub async fn statement(State(app): State<App>, user: Option<CurrentUser>) -> Result<StatementPage, PageError> {
    let layout = match &user {
        Some(u) => Layout::for_user(&app, u, "").await?,
        None => Layout::anonymous(),
    };
    let contact = app
        .config
        .accessibility_contact
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| if c.starts_with("https://") || c.starts_with("http://") { Contact::Web(c.to_string()) } else { Contact::Mail(c.trim_start_matches("mailto:").to_string()) });
    Ok(StatementPage { layout, reviewed: REVIEWED, contact })
}
