//! Correcting the family after a course is opened: a coordinator adds a family member, corrects
//! one (custody; their name, e-mail and CPR number are the person's record, changed by the
//! caller) or takes one out, each journaled with who, when and why.

use jiff::civil::Date;

use super::{CommandError, Ctx, invalid, note_text};
use crate::course::Event;
use crate::ids::PersonId;
use crate::model::Scope;

/// Why, as every correction needs one.
fn why(text: &str) -> Result<String, CommandError> {
    note_text("why", Some(text.to_string()))?.ok_or_else(|| invalid("why", "Skriv, hvorfor familien rettes."))
}

fn coordinator(ctx: &Ctx) -> Result<(), CommandError> {
    ctx.require(crate::model::Action::Read)?;
    ctx.require_role(&ctx.model.coordinators, "why", "At rette familien")
}

/// Adds `person` (their record made by the caller) to the family in a citizen `role`.
pub fn add_member(ctx: &Ctx, person: PersonId, role: &str, custody: Option<bool>, born: Option<Date>, because: &str) -> Result<Vec<Event>, CommandError> {
    coordinator(ctx)?;
    let Some(def) = ctx.model.role(role).filter(|r| r.scope == Scope::Citizen) else { return Err(invalid("role", "Vælg, hvem i familien personen er.")) };
    let custody = def.register.as_ref().is_some_and(|r| r.custody).then_some(custody.unwrap_or(false));
    Ok(vec![Event::FamilyMemberAdded { person, role: role.to_string(), custody, born, why: why(because)? }])
}

/// Records that a family member's details were corrected: `changed` names which; `custody`
/// None leaves it as it is.
pub fn correct_member(ctx: &Ctx, person: PersonId, changed: Vec<String>, custody: Option<bool>, born: Option<Date>, because: &str) -> Result<Vec<Event>, CommandError> {
    coordinator(ctx)?;
    if !super::family::is_family(ctx.model, ctx.state, person) {
        return Err(invalid("person", "Personen er ikke i familien i dette forløb."));
    }
    let had = ctx.state.members.iter().find(|m| m.person == person).and_then(|m| m.custody);
    // Custody left out stays as it is.
    let custody = custody.or(had);
    let mut changed = changed;
    if had.is_some() && custody != had {
        changed.push("custody".into());
    }
    if changed.is_empty() {
        return Err(invalid("why", "Der er intet rettet."));
    }
    Ok(vec![Event::FamilyMemberCorrected { person, changed, custody: had.map(|_| custody.unwrap_or(false)), born, why: why(because)? }])
}

/// Takes a family member out of the course; a course keeps at least one family member.
pub fn remove_member(ctx: &Ctx, person: PersonId, role: &str, because: &str) -> Result<Vec<Event>, CommandError> {
    coordinator(ctx)?;
    if !ctx.state.members.iter().any(|m| m.person == person && m.role == role && ctx.model.role(role).is_some_and(|r| r.scope == Scope::Citizen)) {
        return Err(invalid("person", "Personen er ikke i familien i dette forløb."));
    }
    if super::family::members(ctx.model, ctx.state).len() == 1 {
        return Err(invalid("person", "Et forløb har mindst ét familiemedlem. Luk forløbet i stedet."));
    }
    Ok(vec![Event::FamilyMemberRemoved { person, role: role.to_string(), why: why(because)? }])
}
