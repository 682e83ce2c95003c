//! Recording, signing and revoking the family's consent. Each is a journal entry; nothing is
//! ever edited or deleted, so the course shows exactly when sharing started and stopped.

use jiff::civil::Date;

use super::{CommandError, Ctx, FieldError, invalid, note_text};
use crate::consent::Recipient;
use crate::course::{ConsentForm, CourseState, Event};
use crate::ids::PersonId;
use crate::model::{Action, ConsentDef};

/// A consent form as filled in by staff with one consent giver.
#[derive(Clone, Debug)]
pub struct ConsentInput {
    pub giver: PersonId,
    pub about: Vec<PersonId>,
    pub recipients: Vec<Recipient>,
    /// Persons of the family's network (entries), named beside organisations.
    pub network: Vec<u32>,
    pub kinds: Vec<String>,
    pub purpose: String,
    pub valid_from: Date,
    pub valid_to: Date,
}

fn def<'a>(ctx: &'a Ctx) -> Result<&'a crate::model::ConsentDef, CommandError> {
    ctx.model.consent.as_ref().ok_or_else(|| invalid("consent", "Forløbet bruger ikke samtykker."))
}

pub fn record_consent(ctx: &Ctx, input: ConsentInput) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::RecordConsent)?;
    let def = def(ctx)?;
    ctx.require_role(&def.recorded_by, "consent", "Samtykker")?;
    Ok(vec![Event::ConsentRecorded(checked_form(def, ctx.state, input)?)])
}

/// A consent form checked against the model: the giver and children from the course, the
/// recipients and kinds from the model's lists, a purpose, and a period of at most three years.
pub(crate) fn checked_form(def: &ConsentDef, state: &CourseState, input: ConsentInput) -> Result<ConsentForm, CommandError> {
    let mut errors = Vec::new();
    let mut err = |field: &str, message: &str| errors.push(FieldError { field: field.into(), message: message.into() });
    let member_in = |p: PersonId, roles: &[String]| state.members.iter().any(|m| m.person == p && roles.contains(&m.role));
    if !member_in(input.giver, &def.giver_roles) {
        err("giver", "Vælg, hvem der giver samtykket.");
    }
    if input.about.is_empty() || !input.about.iter().all(|p| member_in(*p, &def.about_roles)) {
        err("about", "Vælg, hvilke børn samtykket handler om.");
    }
    if input.recipients.is_empty() && input.network.is_empty() {
        err("recipients", "Vælg mindst én modtager.");
    }
    // A person of the network needs an address: that is how they log in and get the plan.
    if !input.network.iter().all(|n| state.network.iter().any(|e| e.entry == *n && !e.email.is_empty())) {
        err("recipients", "Vælg modtagere fra listen.");
    }
    let municipality = def.department_party.as_ref().and_then(|p| state.parties.get(p));
    for r in &input.recipients {
        let ok = match &r.department {
            Some(d) => def.departments.contains(d) && Some(&r.org) == municipality,
            // A whole organisation only as an outside party: never one of the course's own.
            None => !state.parties.values().any(|o| *o == r.org),
        };
        if !ok {
            err("recipients", "Vælg modtagere fra listen.");
        }
    }
    if input.kinds.is_empty() || !input.kinds.iter().all(|k| def.kinds.contains_key(k)) {
        err("kinds", "Vælg, hvilke oplysninger samtykket omfatter.");
    }
    let purpose = input.purpose.trim();
    if purpose.is_empty() {
        err("purpose", "Skriv formålet med at dele oplysningerne.");
    } else if crate::cpr::contains_cpr(purpose) {
        err("purpose", "Skriv ikke CPR-numre i formålet.");
    }
    if input.valid_to < input.valid_from {
        err("valid_to", "Samtykket skal ophøre efter, det begynder.");
    }
    if input.valid_to > input.valid_from.checked_add(jiff::ToSpan::years(3)).unwrap_or(input.valid_from) {
        err("valid_to", "Et samtykke kan højst gælde i tre år; sæt en tidligere slutdato.");
    }
    if !errors.is_empty() {
        return Err(CommandError::Invalid(errors));
    }
    let mut recipients = input.recipients;
    recipients.sort();
    recipients.dedup();
    let mut network = input.network;
    network.sort_unstable();
    network.dedup();
    Ok(ConsentForm {
        consent: state.consents.iter().map(|c| c.id).max().unwrap_or(0) + 1,
        giver: input.giver,
        about: input.about,
        recipients,
        network,
        kinds: input.kinds,
        purpose: purpose.into(),
        valid_from: input.valid_from,
        valid_to: input.valid_to,
    })
}

/// Records that the giver (or a youth the consent is about) signed, and how.
pub fn sign_consent(ctx: &Ctx, consent: u32, by: PersonId, how: &str, on: Date) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::RecordConsent)?;
    let def = def(ctx)?;
    ctx.require_role(&def.recorded_by, "consent", "Samtykker")?;
    let Some(c) = ctx.state.consents.iter().find(|c| c.id == consent) else {
        return Err(invalid("consent", "Samtykket findes ikke."));
    };
    if c.revoked.is_some() {
        return Err(invalid("consent", "Samtykket er tilbagekaldt; registrér et nyt."));
    }
    if by != c.giver && !c.about.contains(&by) {
        return Err(invalid("by", "Kun samtykkegiveren og de unge, samtykket handler om, skriver under."));
    }
    if c.signed_by(by) {
        return Err(invalid("by", "Underskriften er allerede registreret."));
    }
    let Some(how) = note_text("how", Some(how.to_string()))? else {
        return Err(invalid("how", "Skriv, hvordan der blev skrevet under (fx på papir ved mødet)."));
    };
    if on > ctx.today {
        return Err(invalid("on", "Datoen for underskriften kan ikke ligge i fremtiden."));
    }
    Ok(vec![Event::ConsentSigned { consent, by, how, on }])
}

/// Revokes a consent: from the next request on, it opens nothing.
pub fn revoke_consent(ctx: &Ctx, consent: u32, note: Option<String>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::RecordConsent)?;
    let def = def(ctx)?;
    ctx.require_role(&def.recorded_by, "consent", "Samtykker")?;
    match ctx.state.consents.iter().find(|c| c.id == consent) {
        None => Err(invalid("consent", "Samtykket findes ikke.")),
        Some(c) if c.revoked.is_some() => Err(invalid("consent", "Samtykket er allerede tilbagekaldt.")),
        Some(_) => Ok(vec![Event::ConsentRevoked { consent, note: note_text("note", note)? }]),
    }
}
