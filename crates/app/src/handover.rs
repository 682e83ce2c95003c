//! What a closed login leaves behind: the person steps down from every course role they hold,
//! so their tasks fall to the role standing in (or to those who appoint to the role), and the
//! appointers get a task "Udpeg ny <rolle>" (core's vacancies). Written to each course's
//! journal in the administrator's name, under the access log's `write:release_login`.

use tovholder_core::course::{Event, Leaving};
use tovholder_core::ids::{CourseId, PersonId};
use tovholder_core::model::Scope;
use tovholder_store::{AccessRecord, User};

use crate::course::log;
use crate::error::AppError;
use crate::{App, actions};

/// Takes `person` out of every course role they hold; the number of courses changed.
pub async fn release(app: &App, by: &User, person: PersonId) -> Result<usize, AppError> {
    let mut changed = 0;
    for id in app.store.courses_of_member(person).await? {
        if actions::retrying(|| release_in(app, by, person, id)).await? {
            changed += 1;
        }
    }
    Ok(changed)
}

/// One course: whether anything was written.
async fn release_in(app: &App, by: &User, person: PersonId, id: CourseId) -> Result<bool, AppError> {
    let Some(stored) = app.store.course(id).await? else { return Ok(false) };
    let Some(model) = app.model_of(&stored.state).await? else { return Ok(false) };
    let events: Vec<Event> = stored
        .state
        .members
        .iter()
        .filter(|m| m.person == person && model.role(&m.role).is_some_and(|r| r.scope == Scope::Course))
        .map(|m| Event::PersonLeft { person, role: m.role.clone(), because: Some(Leaving::LoginClosed) })
        .collect();
    if events.is_empty() {
        return Ok(false);
    }
    log(app, AccessRecord { at: app.clock.now(), person: Some(by.person), course: Some(id), action: "write:release_login".into(), allowed: true, reason: "administrator".into() }).await?;
    actions::commit_as_administrator(app, by, &stored, model, events).await?;
    Ok(true)
}
