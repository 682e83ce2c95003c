//! Moving running courses to another version of their model, by an instance administrator:
//! first a dry run that lists, per course, which tasks and dates would change and which
//! course cannot move (core's `versions::check_move`); then the move, one journal entry per
//! course (`ModelMoved`), in the administrator's name. Closed courses stay where they are.
//! Courses are named by number and organisations only: the administrator need not be able to
//! read them.

use std::sync::Arc;

use tovholder_core::course::Event;
use tovholder_core::ids::CourseId;
use tovholder_core::model::Model;
use tovholder_core::versions::{MoveCheck, check_move};
use tovholder_store::{AccessRecord, StoredCourse, User};

use crate::course::log;
use crate::error::AppError;
use crate::{App, actions};

/// Courses read at a time while looking for those of the model.
const BATCH: usize = 500;

pub struct Planned {
    pub course: CourseId,
    pub from: u32,
    /// The course's organisations, by name.
    pub orgs: String,
    pub check: MoveCheck,
}

/// What a move of every open course of `model` to version `to` would do; the courses already
/// on it are left out. `NotFound` for a version the instance does not have.
pub async fn dry_run(app: &App, by: &User, model: &str, to: u32) -> Result<Vec<Planned>, AppError> {
    let target = target(app, by, model, to)?;
    log(app, AccessRecord { at: app.clock.now(), person: Some(by.person), course: None, action: format!("admin:model_dry_run:{model}:{to}"), allowed: true, reason: "administrator".into() }).await?;
    let orgs = app.store.orgs().await?;
    let today = app.clock.today();
    let mut out = Vec::new();
    for c in courses_of(app, model, to).await? {
        let Some(old) = app.model_of(&c.state).await? else { continue };
        let names: Vec<&str> = c.state.parties.values().filter_map(|o| orgs.iter().find(|x| x.id == *o).map(|x| x.name.as_str())).collect();
        out.push(Planned { course: c.id, from: c.state.model_version, orgs: names.join(", "), check: check_move(&old, &target, &c.state, today) });
    }
    Ok(out)
}

/// Moves every open course of `model` that can move to version `to`; the number moved.
pub async fn move_all(app: &App, by: &User, model: &str, to: u32) -> Result<usize, AppError> {
    let target = target(app, by, model, to)?;
    let mut moved = 0;
    for c in courses_of(app, model, to).await? {
        if actions::retrying(|| move_one(app, by, &target, c.id)).await? {
            moved += 1;
        }
    }
    Ok(moved)
}

fn target(app: &App, by: &User, model: &str, to: u32) -> Result<Arc<Model>, AppError> {
    if !by.instance_admin {
        return Err(AppError::NotFound);
    }
    app.models.version(model, to).ok_or(AppError::NotFound)
}

/// The open courses of `model` not on version `to`.
async fn courses_of(app: &App, model: &str, to: u32) -> Result<Vec<StoredCourse>, AppError> {
    let ids = app.store.course_ids().await?;
    let mut out = Vec::new();
    for chunk in ids.chunks(BATCH) {
        let courses = app.store.courses(chunk).await?;
        out.extend(courses.into_iter().filter(|c| c.state.model == model && c.state.model_version != to && c.state.closed.is_none()));
    }
    Ok(out)
}

/// One course, checked again as it is now: whether it moved.
async fn move_one(app: &App, by: &User, target: &Arc<Model>, id: CourseId) -> Result<bool, AppError> {
    let Some(stored) = app.store.course(id).await? else { return Ok(false) };
    let Some(old) = app.model_of(&stored.state).await? else { return Ok(false) };
    if stored.state.model_version == target.version || stored.state.closed.is_some() || !check_move(&old, target, &stored.state, app.clock.today()).blockers.is_empty() {
        return Ok(false);
    }
    log(app, AccessRecord { at: app.clock.now(), person: Some(by.person), course: Some(id), action: "write:model_move".into(), allowed: true, reason: "administrator".into() }).await?;
    // The new version computes the course's tasks from now on.
    let event = Event::ModelMoved { from: stored.state.model_version, to: target.version };
    actions::commit_as_administrator(app, by, &stored, target.clone(), vec![event]).await?;
    Ok(true)
}
