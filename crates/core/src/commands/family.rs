//! What a family member does on their own pages: answer a meeting's preparation questions,
//! write "Mine ønsker" (a child), sign a consent they give or (from 15) one about them, and
//! withdraw one. No staff role is needed: each checks that it is theirs to do. The journal's
//! stamp says who did it.

use jiff::civil::Date;

use super::{CommandError, invalid};
use crate::consent::is_youth;
use crate::course::{Consent, CourseState, Event};
use crate::ids::PersonId;
use crate::meetings::MeetingStatus;
use crate::model::{Model, Scope};

/// The longest answer or wish, in characters.
pub const MAX_TEXT: usize = 2000;

/// Whether `person` is a family member of the course (a citizen role).
pub fn is_family(model: &Model, state: &CourseState, person: PersonId) -> bool {
    state.members.iter().any(|m| m.person == person && model.role(&m.role).is_some_and(|r| r.scope == Scope::Citizen))
}

/// The family members (citizen roles) of a course, each once.
pub fn members(model: &Model, state: &CourseState) -> Vec<PersonId> {
    let mut out: Vec<PersonId> = state.members.iter().filter(|m| model.role(&m.role).is_some_and(|r| r.scope == Scope::Citizen)).map(|m| m.person).collect();
    out.sort();
    out.dedup();
    out
}

/// A family member's age on `today`, if the course records their birth date.
pub fn age(state: &CourseState, person: PersonId, today: Date) -> Option<i16> {
    let born = state.members.iter().find(|m| m.person == person).and_then(|m| m.born)?;
    Some(today.since((jiff::Unit::Year, born)).ok()?.get_years())
}

/// Whether `person` has the child's own page: under 18, and at least the model's age for it.
pub fn has_child_page(model: &Model, state: &CourseState, person: PersonId, today: Date) -> bool {
    age(state, person, today).is_some_and(|a| a >= model.child_page_age && a < 18)
}

/// Free text a family member writes: trimmed, at most `MAX_TEXT` characters, never a CPR number.
fn family_text(field: &str, text: &str) -> Result<String, CommandError> {
    let t = text.trim();
    if t.chars().count() > MAX_TEXT {
        return Err(invalid(field, "Teksten er for lang (højst 2.000 tegn)."));
    }
    if crate::cpr::contains_cpr(t) {
        return Err(invalid(field, "Skriv ikke CPR-numre her."));
    }
    Ok(t.to_string())
}

/// A family member's answers to the preparation questions of an upcoming meeting.
pub fn answer_preparation(model: &Model, state: &CourseState, person: PersonId, meeting: u32, answers: &[String], today: Date) -> Result<Vec<Event>, CommandError> {
    let Some(m) = state.meeting(meeting).filter(|_| is_family(model, state, person)) else { return Err(invalid("meeting", "Mødet findes ikke.")) };
    let Some(prep) = model.meeting_types.get(&m.form.kind).and_then(|t| t.preparation.as_ref()) else {
        return Err(invalid("meeting", "Der er ingen forberedelse til dette møde."));
    };
    if m.status != MeetingStatus::Planned || m.date() < today {
        return Err(invalid("meeting", "Mødet er holdt eller aflyst, så forberedelsen kan ikke længere ændres."));
    }
    let mut out = Vec::with_capacity(prep.questions.len());
    for i in 0..prep.questions.len() {
        out.push(family_text(&format!("answer{}", i + 1), answers.get(i).map_or("", String::as_str))?);
    }
    if out.iter().all(String::is_empty) {
        return Err(invalid("answer1", "Skriv svar på mindst ét af spørgsmålene."));
    }
    Ok(vec![Event::PreparationAnswered { meeting, answers: out }])
}

/// A child's "Mine ønsker", shown to the coordinator and on the meeting page, and to the
/// parents only if `parents_may_see`.
pub fn write_wishes(model: &Model, state: &CourseState, person: PersonId, text: &str, parents_may_see: bool, today: Date) -> Result<Vec<Event>, CommandError> {
    if !is_family(model, state, person) || !has_child_page(model, state, person, today) {
        return Err(invalid("text", "Kun barnet selv kan skrive sine ønsker."));
    }
    let text = family_text("text", text)?;
    if text.is_empty() {
        return Err(invalid("text", "Skriv, hvad du gerne vil have, at de voksne ved."));
    }
    Ok(vec![Event::WishesWritten { text, parents_may_see }])
}

/// Whether `person` signs this consent: they give it, or it is about them and they are 15 or
/// older (their signature is needed too; it never replaces the parents').
fn signs(state: &CourseState, c: &Consent, person: PersonId, today: Date) -> bool {
    let born = state.members.iter().find(|m| m.person == person).and_then(|m| m.born);
    c.giver == person || (c.about.contains(&person) && is_youth(born, today))
}

/// Whether `person` may sign this consent on their pages now.
pub fn may_sign(state: &CourseState, c: &Consent, person: PersonId, today: Date) -> bool {
    c.revoked.is_none() && today <= c.valid_to && !c.signed_by(person) && signs(state, c, person, today)
}

/// Whether `person` may withdraw this consent themselves: as easy as giving it (GDPR art. 7(3)).
pub fn may_withdraw(state: &CourseState, c: &Consent, person: PersonId, today: Date) -> bool {
    c.revoked.is_none() && signs(state, c, person, today)
}

fn consent(state: &CourseState, id: u32) -> Result<&Consent, CommandError> {
    state.consents.iter().find(|c| c.id == id).ok_or_else(|| invalid("consent", "Samtykket findes ikke."))
}

/// Signs a consent digitally on the family's pages.
pub fn sign_consent(state: &CourseState, person: PersonId, id: u32, today: Date) -> Result<Vec<Event>, CommandError> {
    let c = consent(state, id)?;
    if !may_sign(state, c, person, today) {
        return Err(invalid("consent", "Du kan ikke skrive under på dette samtykke (det er skrevet under, tilbagekaldt, udløbet eller ikke dit)."));
    }
    Ok(vec![Event::ConsentSigned { consent: id, by: person, how: DIGITALLY.into(), on: today }])
}

/// Withdraws a consent: from the next request on, it opens nothing.
pub fn withdraw_consent(state: &CourseState, person: PersonId, id: u32, today: Date) -> Result<Vec<Event>, CommandError> {
    let c = consent(state, id)?;
    if c.revoked.is_some() {
        return Err(invalid("consent", "Samtykket er allerede tilbagekaldt."));
    }
    if !may_withdraw(state, c, person, today) {
        return Err(invalid("consent", "Du kan kun tilbagekalde samtykker, du selv har givet eller skrevet under på."));
    }
    Ok(vec![Event::ConsentRevoked { consent: id, note: Some("Tilbagekaldt af familien på familiens sider.".into()) }])
}

/// Whether `person` may give a new consent on their pages: a parent whose consent counts (a
/// giver role with custody) in a course whose model uses consent.
pub fn may_give(model: &Model, state: &CourseState, person: PersonId) -> bool {
    model.consent.is_some() && crate::consent::custody_holders(model, state).contains(&person)
}

/// A new consent given digitally by a parent on the family's pages: the same form and checks as
/// staff's, the giver is the parent, and it is signed as it is given. It starts no earlier than
/// today; a youth of 15 it is about adds their signature (`sign_consent`) where the model says.
pub fn give_consent(model: &Model, state: &CourseState, person: PersonId, input: super::ConsentInput, today: Date) -> Result<Vec<Event>, CommandError> {
    let Some(def) = model.consent.as_ref().filter(|_| may_give(model, state, person)) else {
        return Err(invalid("giver", "Kun en forælder med forældremyndighed kan give samtykke her."));
    };
    if input.valid_from < today {
        return Err(invalid("valid_from", "Et samtykke kan ikke gælde fra en dag, der er gået."));
    }
    let form = super::consents::checked_form(def, state, super::ConsentInput { giver: person, ..input })?;
    let consent = form.consent;
    Ok(vec![Event::ConsentRecorded(form), Event::ConsentSigned { consent, by: person, how: DIGITALLY.into(), on: today }])
}

/// How a signature given on the family's pages is recorded.
const DIGITALLY: &str = "Digitalt på familiens sider";

/// A document's author shows it on the family's pages, or hides it again: only kinds the model
/// lets the family see (`family = true`), and only their own (the author decides).
pub fn share_document(ctx: &super::Ctx, doc: u32, shared: bool) -> Result<Vec<Event>, CommandError> {
    ctx.require(crate::model::Action::AddDocument)?;
    let Some(d) = ctx.state.document(doc) else { return Err(invalid("doc", "Dokumentet findes ikke.")) };
    if !ctx.model.documents.get(&d.meta.kind).is_some_and(|k| k.family) {
        return Err(invalid("doc", "Dokumenter af denne type vises ikke for familien."));
    }
    if d.added.by != ctx.actor.person {
        return Err(invalid("doc", "Kun den, der har skrevet dokumentet, kan vise det for familien."));
    }
    if d.family == shared {
        return Err(invalid("doc", if shared { "Familien kan allerede se dokumentet." } else { "Familien kan ikke se dokumentet." }));
    }
    Ok(vec![Event::DocumentShared { doc, shared }])
}

/// The minutes' author shows them on the family's pages, or hides them again: only meetings
/// whose kind the model lets the family read the minutes of.
pub fn share_minutes(ctx: &super::Ctx, meeting: u32, shared: bool) -> Result<Vec<Event>, CommandError> {
    ctx.require(crate::model::Action::PlanMeeting)?;
    let Some(m) = ctx.state.meeting(meeting) else { return Err(invalid("meeting", "Mødet findes ikke.")) };
    if !ctx.model.meeting_types.get(&m.form.kind).is_some_and(|t| t.minutes_to_family) {
        return Err(invalid("meeting", "Referater af denne slags møder vises ikke for familien."));
    }
    let Some((_, written)) = &m.minutes else { return Err(invalid("meeting", "Mødet har intet referat endnu.")) };
    if written.by != ctx.actor.person {
        return Err(invalid("meeting", "Kun den, der har skrevet referatet, kan vise det for familien."));
    }
    if m.minutes_shared == shared {
        return Err(invalid("meeting", if shared { "Familien kan allerede se referatet." } else { "Familien kan ikke se referatet." }));
    }
    Ok(vec![Event::MinutesShared { meeting, shared }])
}

/// Marks a family member as having name and address protection (navne- og
/// adressebeskyttelse), or no longer: staff who record consent, since it decides what is shared.
pub fn set_protection(ctx: &super::Ctx, person: PersonId, protected: bool) -> Result<Vec<Event>, CommandError> {
    ctx.require(crate::model::Action::RecordConsent)?;
    if !is_family(ctx.model, ctx.state, person) {
        return Err(invalid("person", "Kun familiens medlemmer kan have navne- og adressebeskyttelse her."));
    }
    if ctx.state.protected.contains(&person) == protected {
        return Err(invalid("person", if protected { "Personen er allerede markeret med beskyttelse." } else { "Personen er ikke markeret med beskyttelse." }));
    }
    Ok(vec![Event::ProtectionSet { person, protected }])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::course::Member;
    use crate::testkit::{TODAY, ballerup_model};

    fn with_youth(born: Date) -> CourseState {
        let since = jiff::Timestamp::UNIX_EPOCH;
        let members = vec![
            Member { person: PersonId(5), role: "ung".into(), since, custody: None, born: Some(born) },
            Member { person: PersonId(6), role: "foraelder".into(), since, custody: Some(true), born: Some(date(1980, 1, 1)) },
        ];
        CourseState { model: "ballerup_unge".into(), members, ..CourseState::default() }
    }

    /// The child's page from the model's age (10) to 18, by birthday; never a parent's.
    #[test]
    fn the_childs_page_is_for_a_child_from_ten() {
        let m = ballerup_model();
        for (born, has) in [(date(2016, 11, 24), false), (date(2016, 11, 23), true), (date(2008, 11, 24), true), (date(2008, 11, 23), false)] {
            assert_eq!(has_child_page(&m, &with_youth(born), PersonId(5), TODAY), has, "born {born}");
        }
        assert!(!has_child_page(&m, &with_youth(date(2011, 6, 11)), PersonId(6), TODAY));
        let text = "Jeg vil gerne have, at mødet er kort.";
        assert!(write_wishes(&m, &with_youth(date(2016, 11, 24)), PersonId(5), text, true, TODAY).is_err(), "a child of nine has no page yet");
        assert!(write_wishes(&m, &with_youth(date(2011, 6, 11)), PersonId(6), text, true, TODAY).is_err(), "a parent writes no child's wishes");
        assert!(matches!(write_wishes(&m, &with_youth(date(2011, 6, 11)), PersonId(5), text, false, TODAY).unwrap()[..], [Event::WishesWritten { parents_may_see: false, .. }]));
    }
}
