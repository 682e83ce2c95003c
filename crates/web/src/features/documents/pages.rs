//! Documents: reading (text in a page, files as downloads), writing or uploading, and sending
//! or forwarding. Reading is allowed only to the author's organisation and the recipients.

use crate::http::path::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tovholder_core::commands::{self, FieldError};
use tovholder_core::ids::PersonId;
use tovholder_store::AccessRecord;

use crate::App;
use crate::features::courses::pages::outcome;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::upload;
use crate::ui::Layout;
use tovholder_app::actions::{self, Command};
use tovholder_app::course::log;
use tovholder_app::views::{self, DocumentView};

#[derive(Template, WebTemplate)]
#[template(path = "documents/document.html")]
struct DocumentPage {
    layout: Layout,
    course: tovholder_core::ids::CourseId,
    course_title: String,
    d: DocumentView,
    text: String,
}

/// Checks the document rule on top of the course rule; a denial is logged and looks like "not found".
pub async fn readable(app: &App, course: &AuthorizedCourse, doc: u32) -> Result<tovholder_core::course::Document, AppError> {
    let d = course.state.document(doc).cloned();
    let decision = d.as_ref().map(|d| commands::may_read_document(&course.model, &course.state, &course.user.actor(), d, app.clock.today()));
    let allowed = decision.as_ref().is_some_and(|x| x.allowed);
    let rec = AccessRecord {
        at: app.clock.now(),
        person: Some(course.user.user.person),
        course: Some(course.id),
        action: format!("read:document {doc}"),
        allowed,
        reason: decision.map_or("no_such_document".into(), |x| x.reason.code()),
    };
    log(app, rec).await?;
    match d {
        Some(d) if allowed => Ok(d),
        _ => Err(AppError::NotFound),
    }
}

pub async fn show(State(app): State<App>, course: AuthorizedCourse, Path((_, doc)): Path<(i64, u32)>) -> Result<Response, PageError> {
    let d = readable(&app, &course, doc).await?;
    let bytes = app.store.blob(course.id, &d.meta.sha256).await?.ok_or(AppError::NotFound)?;
    actions::note_reading(&app, &course, doc).await?;
    if !d.meta.content_type.starts_with("text/plain") {
        let ext = upload::extension(&d.meta.content_type);
        // A neutral file name: the uploaded one may carry a child's name.
        let disposition = format!("attachment; filename=\"tovholder-dokument-{doc}.{ext}\"");
        return Ok(([(header::CONTENT_TYPE, d.meta.content_type.clone()), (header::CONTENT_DISPOSITION, disposition), (header::CACHE_CONTROL, "no-store".into())], bytes).into_response());
    }
    let view = views::course_view(&app, &course, course.version, &course.state).await?;
    let d = view.documents.iter().find(|x| x.doc == doc).cloned().ok_or(AppError::NotFound)?;
    let page = DocumentPage { layout: Layout::for_course(&app, &course, &course.user), course: course.id, course_title: view.title, d, text: String::from_utf8_lossy(&bytes).into_owned() };
    Ok(([(header::CACHE_CONTROL, "no-store")], page).into_response())
}

/// Writes or uploads a document and, if recipients are ticked, sends it in the same step.
pub async fn add(State(app): State<App>, course: AuthorizedCourse, mut mp: Multipart) -> Result<Response, PageError> {
    let (mut form, file, mut errors) = upload::read(&mut mp).await?;
    let file = file.map(|f| (f.bytes, None, f.content_type));
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let text = get("text");
    let (content, filename, content_type) = match file {
        Some(f) => f,
        None if !text.is_empty() => (text.into_bytes(), None, "text/plain; charset=utf-8".to_string()),
        None => {
            if errors.is_empty() {
                errors.push(FieldError { field: "text".into(), message: "Skriv dokumentets tekst, eller vælg en fil.".into() });
            }
            (vec![], None, String::new())
        }
    };
    let result = if !errors.is_empty() {
        Err(AppError::Invalid(errors))
    } else {
        let to: Vec<PersonId> = form.iter().filter(|(k, _)| k == "to").filter_map(|(_, v)| v.parse().ok()).map(PersonId).collect();
        let mut ops = vec![Command::AddDocument { kind: get("kind"), title: get("title"), content, content_type, filename }];
        if !to.is_empty() {
            ops.push(Command::SendDocument { doc: 0, to });
        }
        actions::perform(&app, &course, ops).await
    };
    form.retain(|(k, _)| k != "csrf");
    let form = form.into_iter().map(|(k, v)| (format!("doc.{k}"), v)).collect();
    outcome(&app, &course, result.map_err(prefix("doc.")), form, "dokument").await
}

fn prefix(p: &'static str) -> impl Fn(AppError) -> AppError {
    move |e| match e {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|mut f| {
                    f.field = format!("{p}{}", f.field);
                    f
                })
                .collect(),
        ),
        other => other,
    }
}

/// Its author shows a document on the family's pages (`shared=ja`), or hides it again.
pub async fn share(State(app): State<App>, course: AuthorizedCourse, Path((_, doc)): Path<(i64, u32)>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let shared = form.iter().any(|(k, v)| k == "shared" && v == "ja");
    let result = actions::perform(&app, &course, vec![Command::ShareDocument { doc, shared }]).await;
    outcome(&app, &course, result, form, "familie_dokument").await
}

pub async fn send(State(app): State<App>, course: AuthorizedCourse, Path((_, doc)): Path<(i64, u32)>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    readable(&app, &course, doc).await?;
    let to: Vec<PersonId> = form.iter().filter(|(k, _)| k == "to").filter_map(|(_, v)| v.parse().ok()).map(PersonId).collect();
    let result = actions::perform(&app, &course, vec![Command::SendDocument { doc, to }]).await;
    outcome(&app, &course, result.map_err(prefix(if doc > 0 { "send." } else { "" })), form, "sendt").await
}
