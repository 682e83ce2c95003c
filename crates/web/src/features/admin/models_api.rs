//! The API of "Samarbejdsmodeller": the stored versions, a model file checked (`dry_run`) or
//! taken into use, and the move of running courses with its dry run. The instance's
//! administrator only; to anyone else "not found".

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tovholder_app::model_moves;
use tovholder_app::models;
use tovholder_core::commands::FieldError;
use tovholder_core::ids::CourseId;
use tovholder_core::model::{Model, ModelError};
use tovholder_core::span::Window;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, AppError};
use crate::http::path::Path;

use super::models::only_instance_admin;

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct StoredVersion {
    pub version: u32,
    pub sha256: String,
    /// "indbygget" (shipped), "mappe" (models_dir) or "upload".
    pub source: String,
    /// RFC 3339.
    pub added: String,
    /// New courses get this version.
    pub newest: bool,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ModelVersions {
    pub model: String,
    pub name: String,
    /// Newest first.
    pub versions: Vec<StoredVersion>,
}

pub async fn list(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<ModelVersions>>, ApiError> {
    only_instance_admin(&user)?;
    let stored = models::stored(app.store.as_ref()).await.map_err(AppError::from)?;
    Ok(Json(
        stored
            .into_iter()
            .map(|(model, versions)| {
                let newest = versions.first().map(|v| v.version);
                let name = app.models.get(&model).map(|m| m.name.clone()).unwrap_or_else(|| model.clone());
                let versions =
                    versions.into_iter().map(|v| StoredVersion { newest: Some(v.version) == newest, version: v.version, sha256: v.sha256, source: v.source, added: v.added.to_string() }).collect();
                ModelVersions { model, name, versions }
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct UploadQuery {
    /// Only check the file: nothing is stored.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Upload {
    pub model: String,
    pub name: String,
    /// The version the text has, or would have once taken into use.
    pub version: u32,
    /// The same text was stored before (as `version`): taking it into use changes nothing.
    pub known: bool,
}

fn invalid(errors: Vec<ModelError>) -> AppError {
    AppError::Invalid(errors.into_iter().map(|e| FieldError { field: e.field, message: e.message }).collect())
}

/// The model file as the request body (TOML, UTF-8): checked with `dry_run` (200), else taken
/// into use (201); an invalid file gets 422 with each problem by its line or field.
pub async fn upload(State(app): State<App>, user: CurrentUser, Query(q): Query<UploadQuery>, body: Bytes) -> Result<Response, ApiError> {
    only_instance_admin(&user)?;
    let text = &models::normalized(std::str::from_utf8(&body).map_err(|_| AppError::invalid("body", "Modelfilen skal være UTF-8."))?);
    let model = Model::parse(text).map_err(invalid)?;
    let place = models::placement(app.store.as_ref(), &model.id, text).await.map_err(AppError::from)?;
    let known = place.known;
    if q.dry_run {
        return Ok(Json(Upload { model: model.id, name: model.name, version: place.version(), known: known.is_some() }).into_response());
    }
    let (id, version) = models::take_into_use(&app, &user, text).await?.map_err(invalid)?;
    let status = if known.is_some() { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(Upload { model: id, name: model.name, version, known: known.is_some() })).into_response())
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct MoveQuery {
    /// The version to move to.
    pub to: u32,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct TaskChange {
    pub label: String,
    /// The deadline's window under the course's version and under the new one; none: no such task.
    pub before: Option<Window>,
    pub after: Option<Window>,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct PlannedMove {
    pub course: CourseId,
    pub from: u32,
    pub organisations: String,
    /// Why the course cannot move; empty when it can.
    pub blockers: Vec<String>,
    pub tasks: Vec<TaskChange>,
    /// Recorded dates the new version's rules would not accept.
    pub dates: Vec<String>,
    /// Changes to who takes part and what they may do.
    pub access: Vec<String>,
}

/// The dry run: what moving the open courses of the model to version `to` would change.
pub async fn dry_run(State(app): State<App>, user: CurrentUser, Path(model): Path<String>, Query(q): Query<MoveQuery>) -> Result<Json<Vec<PlannedMove>>, ApiError> {
    only_instance_admin(&user)?;
    let planned = model_moves::dry_run(&app, &user, &model, q.to).await?;
    Ok(Json(
        planned
            .into_iter()
            .map(|p| PlannedMove {
                course: p.course,
                from: p.from,
                organisations: p.orgs,
                blockers: p.check.blockers,
                tasks: p.check.tasks.into_iter().map(|t| TaskChange { label: t.label, before: t.before, after: t.after }).collect(),
                dates: p.check.dates,
                access: p.check.access,
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct MoveBody {
    pub to: u32,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Moved {
    pub moved: usize,
}

/// Moves every open course of the model that can move to version `to`.
pub async fn move_courses(State(app): State<App>, user: CurrentUser, Path(model): Path<String>, Json(body): Json<MoveBody>) -> Result<Json<Moved>, ApiError> {
    only_instance_admin(&user)?;
    Ok(Json(Moved { moved: model_moves::move_all(&app, &user, &model, body.to).await? }))
}
