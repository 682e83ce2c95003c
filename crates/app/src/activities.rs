//! Activities across courses (core's `activities`): an organisation's staff plan supervision,
//! courses and network groups for the foster families they support, or the yearly network
//! meeting for the municipalities they work with; the invitation list is computed from the
//! model's rule and edited by hand; invitations go out with one iCalendar file per session; the
//! invited (staff or family) sign up or decline; the organiser records who came; everyone invited
//! shares notes that name no child. Every read and change is in the access log.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::DateTime;
use serde::Serialize;
use tovholder_core::activities::{self as core, Activity, Answer, Invitee, Note, Session};
use tovholder_core::calendar::{format_datetime_da, format_timestamp_da};
use tovholder_core::commands::FieldError;
use tovholder_core::course::CourseState;
use tovholder_core::ids::{OrgId, PersonId};
use tovholder_core::model::{Model, Scope};
use tovholder_docs::ics;
use tovholder_store::{AccessRecord, Attachment, NewMail, Person, User};

use crate::course::log;
use crate::error::AppError;
use crate::{App, text};

/// Who is looking: a staff member, or a family member on the family's pages.
#[derive(Clone, Copy)]
pub enum Viewer<'a> {
    Staff(&'a User),
    Family(&'a Person),
}

impl Viewer<'_> {
    fn person(&self) -> PersonId {
        match self {
            Viewer::Staff(u) => u.person,
            Viewer::Family(p) => p.id,
        }
    }

    fn organises(&self, a: &Activity) -> bool {
        matches!(self, Viewer::Staff(u) if u.org == a.org)
    }
}

/// A kind the viewer's organisation may plan: "model:kind" and its label.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct KindOption {
    pub value: String,
    pub label: String,
    pub purpose: String,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ActivityLine {
    pub id: i64,
    pub kind_da: String,
    pub title: String,
    pub place: String,
    pub organiser: String,
    /// "12. jan. 2027 kl. 17.00", one per session.
    pub sessions_da: Vec<String>,
    pub capacity: u32,
    pub signed_up: usize,
    pub places_left: u32,
    /// The viewer's answer, if invited.
    pub my_answer: Option<Answer>,
    pub my_answer_da: String,
    pub cancelled: bool,
    pub over: bool,
    /// The next session's start, if one is ahead (Copenhagen time).
    pub next_start: Option<DateTime>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Activities {
    /// Planned by the viewer's organisation.
    pub ours: Vec<ActivityLine>,
    /// Those the viewer is invited to (by another organisation, or their own).
    pub invited: Vec<ActivityLine>,
    /// What the viewer's organisation may plan (empty: nothing).
    pub kinds: Vec<KindOption>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct SessionView {
    pub n: u32,
    /// Copenhagen time.
    pub start: DateTime,
    pub when_da: String,
    pub minutes: u32,
    /// Begun: attendance can be recorded.
    pub begun: bool,
    /// Who came, by name, once recorded (the organiser only).
    pub attended: Option<Vec<PersonId>>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct InviteeView {
    pub person: PersonId,
    pub name: String,
    /// Their organisation, or "Plejefamilie"/"Familie" for a citizen.
    pub from: String,
    pub answer: Answer,
    pub answer_da: String,
    /// Put on the list by the model's rule (not by hand).
    pub computed: bool,
    /// The invitation has gone out to them.
    pub invited: bool,
    pub has_email: bool,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct NoteView {
    pub by: String,
    pub at_da: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ActivityView {
    #[serde(flatten)]
    pub line: ActivityLine,
    pub purpose: String,
    pub sessions: Vec<SessionView>,
    /// The invitation list, for the organiser; empty for the invited.
    pub invitees: Vec<InviteeView>,
    pub notes: Vec<NoteView>,
    /// The organiser's minutes (referat), once written.
    pub summary: Option<NoteView>,
    pub organiser_view: bool,
    /// The organiser may still change it (not cancelled, not begun).
    pub may_change: bool,
    /// How many on the list have not had the invitation yet (the organiser's "Send invitationer").
    pub not_yet_invited: usize,
}

fn record(app: &App, person: PersonId, action: String, reason: &str) -> AccessRecord {
    AccessRecord { at: app.clock.now(), person: Some(person), course: None, action, allowed: true, reason: reason.into() }
}

fn now_local(app: &App) -> DateTime {
    app.clock.now().to_zoned(tovholder_core::calendar::copenhagen().unwrap_or(jiff::tz::TimeZone::UTC)).datetime()
}

fn def<'a>(model: Option<&'a Model>, a: &Activity) -> Option<&'a tovholder_core::model::ActivityDef> {
    model.and_then(|m| m.activities.get(&a.kind))
}

fn line(app: &App, a: &Activity, viewer: PersonId, organiser: String) -> ActivityLine {
    let model = app.models.get(&a.model);
    let now = now_local(app);
    let mine = a.invitee(viewer).map(|i| i.answer);
    ActivityLine {
        id: a.id,
        kind_da: def(model.as_deref(), a).map_or_else(|| a.kind.clone(), |d| d.label.clone()),
        title: a.title.clone(),
        place: a.place.clone(),
        organiser,
        sessions_da: a.sessions.iter().map(|s| format_datetime_da(s.start)).collect(),
        capacity: a.capacity,
        signed_up: a.signed_up(),
        places_left: a.places_left(),
        my_answer: mine,
        my_answer_da: mine.map(|m| m.label_da().to_string()).unwrap_or_default(),
        cancelled: a.cancelled.is_some(),
        over: a.is_over(now),
        next_start: a.sessions.iter().map(|s| s.start).filter(|s| *s > now).min(),
    }
}

/// The kinds `org` may plan: every model's activities whose planning party takes its kind.
fn kinds_for(app: &App, org_kind: &str) -> Vec<KindOption> {
    let mut out = Vec::new();
    for m in app.models.all() {
        for (id, d) in &m.activities {
            if m.parties.get(&d.organised_by).is_some_and(|p| p.takes(org_kind)) {
                out.push(KindOption { value: format!("{}:{id}", m.id), label: d.label.clone(), purpose: d.purpose.clone() });
            }
        }
    }
    out
}

/// "Aktiviteter": what the viewer's organisation planned and what the viewer is invited to.
pub async fn list(app: &App, user: &User) -> Result<Activities, AppError> {
    let orgs = app.store.orgs().await?;
    let name = |o: OrgId| orgs.iter().find(|x| x.id == o).map(|x| x.name.clone()).unwrap_or_default();
    let kind = orgs.iter().find(|o| o.id == user.org).map(|o| o.kind.clone()).unwrap_or_default();
    let ours = app.store.activities_of_org(user.org).await?.iter().map(|a| line(app, a, user.person, name(a.org))).collect();
    let invited = app.store.activities_for(user.person).await?.iter().filter(|a| told(a, user.person)).map(|a| line(app, a, user.person, name(a.org))).collect();
    log(app, record(app, user.person, format!("read:activities:{}", user.org.0), "organisation")).await?;
    Ok(Activities { ours, invited, kinds: kinds_for(app, &kind) })
}

/// The activities a family member is invited to, for their pages (not yet over first).
pub async fn for_family(app: &App, person: PersonId) -> Result<Vec<ActivityLine>, AppError> {
    let orgs = app.store.orgs().await?;
    let mut out: Vec<ActivityLine> = Vec::new();
    for a in app.store.activities_for(person).await?.into_iter().filter(|a| told(a, person)) {
        let organiser = orgs.iter().find(|x| x.id == a.org).map(|x| x.name.clone()).unwrap_or_default();
        out.push(line(app, &a, person, organiser));
    }
    out.sort_by_key(|l| l.over);
    Ok(out)
}

/// A planned activity as entered.
#[derive(Clone, Debug)]
pub struct Plan {
    /// "model:kind", as `KindOption::value`.
    pub kind: String,
    pub title: String,
    pub place: String,
    pub capacity: u32,
    pub sessions: Vec<(DateTime, u32)>,
}

fn field_errors(refused: Vec<(&'static str, String)>) -> AppError {
    AppError::Invalid(refused.into_iter().map(|(f, m)| FieldError { field: f.into(), message: m }).collect())
}

/// The courses of `model` that `org` takes part in (the ground of the invitation list and of
/// the children's names a note must not hold).
async fn courses_of(app: &App, org: OrgId, model: &str) -> Result<Vec<CourseState>, AppError> {
    let mut out = Vec::new();
    let mut before = None;
    loop {
        let ids = app.store.courses_of_org(org, before, 500).await?;
        let Some(last) = ids.last().copied() else { break };
        for c in app.store.courses(&ids).await? {
            if c.state.model == model {
                out.push((*c.state).clone());
            }
        }
        if ids.len() < 500 {
            break;
        }
        before = Some(last);
    }
    Ok(out)
}

/// The model's invitation list for an activity of `kind` that `org` plans.
async fn computed_list(app: &App, model: &Model, kind: &str, org: OrgId) -> Result<Vec<PersonId>, AppError> {
    let courses = courses_of(app, org, &model.id).await?;
    let org_roles: Vec<&String> = model.activities.get(kind).map(|d| d.invite.iter().filter(|r| model.roles.get(*r).is_some_and(|r| r.scope == Scope::Organisation)).collect()).unwrap_or_default();
    let mut holders: BTreeMap<(OrgId, String), Vec<PersonId>> = BTreeMap::new();
    if !org_roles.is_empty() {
        let orgs: BTreeSet<OrgId> = courses.iter().flat_map(|c| c.parties.values().copied()).collect();
        for o in orgs {
            for u in app.store.staff(o).await?.iter() {
                for role in org_roles.iter().filter(|r| u.org_roles.contains(r)) {
                    holders.entry((o, (*role).clone())).or_default().push(u.person);
                }
            }
        }
    }
    let refs: Vec<&CourseState> = courses.iter().collect();
    let lookup = |o: OrgId, role: &str| holders.get(&(o, role.to_string())).cloned().unwrap_or_default();
    Ok(core::invitation_list(model, kind, org, &refs, &lookup, app.clock.today()))
}

/// Plans an activity of the viewer's organisation with its computed invitation list (nobody is
/// told until the organiser sends the invitations). Refused by field, in Danish.
pub async fn plan(app: &App, user: &User, p: Plan) -> Result<i64, AppError> {
    let (model_id, kind) = p.kind.split_once(':').unwrap_or(("", ""));
    let orgs = app.store.orgs().await?;
    let org_kind = orgs.iter().find(|o| o.id == user.org).map(|o| o.kind.clone()).unwrap_or_default();
    let allowed = kinds_for(app, &org_kind).iter().any(|k| k.value == p.kind);
    let model = app.models.get(model_id).filter(|_| allowed);
    let refused = match &model {
        Some(m) => core::check_plan(m, kind, &p.title, &p.place, p.capacity, &p.sessions, now_local(app)),
        None => vec![("kind", "Vælg, hvilken slags aktivitet det er.".to_string())],
    };
    let Some(model) = model.filter(|_| refused.is_empty()) else { return Err(field_errors(refused)) };
    let invitees = computed_list(app, &model, kind, user.org).await?;
    let mut sessions: Vec<(DateTime, u32)> = p.sessions.clone();
    sessions.sort();
    let activity = Activity {
        id: 0,
        org: user.org,
        model: model.id.clone(),
        kind: kind.into(),
        title: p.title.trim().into(),
        place: p.place.trim().into(),
        capacity: p.capacity,
        sessions: sessions.iter().zip(1..).map(|((start, minutes), n)| Session { n, start: *start, minutes: *minutes, attended: None }).collect(),
        invitees: invitees.into_iter().map(|person| Invitee { person, computed: true, answer: Answer::Pending, answered: None, invited: 0 }).collect(),
        notes: vec![],
        summary: None,
        sequence: 0,
        cancelled: None,
        created_by: user.person,
        created_at: app.clock.now(),
    };
    let id = app.store.save_activity(&activity, 0, &[]).await?.ok_or_else(|| AppError::Conflict("activity".into()))?;
    log(app, record(app, user.person, format!("write:activity:{id}:plan"), "organisation")).await?;
    Ok(id)
}

/// Whether `person` has had the invitation: until it is sent, the list is the organiser's draft
/// and those on it are told nothing.
fn told(a: &Activity, person: PersonId) -> bool {
    a.invitee(person).is_some_and(|i| i.invited > 0)
}

/// Loads an activity the viewer organises or has been invited to (NotFound for anyone else).
async fn load(app: &App, viewer: Viewer<'_>, id: i64) -> Result<(Activity, i64), AppError> {
    let (a, version) = app.store.activity(id).await?.ok_or(AppError::NotFound)?;
    if !viewer.organises(&a) && !told(&a, viewer.person()) {
        return Err(AppError::NotFound);
    }
    Ok((a, version))
}

/// One activity as the viewer may see it: the organiser sees the list, the answers and the
/// attendance; the invited see the dates, the places left, their own answer and the notes.
pub async fn view(app: &App, viewer: Viewer<'_>, id: i64) -> Result<ActivityView, AppError> {
    let (a, _) = load(app, viewer, id).await?;
    let organiser_view = viewer.organises(&a);
    let orgs = app.store.orgs().await?;
    let ids: Vec<PersonId> = a.invitees.iter().map(|i| i.person).chain(a.notes.iter().chain(&a.summary).map(|n| n.by)).collect();
    let people = app.store.persons(&ids).await?;
    let person = |p: PersonId| people.iter().find(|x| x.id == p);
    let name = |p: PersonId| person(p).map_or_else(|| "(ukendt)".to_string(), |x| x.name.clone());
    let from = |p: PersonId| match person(p).and_then(|x| x.org) {
        Some(o) => orgs.iter().find(|x| x.id == o).map(|x| x.name.clone()).unwrap_or_default(),
        None => "Familie".to_string(),
    };
    let now = now_local(app);
    let view = ActivityView {
        line: line(app, &a, viewer.person(), orgs.iter().find(|x| x.id == a.org).map(|x| x.name.clone()).unwrap_or_default()),
        purpose: def(app.models.get(&a.model).as_deref(), &a).map(|d| d.purpose.clone()).unwrap_or_default(),
        sessions: a
            .sessions
            .iter()
            .map(|s| SessionView {
                n: s.n,
                start: s.start,
                when_da: format_datetime_da(s.start),
                minutes: s.minutes,
                begun: s.start <= now,
                attended: if organiser_view { s.attended.clone() } else { None },
            })
            .collect(),
        invitees: if organiser_view {
            a.invitees
                .iter()
                .map(|i| InviteeView {
                    person: i.person,
                    name: name(i.person),
                    from: from(i.person),
                    answer: i.answer,
                    answer_da: i.answer.label_da().into(),
                    computed: i.computed,
                    invited: i.invited > 0,
                    has_email: person(i.person).and_then(|x| x.email.as_ref()).is_some(),
                })
                .collect()
        } else {
            vec![]
        },
        notes: a.notes.iter().map(|n| NoteView { by: name(n.by), at_da: format_timestamp_da(n.at).unwrap_or_default(), text: n.text.clone() }).collect(),
        summary: a.summary.as_ref().map(|n| NoteView { by: name(n.by), at_da: format_timestamp_da(n.at).unwrap_or_default(), text: n.text.clone() }),
        organiser_view,
        may_change: organiser_view && a.cancelled.is_none() && a.first().is_some_and(|f| f > now),
        not_yet_invited: a.invitees.iter().filter(|i| a.awaits_invitation(i)).count(),
    };
    let reason = if organiser_view { "organisation" } else { "invited" };
    log(app, record(app, viewer.person(), format!("read:activity:{id}"), reason)).await?;
    Ok(view)
}

/// Loads, changes and saves an activity, again from the top when someone else saved meanwhile.
/// `change` returns the mails the change sends (saved with it, in one transaction).
async fn change<F>(app: &App, viewer: Viewer<'_>, id: i64, what: &str, organiser_only: bool, mut change: F) -> Result<(), AppError>
where
    F: FnMut(&mut Activity) -> Result<Vec<NewMail>, AppError>,
{
    for _ in 0..5 {
        let (mut a, version) = load(app, viewer, id).await?;
        if organiser_only && !viewer.organises(&a) {
            return Err(AppError::NotFound);
        }
        let mails = change(&mut a)?;
        if app.store.save_activity(&a, version, &mails).await?.is_some() {
            let reason = if viewer.organises(&a) { "organisation" } else { "invited" };
            return log(app, record(app, viewer.person(), format!("write:activity:{id}:{what}"), reason)).await;
        }
    }
    Err(AppError::Conflict("activity".into()))
}

fn no_longer(a: &Activity) -> Result<(), AppError> {
    if a.cancelled.is_some() { Err(AppError::invalid("activity", "Aktiviteten er aflyst.")) } else { Ok(()) }
}

/// Puts someone on the list by their e-mail address (a login or a family member in Tovholder).
pub async fn add_invitee(app: &App, user: &User, id: i64, email: &str) -> Result<(), AppError> {
    let (a, _) = load(app, Viewer::Staff(user), id).await?;
    let email = email.trim();
    let person = match app.store.user_by_email(email).await? {
        Some(u) if !email.is_empty() => Some(u.person),
        _ if email.is_empty() => None,
        _ => family_of_ours(app, a.org, email).await?,
    };
    let Some(person) = person else { return Err(AppError::invalid("email", "Ingen medarbejder i Tovholder eller familie i jeres forløb har den e-mailadresse.")) };
    change(app, Viewer::Staff(user), id, "invitee", true, |a| {
        no_longer(a)?;
        if a.invitee(person).is_some() {
            return Err(AppError::invalid("email", "Personen er allerede på listen."));
        }
        a.invitees.push(Invitee { person, computed: false, answer: Answer::Pending, answered: None, invited: 0 });
        Ok(vec![])
    })
    .await
}

/// A family member with this address in one of `org`'s own courses: whether an address belongs to
/// a family elsewhere in Tovholder is not the organiser's to learn (the answer is the same).
async fn family_of_ours(app: &App, org: OrgId, email: &str) -> Result<Option<PersonId>, AppError> {
    for p in app.store.family_by_email(email).await? {
        let courses = app.store.courses(&app.store.courses_of_member(p.id).await?).await?;
        if courses.iter().any(|c| c.state.parties.values().any(|o| *o == org)) {
            return Ok(Some(p.id));
        }
    }
    Ok(None)
}

/// Takes someone off the list (before or after the invitations went out).
pub async fn remove_invitee(app: &App, user: &User, id: i64, person: PersonId) -> Result<(), AppError> {
    change(app, Viewer::Staff(user), id, "invitee", true, |a| {
        let before = a.invitees.len();
        a.invitees.retain(|i| i.person != person);
        if a.invitees.len() == before { Err(AppError::NotFound) } else { Ok(vec![]) }
    })
    .await
}

struct Recipient {
    person: PersonId,
    email: String,
    staff: bool,
}

async fn recipients(app: &App, a: &Activity) -> Result<Vec<Recipient>, AppError> {
    let ids: Vec<PersonId> = a.invitees.iter().map(|i| i.person).collect();
    Ok(app.store.persons(&ids).await?.into_iter().filter_map(|p| Some(Recipient { person: p.id, staff: p.org.is_some(), email: p.email.filter(|e| !e.trim().is_empty())? })).collect())
}

/// One mail per session of `sessions` (the activity's, or some it no longer has) to one person:
/// a short notice, a link, the iCalendar file.
fn mails_for(app: &App, a: &Activity, sessions: &[Session], to: &Recipient, cancel: bool) -> Vec<NewMail> {
    let model = app.models.get(&a.model);
    let def = def(model.as_deref(), a);
    let label = def.map_or("Aktivitet", |d| d.label.as_str());
    let link = if to.staff { format!("{}/aktiviteter/{}", app.config.base_url, a.id) } else { format!("{}/familie/aktiviteter/{}", app.config.base_url, a.id) };
    let host = app.mail_host();
    let organizer = format!("tovholder@{host}");
    let description = format!("{}\n\n{}\n{link}", def.map_or("", |d| d.purpose.as_str()), text::ACTIVITY_ICS_LINK);
    sessions
        .iter()
        .map(|s| {
            let inv = ics::Invitation {
                method: if cancel { ics::Method::Cancel } else { ics::Method::Request },
                uid: &format!("tovholder-aktivitet-{}-{}@{host}", a.id, s.n),
                sequence: a.sequence,
                stamp: app.clock.now(),
                start: s.start,
                minutes: s.minutes,
                summary: label,
                location: &a.place,
                description: &description,
                organizer: &organizer,
                attendee: &to.email,
            };
            let when = format_datetime_da(s.start);
            let (subject, body) =
                if cancel { (text::cancelled_subject(label), text::activity_cancelled_body(&when)) } else { (text::invitation_subject(label), text::activity_invitation_body(&when, &link)) };
            let method = if cancel { "CANCEL" } else { "REQUEST" };
            let mut mail = NewMail::new(to.email.clone(), subject, format!("{body}\n\n{}", text::MAIL_FOOTER), None);
            mail.attachment = Some(Attachment { filename: "invitation.ics".into(), content_type: format!("text/calendar; charset=utf-8; method={method}"), text: ics::invitation(&inv) });
            mail
        })
        .collect()
}

/// Sends the invitations (again, after a change of the list: to those who have not had this
/// version): one mail per session with its calendar file. The number of people invited now.
pub async fn send_invitations(app: &App, user: &User, id: i64) -> Result<usize, AppError> {
    let (a, _) = load(app, Viewer::Staff(user), id).await?;
    let to = recipients(app, &a).await?;
    let mut sent = 0;
    change(app, Viewer::Staff(user), id, "invitations", true, |a| {
        no_longer(a)?;
        if a.sequence == 0 {
            a.sequence = 1;
        }
        let mut mails = Vec::new();
        sent = 0;
        let sequence = a.sequence;
        let snapshot = a.clone();
        for i in a.invitees.iter_mut().filter(|i| snapshot.awaits_invitation(i)) {
            if let Some(r) = to.iter().find(|r| r.person == i.person) {
                mails.extend(mails_for(app, &snapshot, &snapshot.sessions, r, false));
                i.invited = sequence;
                sent += 1;
            }
        }
        if sent == 0 {
            return Err(AppError::invalid("invitations", "Alle på listen med en e-mailadresse har fået invitationen."));
        }
        Ok(mails)
    })
    .await?;
    Ok(sent)
}

/// Changes the title, place, places or dates before the activity begins. Those already invited
/// get the changed calendar entries (the same UIDs, the next SEQUENCE), and a cancellation of
/// each date it no longer has. Refused by field, in Danish.
pub async fn change_plan(app: &App, user: &User, id: i64, p: Plan) -> Result<(), AppError> {
    let (a, _) = load(app, Viewer::Staff(user), id).await?;
    if !Viewer::Staff(user).organises(&a) {
        return Err(AppError::NotFound);
    }
    let now = now_local(app);
    let model = app.models.get(&a.model).ok_or(AppError::NotFound)?;
    let mut refused = core::check_plan(&model, &a.kind, &p.title, &p.place, p.capacity, &p.sessions, now);
    if a.first().is_some_and(|f| f <= now) {
        refused.push(("sessions", "Aktiviteten er begyndt og kan ikke rettes længere.".to_string()));
    }
    let taken = u32::try_from(a.signed_up()).unwrap_or(u32::MAX);
    if p.capacity < taken {
        refused.push(("capacity", format!("Der er allerede {taken} tilmeldte; der skal være plads til dem.")));
    }
    if !refused.is_empty() {
        return Err(field_errors(refused));
    }
    let to = recipients(app, &a).await?;
    let mut sessions = p.sessions.clone();
    sessions.sort();
    change(app, Viewer::Staff(user), id, "change", true, |a| {
        no_longer(a)?;
        let gone: Vec<Session> = a.sessions.iter().filter(|s| usize::try_from(s.n).is_ok_and(|n| n > sessions.len())).cloned().collect();
        a.title = p.title.trim().into();
        a.place = p.place.trim().into();
        a.capacity = p.capacity;
        a.sessions = sessions.iter().zip(1..).map(|((start, minutes), n)| Session { n, start: *start, minutes: *minutes, attended: None }).collect();
        if a.sequence == 0 {
            return Ok(vec![]);
        }
        a.sequence += 1;
        let sequence = a.sequence;
        let snapshot = a.clone();
        let mut mails = Vec::new();
        for i in a.invitees.iter_mut().filter(|i| i.invited > 0 && i.answer != Answer::No) {
            if let Some(r) = to.iter().find(|r| r.person == i.person) {
                mails.extend(mails_for(app, &snapshot, &snapshot.sessions, r, false));
                mails.extend(mails_for(app, &snapshot, &gone, r, true));
                i.invited = sequence;
            }
        }
        Ok(mails)
    })
    .await
}

/// Cancels the activity: those invited get a calendar cancellation of each session.
pub async fn cancel(app: &App, user: &User, id: i64) -> Result<(), AppError> {
    let (a, _) = load(app, Viewer::Staff(user), id).await?;
    let to = recipients(app, &a).await?;
    let at = app.clock.now();
    change(app, Viewer::Staff(user), id, "cancel", true, |a| {
        no_longer(a)?;
        a.cancelled = Some(at);
        a.sequence += 1;
        let snapshot = a.clone();
        Ok(a.invitees
            .iter()
            .filter(|i| i.invited > 0 && i.answer != Answer::No)
            .filter_map(|i| to.iter().find(|r| r.person == i.person))
            .flat_map(|r| mails_for(app, &snapshot, &snapshot.sessions, r, true))
            .collect())
    })
    .await
}

/// The viewer signs up (`yes`) or declines; refused in Danish when there is no place left.
pub async fn answer(app: &App, viewer: Viewer<'_>, id: i64, yes: bool) -> Result<(), AppError> {
    let (at, now, person) = (app.clock.now(), now_local(app), viewer.person());
    change(app, viewer, id, "answer", false, |a| {
        core::answer(a, person, yes, at, now).map_err(|m| AppError::invalid("answer", &m))?;
        Ok(vec![])
    })
    .await
}

/// The organiser records who came to session `n`.
pub async fn attendance(app: &App, user: &User, id: i64, n: u32, present: &[PersonId]) -> Result<(), AppError> {
    let now = now_local(app);
    change(app, Viewer::Staff(user), id, "attendance", true, |a| {
        core::record_attendance(a, n, present, now).map_err(|m| AppError::invalid("present", &m))?;
        Ok(vec![])
    })
    .await
}

/// The names of the children of the organiser's courses of the model (the family roles whose
/// members are registered with a CPR number), which no note may hold.
async fn children(app: &App, a: &Activity) -> Result<Vec<String>, AppError> {
    let Some(model) = app.models.get(&a.model) else { return Ok(vec![]) };
    let child_roles: Vec<&String> = model.roles.iter().filter(|(_, r)| r.scope == Scope::Citizen && r.register.as_ref().is_some_and(|g| g.cpr)).map(|(id, _)| id).collect();
    let ids: Vec<PersonId> = courses_of(app, a.org, &a.model).await?.iter().flat_map(|c| c.members.iter().filter(|m| child_roles.contains(&&m.role)).map(|m| m.person).collect::<Vec<_>>()).collect();
    Ok(app.store.persons(&ids).await?.into_iter().map(|p| p.name).collect())
}

/// A shared note by anyone invited or the organiser; refused when it names a child.
pub async fn add_note(app: &App, viewer: Viewer<'_>, id: i64, note: &str) -> Result<(), AppError> {
    let (a, _) = load(app, viewer, id).await?;
    core::check_note(note, &children(app, &a).await?).map_err(|m| AppError::invalid("text", &m))?;
    let (by, at) = (viewer.person(), app.clock.now());
    change(app, viewer, id, "note", false, |a| {
        a.notes.push(Note { by, at, text: note.trim().into() });
        Ok(vec![])
    })
    .await
}

/// The organiser writes (or rewrites) the minutes; refused, like a note, when they name a child.
pub async fn write_summary(app: &App, user: &User, id: i64, text: &str) -> Result<(), AppError> {
    let (a, _) = load(app, Viewer::Staff(user), id).await?;
    if !Viewer::Staff(user).organises(&a) {
        return Err(AppError::NotFound);
    }
    core::check_note(text, &children(app, &a).await?).map_err(|m| AppError::invalid("summary", &m))?;
    let (by, at) = (user.person, app.clock.now());
    change(app, Viewer::Staff(user), id, "summary", true, |a| {
        a.summary = Some(Note { by, at, text: text.trim().into() });
        Ok(vec![])
    })
    .await
}
