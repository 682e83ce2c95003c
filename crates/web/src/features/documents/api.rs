//! The JSON API of this feature (under `/api/v1`).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use tovholder_app::actions::{self, Command};
use tovholder_app::views::CourseView;
use tovholder_core::ids::PersonId;

use crate::App;
use crate::http::command::after;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{ApiError, AppError};
use crate::http::json::ApiJson;
use crate::http::path::Path;

/// A text document written through the API (files are uploaded through the page's form).
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct DocumentBody {
    pub kind: String,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub to: Vec<PersonId>,
}

pub async fn add_document(State(app): State<App>, course: AuthorizedCourse, ApiJson(b): ApiJson<DocumentBody>) -> Result<Json<CourseView>, ApiError> {
    let mut ops = vec![Command::AddDocument { kind: b.kind, title: b.title, content: b.text.into_bytes(), content_type: "text/plain; charset=utf-8".into(), filename: None }];
    if !b.to.is_empty() {
        ops.push(Command::SendDocument { doc: 0, to: b.to });
    }
    actions::perform(&app, &course, ops).await?;
    after(&app, &course).await
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct DocumentContent {
    pub doc: u32,
    pub title: String,
    pub content_type: String,
    /// The text of a written document; files are fetched from the page route.
    pub text: Option<String>,
}

pub async fn document(State(app): State<App>, course: AuthorizedCourse, Path((_, doc)): Path<(i64, u32)>) -> Result<Json<DocumentContent>, ApiError> {
    let d = super::pages::readable(&app, &course, doc).await?;
    let bytes = app.store.blob(course.id, &d.meta.sha256).await?.ok_or(AppError::NotFound)?;
    actions::note_reading(&app, &course, doc).await?;
    let text = d.meta.content_type.starts_with("text/plain").then(|| String::from_utf8_lossy(&bytes).into_owned());
    Ok(Json(DocumentContent { doc, title: d.meta.title, content_type: d.meta.content_type, text }))
}

/// A person a document may be sent to, in the role they have in the course.
#[derive(Serialize, schemars::JsonSchema)]
pub struct DocumentRecipient {
    pub person: PersonId,
    pub role: String,
    /// Name and role as the form shows them.
    pub label: String,
}

/// Who a document may be sent or forwarded to by the caller now.
pub async fn document_recipients(State(app): State<App>, course: AuthorizedCourse, Path((_, doc)): Path<(i64, u32)>) -> Result<Json<Vec<DocumentRecipient>>, ApiError> {
    super::pages::readable(&app, &course, doc).await?;
    let list = actions::recipients(&app, &course.model, &course.state, &course.user.actor(), doc).await?;
    Ok(Json(list.into_iter().map(|(r, label)| DocumentRecipient { person: r.person, role: r.role, label }).collect()))
}
