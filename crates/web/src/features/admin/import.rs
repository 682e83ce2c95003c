//! Import from a CSV file (`tovholder_app::import`): choose a file, see every line and every
//! error before anything is saved, then save it; templates to fill in; the same as one API call.

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::admin::{self, AdminScope};
use tovholder_app::import::{self, Kind, Preview};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, AppError, PageError};
use crate::http::path::Path;
use crate::ui::Layout;

/// A line of the preview as shown.
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
    pub wrong: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/import.html")]
pub struct ImportPage {
    pub layout: Layout,
    pub csrf: String,
    /// May import organisations (an instance administrator).
    pub may_orgs: bool,
    pub saved: Option<String>,
    pub preview: Option<Preview>,
    pub rows: Vec<Row>,
    /// "12 brugere", what the file makes.
    pub what: String,
    pub file_error: Option<&'static str>,
}

async fn page(app: &App, user: &CurrentUser, preview: Option<Preview>, saved: Option<String>, file_error: Option<&'static str>) -> Result<ImportPage, AppError> {
    let scope = admin::scope(user).ok_or(AppError::NotFound)?;
    let wrong: BTreeSet<usize> = preview.iter().flat_map(|p| p.errors.iter().map(|e| e.line)).collect();
    let rows = preview.iter().flat_map(|p| p.lines.iter().map(|l| Row { line: l.line, cells: l.cells.clone(), wrong: wrong.contains(&l.line) })).collect();
    let what = preview.as_ref().and_then(|p| p.kind.map(|k| k.count_da(p.lines.len()))).unwrap_or_default();
    Ok(ImportPage {
        layout: Layout { below: true, ..Layout::for_user(app, user, "admin").await? },
        csrf: user.csrf.clone(),
        may_orgs: scope == AdminScope::Instance,
        saved,
        preview,
        rows,
        what,
        file_error,
    })
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    pub oprettet: Option<usize>,
    #[serde(default)]
    pub hvad: Option<String>,
}

pub async fn show(State(app): State<App>, user: CurrentUser, Query(q): Query<SavedQuery>) -> Result<Response, PageError> {
    let saved = match (q.oprettet, q.hvad.as_deref().and_then(Kind::from_slug)) {
        (Some(n), Some(kind)) => Some(saved_text(kind, n)),
        _ => None,
    };
    Ok(page(&app, &user, None, saved, None).await?.into_response())
}

fn saved_text(kind: Kind, n: usize) -> String {
    let made = kind.count_da(n);
    match kind {
        Kind::Staff => {
            let who = if n == 1 { "Brugeren" } else { "Hver" };
            format!("{made} er oprettet. {who} har fået en e-mail med et link til selv at vælge sin adgangskode (undtagen i organisationer, der logger ind med login-tjeneste).")
        }
        _ => format!("{made} er oprettet."),
    }
}

fn slug(kind: Kind) -> &'static str {
    match kind {
        Kind::Organisations => "organisationer",
        Kind::Departments => "afdelinger",
        Kind::Staff => "brugere",
    }
}

/// The named field of a multipart form, as bytes (None if it is missing or empty).
async fn field(mut mp: Multipart, name: &str) -> Result<Option<Bytes>, AppError> {
    while let Some(f) = mp.next_field().await.map_err(|e| AppError::Malformed(e.body_text()))? {
        if f.name() == Some(name) {
            let bytes = f.bytes().await.map_err(|e| AppError::Malformed(e.body_text()))?;
            return Ok(Some(bytes).filter(|b| !b.is_empty()));
        }
    }
    Ok(None)
}

/// The chosen file, read and checked: the preview (nothing saved).
pub async fn upload(State(app): State<App>, user: CurrentUser, mp: Multipart) -> Result<Response, PageError> {
    admin::scope(&user).ok_or(AppError::NotFound)?;
    let Some(bytes) = field(mp, "file").await? else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&app, &user, None, None, Some("Vælg en CSV-fil.")).await?).into_response());
    };
    let preview = import::preview(&app, &user, &bytes).await?;
    let status = if preview.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, page(&app, &user, Some(preview), None, None).await?).into_response())
}

/// Saves the previewed file (sent back as text); if it is no longer right, the preview again.
pub async fn save(State(app): State<App>, user: CurrentUser, mp: Multipart) -> Result<Response, PageError> {
    admin::scope(&user).ok_or(AppError::NotFound)?;
    let content = field(mp, "content").await?.unwrap_or_default();
    match import::save(&app, &user, &content).await {
        Ok((kind, n)) => Ok(Redirect::to(&format!("/admin/import?oprettet={n}&hvad={}", slug(kind))).into_response()),
        Err(AppError::Invalid(_)) => {
            let preview = import::preview(&app, &user, &content).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&app, &user, Some(preview), None, None).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A file to fill in, as Danish Excel opens it.
pub async fn template(user: CurrentUser, Path(which): Path<String>) -> Result<Response, PageError> {
    admin::scope(&user).ok_or(AppError::NotFound)?;
    let kind = Kind::from_slug(which.trim_end_matches(".csv")).ok_or(AppError::NotFound)?;
    let disposition = format!("attachment; filename=\"tovholder-{}.csv\"", slug(kind));
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)], kind.template()).into_response())
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct ApiQuery {
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Imported {
    pub kind: Kind,
    pub created: usize,
}

/// The file as the request body: with `dry_run`, the preview (200, errors listed); else saved
/// (201) or refused with every error as a field `<line>.<column>` (422).
pub async fn api(State(app): State<App>, user: CurrentUser, Query(q): Query<ApiQuery>, body: Bytes) -> Result<Response, ApiError> {
    admin::scope(&user).ok_or(AppError::NotFound)?;
    if q.dry_run {
        return Ok(Json(import::preview(&app, &user, &body).await?).into_response());
    }
    let (kind, created) = import::save(&app, &user, &body).await?;
    Ok((StatusCode::CREATED, Json(Imported { kind, created })).into_response())
}
