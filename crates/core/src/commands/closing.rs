//! Closing a course and opening it again. A closed course is read-only (`refuse_if_closed`: every
//! command but reopening is refused), it leaves the task lists, and its keeping period starts.

use super::{CommandError, Ctx, invalid, note_text};
use crate::course::{CourseState, Event};

/// What a refused write to a closed course says.
pub const CLOSED: &str = "Forløbet er lukket, så intet kan ændres. Genåbn det først, hvis der skal ske mere.";

/// Closes the course for one of the model's reasons, by one of its `coordinators`.
pub fn close_course(ctx: &Ctx, reason: &str, note: Option<String>) -> Result<Vec<Event>, CommandError> {
    let Some(def) = ctx.model.closing.as_ref() else { return Err(invalid("reason", "Forløb af denne slags lukkes ikke i Tovholder.")) };
    ctx.require_role(&ctx.model.coordinators, "reason", "Lukning af et forløb")?;
    if ctx.state.closed.is_some() {
        return Err(invalid("reason", "Forløbet er allerede lukket."));
    }
    if !def.reasons.contains_key(reason) {
        return Err(invalid("reason", "Vælg, hvorfor forløbet lukkes."));
    }
    Ok(vec![Event::CourseClosed { reason: reason.to_string(), note: note_text("note", note)? }])
}

/// Opens a closed course again, with why.
pub fn reopen_course(ctx: &Ctx, note: &str) -> Result<Vec<Event>, CommandError> {
    if ctx.model.closing.is_none() {
        return Err(invalid("note", "Forløb af denne slags lukkes ikke i Tovholder."));
    }
    ctx.require_role(&ctx.model.coordinators, "note", "Genåbning af et forløb")?;
    reopening(ctx.state, note)
}

/// Reopening a closed course, whoever may (its coordinator, or an administrator of one of its
/// organisations, who holds no role in it): it must be closed, and the why is required.
pub fn reopening(state: &CourseState, note: &str) -> Result<Vec<Event>, CommandError> {
    if state.closed.is_none() {
        return Err(invalid("note", "Forløbet er ikke lukket."));
    }
    let Some(note) = note_text("note", Some(note.to_string()))? else { return Err(invalid("note", "Skriv, hvorfor forløbet genåbnes.")) };
    Ok(vec![Event::CourseReopened { note }])
}

/// Refuses any change to a closed course (reopening it is the way back).
pub fn refuse_if_closed(state: &CourseState) -> Result<(), CommandError> {
    if state.closed.is_some() { Err(invalid("course", CLOSED)) } else { Ok(()) }
}
