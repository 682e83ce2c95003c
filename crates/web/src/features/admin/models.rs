//! "Samarbejdsmodeller" for the instance's administrator: every stored version of every model;
//! a model file uploaded, checked (the same errors as `tovholder model check`) and previewed
//! as a time line for dates the administrator enters, before it is taken into use; and the
//! running courses moved to a new version after a dry run. Anyone else gets "not found".

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use tovholder_app::model_moves::{self, Planned};
use tovholder_app::models;
use tovholder_core::calendar::{format_date_da, format_timestamp_da};
use tovholder_core::model::{Model, ModelError};
use tovholder_core::preview::{Kind, preview};
use tovholder_docs::timeline::{Bar, timeline_svg};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, get, parse_date};
use crate::http::path::Path;
use crate::ui::Layout;

/// Model files are small; this bounds what is read of an upload.
const MAX_FILE: usize = 512 * 1024;

pub(super) fn only_instance_admin(user: &CurrentUser) -> Result<(), AppError> {
    if user.instance_admin { Ok(()) } else { Err(AppError::NotFound) }
}

pub struct VersionRow {
    pub version: u32,
    pub sha: String,
    pub source: &'static str,
    pub added_da: String,
    pub newest: bool,
}

pub struct ModelRow {
    pub id: String,
    pub name: String,
    pub versions: Vec<VersionRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/models.html")]
struct ListPage {
    layout: Layout,
    csrf: String,
    models: Vec<ModelRow>,
    unreadable: Vec<(String, u32, String)>,
    saved: Option<String>,
    file_error: Option<&'static str>,
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    flyttet: Option<usize>,
}

fn source_da(source: &str) -> &'static str {
    match source {
        models::SHIPPED => "Leveret med Tovholder",
        models::FOLDER => "Fra mappen models_dir",
        _ => "Indlæst af en administrator",
    }
}

async fn list(app: &App, user: &CurrentUser, saved: Option<String>, file_error: Option<&'static str>) -> Result<Response, AppError> {
    let stored = models::stored(app.store.as_ref()).await?;
    let rows = stored
        .into_iter()
        .map(|(id, versions)| {
            let name = app.models.get(&id).map(|m| m.name.clone()).unwrap_or_else(|| id.clone());
            let newest = versions.first().map(|v| v.version);
            let versions = versions
                .into_iter()
                .map(|v| VersionRow {
                    version: v.version,
                    sha: v.sha256[..12].to_string(),
                    source: source_da(&v.source),
                    added_da: format_timestamp_da(v.added).unwrap_or_default(),
                    newest: Some(v.version) == newest,
                })
                .collect();
            ModelRow { id, name, versions }
        })
        .collect();
    let status = if file_error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let layout = Layout { below: true, ..Layout::for_user(app, user, "admin").await? };
    Ok((status, ListPage { layout, csrf: user.csrf.clone(), models: rows, unreadable: app.models.unreadable(), saved, file_error }).into_response())
}

pub async fn index(State(app): State<App>, user: CurrentUser, Query(q): Query<SavedQuery>) -> Result<Response, PageError> {
    only_instance_admin(&user)?;
    let saved = match (q.model.as_deref().and_then(|m| app.models.get(m)), q.version, q.flyttet) {
        (Some(m), Some(v), None) => Some(format!("Version {v} af «{}» er taget i brug: nye forløb følger den. Kørende forløb følger deres version, til du flytter dem.", m.name)),
        (Some(m), Some(v), Some(n)) => Some(format!("{n} forløb er flyttet til version {v} af «{}».", m.name)),
        _ => None,
    };
    Ok(list(&app, &user, saved, None).await?)
}

/// One line of the preview's table.
pub struct PreviewRow {
    pub kind: &'static str,
    pub label: String,
    pub when: String,
    pub day: String,
    pub rule: String,
    pub note: String,
    pub problem: Option<String>,
}

pub struct DateInput {
    pub id: String,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/model_preview.html")]
struct PreviewPage {
    layout: Layout,
    csrf: String,
    file: String,
    text: String,
    errors: Vec<ModelError>,
    /// For a valid file: what it is and what taking it into use would do.
    model: Option<(String, String)>,
    version_note: String,
    may_take: bool,
    inputs: Vec<DateInput>,
    more_inputs: Vec<DateInput>,
    rows: Vec<PreviewRow>,
    pending: Vec<String>,
    svg: String,
}

/// Every field of a multipart form, as text (a file's too); at most `MAX_FILE` bytes each.
async fn fields(mut mp: Multipart) -> Result<(BTreeMap<String, String>, String), AppError> {
    let mut out = BTreeMap::new();
    let mut file_name = String::new();
    while let Some(f) = mp.next_field().await.map_err(|e| AppError::Malformed(e.body_text()))? {
        let name = f.name().unwrap_or_default().to_string();
        if name == "file" {
            file_name = f.file_name().unwrap_or_default().to_string();
        }
        let bytes = f.bytes().await.map_err(|e| AppError::Malformed(e.body_text()))?;
        if bytes.len() > MAX_FILE {
            return Err(AppError::TooLarge);
        }
        out.insert(name, String::from_utf8_lossy(&bytes).into_owned());
    }
    Ok((out, file_name))
}

pub async fn check(State(app): State<App>, user: CurrentUser, mp: Multipart) -> Result<Response, PageError> {
    only_instance_admin(&user)?;
    let (form, file_name) = fields(mp).await?;
    let (text, file) = match form.get("file").filter(|t| !t.trim().is_empty()) {
        Some(t) => (t.clone(), file_name),
        None => (form.get("text").cloned().unwrap_or_default(), form.get("name").cloned().unwrap_or_default()),
    };
    if text.trim().is_empty() {
        return Ok(list(&app, &user, None, Some("Vælg en modelfil (.toml).")).await?);
    }
    let text = models::normalized(&text);
    let file = if file.trim().is_empty() { "modelfilen".to_string() } else { file };
    let layout = Layout { below: true, ..Layout::for_user(&app, &user, "admin").await? };
    let mut page = PreviewPage {
        layout,
        csrf: user.csrf.clone(),
        file,
        text: text.clone(),
        errors: vec![],
        model: None,
        version_note: String::new(),
        may_take: false,
        inputs: vec![],
        more_inputs: vec![],
        rows: vec![],
        pending: vec![],
        svg: String::new(),
    };
    let model = match Model::parse(&text) {
        Ok(m) => m,
        Err(errors) => {
            page.errors = errors;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let place = models::placement(app.store.as_ref(), &model.id, &text).await?;
    page.version_note = match (place.known, place.newest) {
        (Some(same), _) => format!("Filen er den samme tekst som version {same} af modellen, som instansen allerede har."),
        (None, Some(newest)) => format!("Filen bliver version {} af modellen (nu er version {newest} i brug).", place.version()),
        (None, None) => "Filen er en ny model: den bliver version 1.".to_string(),
    };
    page.may_take = place.known.is_none();
    let mut entered = BTreeMap::new();
    for (id, def) in &model.dates {
        let value = form.get(&format!("date.{id}")).cloned().unwrap_or_default();
        let mut error = None;
        if !value.trim().is_empty() {
            match parse_date(id, &value) {
                Ok(d) => {
                    entered.insert(id.clone(), d);
                }
                Err(e) => error = Some(e.message),
            }
        }
        let input = DateInput { id: id.clone(), label: def.label.clone(), value, error };
        if model.preview_dates().contains(id) { page.inputs.push(input) } else { page.more_inputs.push(input) }
    }
    let p = preview(&model, &entered);
    page.rows = p.rows.iter().map(row_view).collect();
    page.pending = p.pending;
    let bars: Vec<Bar> = p.rows.iter().filter_map(|r| Some(Bar { label: r.label.clone(), from: r.first()?, to: r.last()?, day: r.date, task: r.kind == Kind::Task })).collect();
    page.svg = timeline_svg(&format!("Tidslinje for «{}»", model.name), &bars);
    page.model = Some((model.id.clone(), model.name.clone()));
    Ok(page.into_response())
}

fn span_da(from: Date, to: Date) -> String {
    if from == to { format_date_da(from) } else { format!("{} – {}", format_date_da(from), format_date_da(to)) }
}

fn row_view(r: &tovholder_core::preview::Row) -> PreviewRow {
    let kind = match r.kind {
        Kind::Entered => "Indtastet",
        Kind::Proposed => "Foreslået",
        Kind::Window => "Vindue",
        Kind::Task => "Frist",
    };
    let mut note = Vec::new();
    if r.working_day {
        note.push("Skal være en hverdag".to_string());
    }
    if !r.closed.is_empty() {
        let days: Vec<String> = r.closed.iter().map(|(d, name)| format!("{} ({name})", format_date_da(*d))).collect();
        note.push(format!("Ikke mulig: {}", days.join(", ")));
    }
    if !r.owners.is_empty() {
        note.push(format!("Ansvarlig: {}", r.owners.join(" eller ")));
    }
    if r.conditional {
        note.push("Kun når betingelsen i modellen er opfyldt".to_string());
    }
    PreviewRow {
        kind,
        label: r.label.clone(),
        when: r.window.map(|w| span_da(w.from, w.to)).unwrap_or_default(),
        day: r.date.map(format_date_da).unwrap_or_default(),
        rule: r.rule.clone().unwrap_or_default(),
        note: note.join(". "),
        problem: r.problem.clone(),
    }
}

pub async fn take(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    match models::take_into_use(&app, &user, get(&form, "text")).await? {
        Ok((id, version)) => Ok(Redirect::to(&format!("/admin/modeller?model={id}&version={version}")).into_response()),
        // The text came from the preview, which showed it valid: changed on the way.
        Err(_) => Err(AppError::Malformed("modelfilen er ændret siden forhåndsvisningen".into()).into()),
    }
}

#[derive(serde::Deserialize)]
pub struct MoveQuery {
    til: u32,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/model_move.html")]
struct MovePage {
    layout: Layout,
    csrf: String,
    id: String,
    name: String,
    to: u32,
    planned: Vec<Planned>,
    movable: usize,
}

impl MovePage {
    fn span(w: &Option<tovholder_core::span::Window>) -> String {
        w.map(|w| span_da(w.from, w.to)).unwrap_or_else(|| "ingen".into())
    }
}

pub async fn dry_run(State(app): State<App>, user: CurrentUser, Path(id): Path<String>, Query(q): Query<MoveQuery>) -> Result<Response, PageError> {
    only_instance_admin(&user)?;
    let planned = model_moves::dry_run(&app, &user, &id, q.til).await?;
    let name = app.models.version(&id, q.til).map(|m| m.name.clone()).unwrap_or_default();
    let movable = planned.iter().filter(|p| p.check.blockers.is_empty()).count();
    let layout = Layout { below: true, ..Layout::for_user(&app, &user, "admin").await? };
    Ok(MovePage { layout, csrf: user.csrf.clone(), id, name, to: q.til, planned, movable }.into_response())
}

pub async fn move_courses(State(app): State<App>, user: CurrentUser, Path(id): Path<String>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    only_instance_admin(&user)?;
    let to: u32 = get(&form, "til").parse().map_err(|_| AppError::NotFound)?;
    let moved = model_moves::move_all(&app, &user, &id, to).await?;
    Ok(Redirect::to(&format!("/admin/modeller?model={id}&version={to}&flyttet={moved}")).into_response())
}
