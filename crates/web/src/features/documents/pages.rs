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
use crate::ui::Layout;
use tovholder_app::actions::{self, Command};
use tovholder_app::course::log;
use tovholder_app::views::{self, DocumentView};

/// The file types accepted for upload: extension, content type.
const ALLOWED: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("txt", "text/plain; charset=utf-8"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
];

const MAX_FILE: usize = 10 * 1024 * 1024;

/// Whether a file's first bytes are those of the type its name claims: a program renamed
/// `brev.pdf` is refused, not stored and sent on.
fn is_really(ext: &str, bytes: &[u8]) -> bool {
    let zip = bytes.starts_with(b"PK\x03\x04");
    match ext {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        // An OpenDocument file names its type first, uncompressed, at a fixed place.
        "odt" => zip && bytes.get(30..).is_some_and(|b| b.starts_with(b"mimetypeapplication/vnd.oasis.opendocument.text")),
        "docx" => zip && bytes.windows(5).any(|w| w == b"word/"),
        "txt" => std::str::from_utf8(bytes).is_ok_and(|t| !t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))),
        _ => false,
    }
}

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
        let ext = ALLOWED.iter().find(|(_, ct)| *ct == d.meta.content_type).map_or("bin", |(e, _)| e);
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
    let mut form: Vec<(String, String)> = Vec::new();
    let mut file: Option<(Vec<u8>, Option<String>, String)> = None;
    let mut errors = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::Malformed(e.body_text()))? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let filename = field.file_name().map(str::to_string).filter(|f| !f.is_empty());
            let bytes = field.bytes().await.map_err(|e| AppError::Malformed(e.body_text()))?;
            let Some(filename) = filename else { continue };
            if bytes.is_empty() {
                continue;
            }
            let ext = filename.rsplit('.').next().unwrap_or_default().to_lowercase();
            match ALLOWED.iter().find(|(e, _)| *e == ext) {
                _ if bytes.len() > MAX_FILE => errors.push(FieldError { field: "file".into(), message: "Filen er for stor (højst 10 MB).".into() }),
                Some(_) if !is_really(&ext, &bytes) => {
                    errors.push(FieldError { field: "file".into(), message: format!("Filen er ikke en {ext}-fil, selv om den hedder sådan. Vælg den rigtige fil, eller gem den som pdf.") })
                }
                // The original file name often carries a name or a CPR number: it is not kept.
                Some((_, ct)) => file = Some((bytes.to_vec(), None, ct.to_string())),
                None => errors.push(FieldError { field: "file".into(), message: "Filtypen kan ikke bruges. Brug pdf, docx, odt, txt, png eller jpg.".into() }),
            }
        } else {
            form.push((name, field.text().await.map_err(|e| AppError::Malformed(e.body_text()))?));
        }
    }
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

pub async fn send(State(app): State<App>, course: AuthorizedCourse, Path((_, doc)): Path<(i64, u32)>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    readable(&app, &course, doc).await?;
    let to: Vec<PersonId> = form.iter().filter(|(k, _)| k == "to").filter_map(|(_, v)| v.parse().ok()).map(PersonId).collect();
    let result = actions::perform(&app, &course, vec![Command::SendDocument { doc, to }]).await;
    outcome(&app, &course, result.map_err(prefix(if doc > 0 { "send." } else { "" })), form, "sendt").await
}

#[cfg(test)]
mod tests {
    use super::is_really;

    #[test]
    fn a_file_is_what_its_first_bytes_say() {
        assert!(is_really("pdf", b"%PDF-1.7\n..."));
        assert!(!is_really("pdf", b"MZ\x90\x00 a Windows program"));
        assert!(!is_really("pdf", b"\x7fELF a Linux program"));
        assert!(is_really("png", b"\x89PNG\r\n\x1a\n...."));
        assert!(is_really("jpg", &[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!is_really("jpg", b"%PDF-1.7"));
        assert!(is_really("txt", "Mødet gik godt.\r\nVi ses.".as_bytes()));
        assert!(!is_really("txt", b"MZ\x90\x00\x03"));
        let mut odt = b"PK\x03\x04".to_vec();
        odt.resize(30, 0);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert!(is_really("odt", &odt));
        assert!(!is_really("docx", &odt));
        assert!(is_really("docx", b"PK\x03\x04....[Content_Types].xml....word/document.xml"));
    }
}
