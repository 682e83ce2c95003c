//! Documents with recipients: written or uploaded by a role the model allows, visible to the
//! author's organisation and to the people it was sent or forwarded to; every sending and
//! first reading is a journal entry.

use super::{CommandError, Ctx, invalid};
use crate::course::{CourseState, Document, DocumentMeta, Event, Recipient};
use crate::model::{Action, Model};
use crate::policy::{self, Actor, Decision, Reason};

/// The largest written (plain-text) document, in bytes: about a hundred pages.
pub const MAX_TEXT: u64 = 200 * 1024;

/// A document as added (the content is stored apart under its SHA-256).
pub struct NewDocument {
    pub kind: String,
    pub title: String,
    pub sha256: String,
    pub content_type: String,
    pub filename: Option<String>,
    pub size: u64,
}

pub fn add_document(ctx: &Ctx, doc: NewDocument) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::AddDocument)?;
    let Some(def) = ctx.model.documents.get(&doc.kind) else {
        return Err(invalid("kind", "Vælg en dokumenttype."));
    };
    ctx.require_role(&def.written_by, "kind", &def.label)?;
    let title = doc.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(invalid("title", "Skriv en titel på højst 200 tegn."));
    }
    if crate::cpr::contains_cpr(title) {
        return Err(invalid("title", "Skriv ikke CPR-numre i titlen."));
    }
    if doc.size == 0 {
        return Err(invalid("content", "Dokumentet er tomt."));
    }
    // A written document is shown as a page: a long one belongs in a file.
    if doc.content_type.starts_with("text/plain") && doc.size > MAX_TEXT {
        return Err(invalid("text", "Et skrevet dokument må højst fylde 200 kB (ca. 100 sider). Upload en længere tekst som pdf-, docx- eller odt-fil."));
    }
    Ok(vec![Event::DocumentAdded(meta(ctx.state, ctx.actor, doc))])
}

/// The next document number and its description; also used for the system's own letters.
pub fn meta(state: &CourseState, actor: &Actor, doc: NewDocument) -> DocumentMeta {
    DocumentMeta {
        doc: state.documents.iter().map(|d| d.meta.doc).max().unwrap_or(0) + 1,
        kind: doc.kind,
        title: doc.title.trim().to_string(),
        sha256: doc.sha256,
        content_type: doc.content_type,
        filename: doc.filename,
        size: doc.size,
        org: actor.org,
    }
}

/// May the actor read this document? Course access first, then authorship or receipt.
pub fn may_read_document(model: &Model, state: &CourseState, actor: &Actor, doc: &Document, today: jiff::civil::Date) -> Decision {
    let course = policy::decide(model, state, actor, Action::Read, today);
    if !course.allowed {
        return course;
    }
    // Someone who sees the course by consent reads only what was sent to them, and only while
    // the consent covers documents: not what their organisation's other staff wrote.
    if let Reason::Consent { .. } = course.reason {
        let kind = model.consent.as_ref().and_then(|c| c.documents_kind.as_deref());
        let covered = kind.map(|k| crate::consent::coverage(model, state, actor.org, actor.department.as_deref(), k, today));
        return match covered {
            Some(c) if c.allowed() && doc.sent_to(actor.person) => Decision { allowed: true, reason: Reason::Consent { coverage: c } },
            Some(c) if !c.allowed() => Decision { allowed: false, reason: Reason::Consent { coverage: c } },
            _ => Decision { allowed: false, reason: Reason::NotPermitted { roles: vec!["document_recipient".into()] } },
        };
    }
    if doc.meta.org == actor.org || doc.sent_to(actor.person) { course } else { Decision { allowed: false, reason: Reason::NotPermitted { roles: vec!["document_recipient".into()] } } }
}

/// Sends (as its author's organisation) or forwards (as a recipient) a document. The edge
/// resolves who holds each role; core checks the roles are ones this kind may go to.
pub fn send_document(ctx: &Ctx, doc: u32, to: Vec<Recipient>) -> Result<Vec<Event>, CommandError> {
    ctx.require(Action::SendDocument)?;
    let Some(d) = ctx.state.document(doc) else {
        return Err(invalid("doc", "Dokumentet findes ikke."));
    };
    let read = may_read_document(ctx.model, ctx.state, ctx.actor, d, ctx.today);
    if !read.allowed {
        return Err(CommandError::Denied(read));
    }
    let Some(def) = ctx.model.documents.get(&d.meta.kind) else {
        return Err(invalid("doc", "Dokumentet findes ikke."));
    };
    let forwarded = d.meta.org != ctx.actor.org;
    let allowed_roles = if forwarded { &def.forward_to } else { &def.send_to };
    if to.is_empty() {
        return Err(invalid("to", "Vælg mindst én modtager."));
    }
    if let Some(r) = to.iter().find(|r| !allowed_roles.contains(&r.role)) {
        let verb = if forwarded { "videresendes" } else { "sendes" };
        return Err(invalid("to", format!("{} kan ikke {verb} til en {}.", def.label, ctx.model.role_label(&r.role).to_lowercase())));
    }
    let new: Vec<Recipient> = to.into_iter().filter(|r| !d.sent_to(r.person)).collect();
    if new.is_empty() {
        return Ok(vec![]);
    }
    Ok(vec![Event::DocumentSent { doc, to: new, forwarded }])
}

/// A first reading by this person is a journal entry; later ones are in the access log only.
pub fn read_document(state: &CourseState, actor: &Actor, doc: u32) -> Vec<Event> {
    match state.document(doc) {
        Some(d) if !d.read.iter().any(|(p, _)| *p == actor.person) => vec![Event::DocumentRead { doc }],
        _ => vec![],
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::course::Stamp;
    use crate::ids::{OrgId, PersonId};
    use crate::tasks;
    #[allow(unused_imports)]
    use crate::testkit::*;

    fn actors() -> (Actor, Actor, Actor, Actor) {
        let staff = Actor { person: PersonId(1), org: OrgId(1), org_roles: vec!["personale".into()], department: None, deputy_for: vec![] };
        let tovholder = Actor { person: PersonId(2), org: OrgId(2), org_roles: vec!["tovholder".into()], department: None, deputy_for: vec![] };
        let kp = Actor { person: PersonId(3), org: OrgId(2), org_roles: vec![], department: None, deputy_for: vec![] };
        let colleague = Actor { person: PersonId(4), org: OrgId(2), org_roles: vec!["tovholder".into()], department: None, deputy_for: vec![] };
        (staff, tovholder, kp, colleague)
    }

    fn apply(st: &mut CourseState, by: PersonId, evs: Vec<Event>) {
        let s = Stamp { at: jiff::Timestamp::UNIX_EPOCH, by };
        for e in &evs {
            st.apply(&s, e);
        }
    }

    fn doc(kind: &str) -> NewDocument {
        NewDocument { kind: kind.into(), title: format!("{kind} for barnet"), sha256: "ab".repeat(32), content_type: "text/plain; charset=utf-8".into(), filename: None, size: 10 }
    }

    #[test]
    fn a_written_document_is_bounded_and_a_file_is_not() {
        let m = model();
        let (staff, ..) = actors();
        let mut st = CourseState::default();
        apply(&mut st, PersonId(1), vec![Event::CourseOpened { model: "julemaerkehjem".into(), version: 1, parties: [("home".to_string(), OrgId(1)), ("municipality".to_string(), OrgId(2))].into() }]);
        let ctx = Ctx { model: &m, state: &st, actor: &staff, today: TODAY };
        assert!(add_document(&ctx, NewDocument { size: MAX_TEXT, ..doc("udtalelse") }).is_ok());
        let Err(CommandError::Invalid(e)) = add_document(&ctx, NewDocument { size: MAX_TEXT + 1, ..doc("udtalelse") }) else { panic!("a written document over 200 kB is refused") };
        assert_eq!(e[0].field, "text");
        assert!(e[0].message.contains("200 kB"));
        let pdf = NewDocument { size: 8 * 1024 * 1024, content_type: "application/pdf".into(), ..doc("udtalelse") };
        assert!(add_document(&ctx, pdf).is_ok(), "an uploaded file is bounded by the upload limit, not this one");
    }

    #[test]
    fn documents_reach_exactly_their_recipients_and_the_tasks_follow() {
        let m = model();
        let (staff, tovholder, kp, colleague) = actors();
        let mut st = CourseState::default();
        apply(
            &mut st,
            PersonId(1),
            vec![
                Event::CourseOpened { model: "julemaerkehjem".into(), version: 1, parties: [("home".to_string(), OrgId(1)), ("municipality".to_string(), OrgId(2))].into() },
                Event::DecisionRecorded { decision: "samarbejde".into(), value: "ja".into(), note: None },
                Event::PersonJoined { person: PersonId(3), role: "kontaktperson".into(), custody: None, born: None },
                Event::DatesSet { dates: [("ophold_slut".to_string(), jiff::civil::date(2027, 4, 16))].into(), reason: None },
            ],
        );
        for kind in ["udtalelse", "handleplan"] {
            let evs = add_document(&Ctx { model: &m, state: &st, actor: &staff, today: TODAY }, doc(kind)).unwrap();
            apply(&mut st, PersonId(1), evs);
        }
        assert!(add_document(&Ctx { model: &m, state: &st, actor: &tovholder, today: TODAY }, doc("udtalelse")).is_err(), "the municipality does not write the home's statement");
        let d1 = st.document(1).unwrap().clone();
        assert!(may_read_document(&m, &st, &staff, &d1, TODAY).allowed, "the author's organisation");
        assert!(!may_read_document(&m, &st, &tovholder, &d1, TODAY).allowed, "not sent yet");
        // Sent to the tovholder: readable by them, not by their colleague or the kontaktperson.
        let to_tov = vec![Recipient { person: PersonId(2), role: "tovholder".into() }];
        let e = send_document(&Ctx { model: &m, state: &st, actor: &staff, today: TODAY }, 1, vec![Recipient { person: PersonId(3), role: "kontaktperson".into() }]).unwrap_err();
        assert!(matches!(e, CommandError::Invalid(_)), "the home sends the statement to the tovholder, who forwards it");
        for d in [1, 2] {
            let evs = send_document(&Ctx { model: &m, state: &st, actor: &staff, today: TODAY }, d, to_tov.clone()).unwrap();
            apply(&mut st, PersonId(1), evs);
        }
        let d1 = st.document(1).unwrap().clone();
        assert!(may_read_document(&m, &st, &tovholder, &d1, TODAY).allowed);
        assert!(!may_read_document(&m, &st, &colleague, &d1, TODAY).allowed);
        assert!(!may_read_document(&m, &st, &kp, &d1, TODAY).allowed);
        let ids = |st: &CourseState| tasks::tasks(&m, st).into_iter().filter(|t| t.done.is_none()).map(|t| t.id).collect::<Vec<_>>();
        assert!(ids(&st).contains(&"videresend_udtalelse".to_string()) && !ids(&st).contains(&"udtalelse_handleplan".to_string()));
        // The tovholder forwards both to the kontaktperson.
        let to_kp = vec![Recipient { person: PersonId(3), role: "kontaktperson".into() }];
        for d in [1, 2] {
            let evs = send_document(&Ctx { model: &m, state: &st, actor: &tovholder, today: TODAY }, d, to_kp.clone()).unwrap();
            assert!(matches!(evs[0], Event::DocumentSent { forwarded: true, .. }));
            apply(&mut st, PersonId(2), evs);
        }
        assert!(may_read_document(&m, &st, &kp, st.document(1).unwrap(), TODAY).allowed);
        assert!(!ids(&st).contains(&"videresend_udtalelse".to_string()));
        // A first reading is recorded once.
        assert_eq!(read_document(&st, &kp, 1), vec![Event::DocumentRead { doc: 1 }]);
        let evs = read_document(&st, &kp, 1);
        apply(&mut st, PersonId(3), evs);
        assert!(read_document(&st, &kp, 1).is_empty());
    }
}
