//! The command layer: the one list of commands on a course (`Command`), for the HTML forms and
//! the JSON API alike. `perform` runs them in three steps: *prepare* (what only the store knows,
//! whatever the state: appointees' organisations, consent recipients, linked users), *decide*
//! (core, command by command against the evolving state), *commit* (the access-log record of
//! the write, allowed or denied; letters, mails and the projection in one append).

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};
use sha2::{Digest, Sha256};
use tovholder_core::commands::NewDocument;
use tovholder_core::commands::{self, CommandError, Ctx, OpenCourse};
use tovholder_core::course::{CourseState, Event, Recipient, Stamp};
use tovholder_core::cpr::Cpr;
use tovholder_core::family_plan::{Intervention, NetworkEntry, Quadrant};
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::meetings::{AgendaItem, Minutes, Who};
use tovholder_core::model::{Model, Scope};
use tovholder_core::notices;
use tovholder_core::policy;
use tovholder_core::policy::Actor;
use tovholder_core::tasks;
use tovholder_store::{AccessRecord, Blob, Commit, NewEntry, NewMail, NewPerson};

use crate::App;
use crate::course::{Course, log};
use crate::error::AppError;
use crate::views;

/// The projection and side effects that follow from a course's new state.
pub fn commit(model: &Model, state: CourseState, entries: Vec<NewEntry>, mails: Vec<NewMail>, blobs: Vec<Blob>) -> Commit {
    // A closed course leaves everyone's task lists.
    let tasks = if state.closed.is_some() { vec![] } else { tasks::tasks(model, &state) };
    let orgs = state.parties.iter().map(|(party, org)| (party.clone(), *org, policy::party_shares(model, &state, party))).collect();
    let mut recipients: Vec<(OrgId, Option<String>)> = state.consents.iter().flat_map(|c| c.recipients.iter().map(|r| (r.org, r.department.clone()))).collect();
    recipients.sort();
    recipients.dedup();
    Commit { entries, state, tasks, orgs, recipients, mails, withdraw: vec![], blobs }
}

/// One command on a course, the one list of them: a form or an API call sends one or several;
/// they are decided in order against the evolving state and stored together, or not at all.
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    SetDates {
        dates: BTreeMap<String, Date>,
        #[serde(default)]
        reason: Option<String>,
    },
    Appoint {
        role: String,
        person: PersonId,
        /// The note to the new holder, when they take over (the model's `handover`).
        #[serde(default)]
        handover: Option<String>,
    },
    /// The new holder has read the hand-over note.
    ReadHandover {
        handover: u32,
    },
    Decide {
        decision: String,
        value: String,
        #[serde(default)]
        note: Option<String>,
    },
    RecordField {
        field: String,
        value: String,
    },
    CompleteTask {
        task: String,
        outcome: String,
        #[serde(default)]
        note: Option<String>,
    },
    ProposeChange {
        kind: String,
        dates: BTreeMap<String, Date>,
        reason: String,
    },
    AnswerChange {
        change: u32,
        party: String,
        agreed: bool,
        #[serde(default)]
        note: Option<String>,
    },
    /// A document written in Tovholder (text) or uploaded (any allowed file).
    AddDocument {
        kind: String,
        title: String,
        #[serde(skip)]
        content: Vec<u8>,
        #[serde(default = "text_plain")]
        content_type: String,
        #[serde(default)]
        filename: Option<String>,
    },
    /// Sends (or forwards) a document to people chosen from `recipients()`; `doc` 0 means the
    /// document added earlier in the same request.
    SendDocument {
        doc: u32,
        to: Vec<PersonId>,
    },
    RecordConsent {
        giver: PersonId,
        about: Vec<PersonId>,
        recipients: Vec<tovholder_core::consent::Recipient>,
        /// Persons of the family's network (entry numbers) it names beside organisations.
        #[serde(default)]
        network: Vec<u32>,
        kinds: Vec<String>,
        purpose: String,
        valid_from: Date,
        valid_to: Date,
    },
    SignConsent {
        consent: u32,
        by: PersonId,
        how: String,
        on: Date,
    },
    RevokeConsent {
        consent: u32,
        #[serde(default)]
        note: Option<String>,
    },
    /// Marks a family member with name and address protection, or removes the mark.
    SetProtection {
        person: PersonId,
        protected: bool,
    },
    /// Adds a family member after the course was opened (a coordinator), with why.
    AddFamilyMember {
        role: String,
        name: String,
        #[serde(default)]
        email: Option<String>,
        #[serde(default)]
        cpr: Option<String>,
        #[serde(default)]
        custody: Option<bool>,
        why: String,
    },
    /// Corrects a family member: a given name, e-mail or CPR number replaces theirs (left out:
    /// unchanged); `custody` as it is to be, for a parent.
    CorrectFamilyMember {
        person: PersonId,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        email: Option<String>,
        #[serde(default)]
        cpr: Option<String>,
        #[serde(default)]
        custody: Option<bool>,
        why: String,
    },
    /// Takes a family member out of the course, with why.
    RemoveFamilyMember {
        person: PersonId,
        role: String,
        why: String,
    },
    /// Closes the course for one of the model's reasons: read-only, off the task lists.
    CloseCourse {
        reason: String,
        #[serde(default)]
        note: Option<String>,
    },
    /// Opens a closed course again, with why.
    ReopenCourse {
        note: String,
    },
    /// Its author shows a document on the family's pages (`shared`), or hides it again.
    ShareDocument {
        doc: u32,
        shared: bool,
    },
    /// Their author shows a meeting's minutes on the family's pages, or hides them again.
    ShareMinutes {
        meeting: u32,
        shared: bool,
    },
    // Meetings, the network, agreements, goals and the family plan.
    SetPhase {
        phase: String,
        on: Date,
    },
    PlanMeeting {
        #[serde(default)]
        meeting: Option<u32>,
        kind: String,
        start: Option<DateTime>,
        #[serde(default)]
        minutes: Option<u32>,
        place: String,
        attendees: Vec<Who>,
        #[serde(default)]
        agenda: Option<Vec<AgendaItem>>,
    },
    CancelMeeting {
        meeting: u32,
        #[serde(default)]
        note: Option<String>,
    },
    SendInvitations {
        meeting: u32,
    },
    RecordApology {
        meeting: u32,
        who: Who,
        #[serde(default)]
        substitute: String,
    },
    RecordMinutes {
        meeting: u32,
        minutes: Minutes,
    },
    TickChecklist {
        meeting: u32,
        step: String,
        on: Date,
    },
    SetNetwork {
        #[serde(default)]
        entry: Option<u32>,
        quadrant: Quadrant,
        name: String,
        #[serde(default)]
        relation: String,
        #[serde(default)]
        email: String,
        #[serde(default)]
        phone: String,
        /// A staff user this person is (they then see the course by consent).
        #[serde(default)]
        person: Option<PersonId>,
    },
    MakeAgreement {
        #[serde(default)]
        meeting: Option<u32>,
        what: String,
        responsible: Option<Who>,
        due: Option<Date>,
    },
    CloseAgreement {
        agreement: u32,
        done: bool,
        #[serde(default)]
        note: Option<String>,
    },
    SetGoal {
        #[serde(default)]
        goal: Option<u32>,
        #[serde(default)]
        parent: Option<u32>,
        text: String,
        #[serde(default)]
        when: String,
        #[serde(default)]
        who: String,
        #[serde(default)]
        criteria: String,
        #[serde(default)]
        reached: bool,
    },
    Measure {
        indicator: String,
        #[serde(default)]
        person: Option<PersonId>,
        on: Option<Date>,
        value: String,
    },
    /// `intervention` 0 adds a new one.
    SetIntervention(Intervention),
    RecordStatus {
        person: PersonId,
        text: String,
    },
    /// Renders the plan as it stands now as a new version.
    IssuePlan {
        #[serde(default)]
        meeting: Option<u32>,
    },
    /// Starts a thread of messages with the people chosen (from `messages::choices`) and its
    /// first message; `family`: a thread for the family, who then take part.
    StartThread {
        subject: String,
        #[serde(default)]
        family: bool,
        participants: Vec<PersonId>,
        text: String,
    },
    /// Writes in a thread one is in, with a file if one is attached (a form's upload; the API
    /// sends text only).
    PostMessage {
        thread: u32,
        text: String,
        #[serde(skip)]
        file: Option<(Vec<u8>, String)>,
    },
    /// Sends a plan version to the participants the consent covers; `doc` 0: the one issued in
    /// the same request.
    SendPlan {
        doc: u32,
    },
    /// The person on call (or the fixed contact) writes what was done about an acute request.
    LogAcute {
        request: u32,
        text: String,
    },
}

fn text_plain() -> String {
    "text/plain; charset=utf-8".into()
}

impl Command {
    /// What the action would change, in the keys of `Event::touches`.
    fn touches(&self) -> Vec<String> {
        match self {
            Command::SetDates { dates, .. } => dates.keys().map(|d| format!("date:{d}")).collect(),
            Command::Appoint { role, .. } => vec![format!("role:{role}")],
            Command::ReadHandover { handover } => vec![format!("handover:{handover}")],
            Command::Decide { decision, .. } => vec![format!("decision:{decision}")],
            Command::RecordField { field, .. } => vec![format!("field:{field}")],
            Command::CompleteTask { task, .. } => vec![format!("task:{task}")],
            Command::ProposeChange { kind, .. } => vec![format!("change-kind:{kind}")],
            Command::AnswerChange { change, party, .. } => vec![format!("change:{change}:{party}"), format!("change:{change}")],
            Command::SignConsent { consent, by, .. } => vec![format!("consent:{consent}:{by}"), format!("consent:{consent}")],
            Command::RevokeConsent { consent, .. } => vec![format!("consent:{consent}")],
            Command::SetProtection { person, .. } => vec![format!("protection:{person}")],
            Command::ShareDocument { doc, .. } => vec![format!("shared:doc:{doc}")],
            Command::CloseCourse { .. } | Command::ReopenCourse { .. } => vec!["closed".into()],
            Command::AddFamilyMember { role, .. } | Command::RemoveFamilyMember { role, .. } => vec![format!("role:{role}")],
            Command::CorrectFamilyMember { person, .. } => vec![format!("member:{person}")],
            Command::ShareMinutes { meeting, .. } => vec![format!("minutes:{meeting}")],
            Command::SetPhase { .. } => vec!["phase".into()],
            Command::PlanMeeting { meeting: Some(m), .. } | Command::CancelMeeting { meeting: m, .. } | Command::SendInvitations { meeting: m } => vec![format!("meeting:{m}")],
            Command::RecordMinutes { meeting, .. } => vec![format!("minutes:{meeting}")],
            Command::TickChecklist { meeting, step, .. } => vec![format!("checklist:{meeting}:{step}")],
            Command::SetNetwork { entry: Some(e), .. } => vec![format!("network:{e}")],
            Command::CloseAgreement { agreement, .. } => vec![format!("agreement:{agreement}")],
            Command::SetGoal { goal: Some(g), .. } => vec![format!("goal:{g}")],
            Command::SetIntervention(i) if i.intervention > 0 => vec![format!("intervention:{}", i.intervention)],
            Command::RecordStatus { person, .. } => vec![format!("status:{person}")],
            Command::LogAcute { request, .. } => vec![format!("request:{request}")],
            _ => vec![],
        }
    }

    /// A command on meetings, the network, agreements, goals or the family plan (the API's
    /// `meeting-actions` route takes only these).
    pub fn is_meeting(&self) -> bool {
        MEETING_COMMANDS.contains(&self.name())
    }

    pub fn name(&self) -> &'static str {
        match self {
            Command::SetDates { .. } => "set_dates",
            Command::Appoint { .. } => "appoint",
            Command::ReadHandover { .. } => "read_handover",
            Command::Decide { .. } => "decide",
            Command::RecordField { .. } => "record_field",
            Command::LogAcute { .. } => "log_acute",
            Command::CompleteTask { .. } => "complete_task",
            Command::ProposeChange { .. } => "propose_change",
            Command::AnswerChange { .. } => "answer_change",
            Command::AddDocument { .. } => "add_document",
            Command::SendDocument { .. } => "send_document",
            Command::RecordConsent { .. } => "record_consent",
            Command::SignConsent { .. } => "sign_consent",
            Command::RevokeConsent { .. } => "revoke_consent",
            Command::SetProtection { .. } => "set_protection",
            Command::ShareDocument { .. } => "share_document",
            Command::CloseCourse { .. } => "close_course",
            Command::AddFamilyMember { .. } => "add_family_member",
            Command::CorrectFamilyMember { .. } => "correct_family_member",
            Command::RemoveFamilyMember { .. } => "remove_family_member",
            Command::ReopenCourse { .. } => "reopen_course",
            Command::ShareMinutes { .. } => "share_minutes",
            Command::SetPhase { .. } => "set_phase",
            Command::PlanMeeting { .. } => "plan_meeting",
            Command::CancelMeeting { .. } => "cancel_meeting",
            Command::SendInvitations { .. } => "send_invitations",
            Command::RecordApology { .. } => "record_apology",
            Command::RecordMinutes { .. } => "record_minutes",
            Command::TickChecklist { .. } => "tick_checklist",
            Command::SetNetwork { .. } => "set_network",
            Command::MakeAgreement { .. } => "make_agreement",
            Command::CloseAgreement { .. } => "close_agreement",
            Command::SetGoal { .. } => "set_goal",
            Command::Measure { .. } => "measure",
            Command::SetIntervention(_) => "set_intervention",
            Command::RecordStatus { .. } => "record_status",
            Command::IssuePlan { .. } => "issue_plan",
            Command::SendPlan { .. } => "send_plan",
            Command::StartThread { .. } => "start_thread",
            Command::PostMessage { .. } => "post_message",
        }
    }
}

/// The commands on meetings, the network, agreements, goals and the family plan, by name.
pub const MEETING_COMMANDS: &[&str] = &[
    "set_phase",
    "plan_meeting",
    "cancel_meeting",
    "send_invitations",
    "record_apology",
    "record_minutes",
    "share_minutes",
    "tick_checklist",
    "set_network",
    "make_agreement",
    "close_agreement",
    "set_goal",
    "measure",
    "set_intervention",
    "record_status",
    "issue_plan",
    "send_plan",
];

/// Decides and stores `ops` on a loaded course, with an access-log record of the write.
///
/// A form or request made on an older version of the course (`course.seen`) is refused, naming
/// who and when, if someone has changed the same things since; nothing saved is lost
/// (optimistic concurrency). Changes to other things go through.
pub async fn perform(app: &App, course: &Course, ops: Vec<Command>) -> Result<(), AppError> {
    if let Some(seen) = course.seen.filter(|s| *s < course.version) {
        let mine: Vec<String> = ops.iter().flat_map(Command::touches).collect();
        if let Some(msg) = conflict(app, course.id, seen, &mine).await? {
            return Err(AppError::Conflict(msg));
        }
    }
    match perform_now(app, course, ops).await {
        // Someone saved between our load and our write: name them too.
        Err(AppError::Conflict(_)) => Err(AppError::Conflict(conflict(app, course.id, course.version, &[]).await?.unwrap_or_else(|| crate::text::CONFLICT.into()))),
        other => other,
    }
}

/// Who changed any of `keys` (or anything, if `keys` is empty) after version `since`, as a sentence.
async fn conflict(app: &App, id: CourseId, since: i64, keys: &[String]) -> Result<Option<String>, AppError> {
    let journal = app.store.journal(id).await?;
    let Some(e) = journal.iter().rev().find(|e| e.seq > since && (keys.is_empty() || e.event.touches().iter().any(|k| keys.contains(k)))) else {
        return Ok(None);
    };
    let who = app.store.persons(&[e.stamp.by]).await?.into_iter().next().map_or_else(|| "En anden".to_string(), |p| p.name);
    let when = tovholder_core::calendar::format_timestamp_da(e.stamp.at).unwrap_or_default();
    Ok(Some(crate::text::conflict_by(&who, &when)))
}

async fn perform_now(app: &App, course: &Course, ops: Vec<Command>) -> Result<(), AppError> {
    let known = prepare(app, course, &ops).await?;
    let stamp = Stamp { at: app.clock.now(), by: course.actor().person };
    let Decided { mut state, mut events, blobs, people, outcome } = decide(app, course, &ops, &known, &stamp).await?;
    let (allowed, reason) = match &outcome {
        Err(CommandError::Denied(d)) => (false, d.reason.code()),
        Err(CommandError::Invalid(_)) => (true, "invalid_input".to_string()),
        Ok(()) => (true, course.decision.reason.code()),
    };
    let names: Vec<&str> = ops.iter().map(Command::name).collect();
    let rec = AccessRecord { at: stamp.at, person: Some(stamp.by), course: Some(course.id), action: format!("write:{}", names.join("+")), allowed, reason };
    log(app, rec).await?;
    outcome?;
    if events.is_empty() {
        return Ok(());
    }
    crate::network_persons::link_named(app, &mut state, &mut events, &stamp).await?;
    commit_decided(app, course, state, events, blobs, &stamp).await?;
    for (person, record) in &people {
        app.store.correct_person(*person, record).await?;
    }
    Ok(())
}

/// What `prepare` found in the store.
struct Known {
    /// Each appointee's organisation (-1: none).
    orgs: BTreeMap<PersonId, OrgId>,
    /// The network's linked people who are staff users.
    users: std::collections::BTreeSet<PersonId>,
}

/// The commands' outcome: the state they lead to, their events and documents, or the first refusal.
struct Decided {
    state: CourseState,
    events: Vec<Event>,
    blobs: Vec<Blob>,
    /// Family members' records as corrected, written once the events are stored.
    people: Vec<(PersonId, NewPerson)>,
    outcome: Result<(), CommandError>,
}

/// Stores the decided events in one append with all they set off: letters, mails, calendar
/// invitations, withdrawn agenda mails.
/// Attempts per course when someone else saves it at the same moment.
const ATTEMPTS: usize = 3;

/// Runs one course's `write` again when someone else saved the course at the same moment (up
/// to three times): for the work that goes through many courses in one go.
pub(crate) async fn retrying<T, F, Fut>(mut write: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut attempt = 1;
    loop {
        match write().await {
            Err(AppError::Conflict(_)) if attempt < ATTEMPTS => attempt += 1,
            other => return other,
        }
    }
}

/// Writes `events` to a course in the name of an administrator who holds no role in it (a
/// closed login's course roles, a move to a new model version, a reopening): they act on the
/// login, the model or the organisation's course, not as a participant. `model` computes the
/// course's tasks from now on.
pub(crate) async fn commit_as_administrator(app: &App, by: &tovholder_store::User, stored: &tovholder_store::StoredCourse, model: std::sync::Arc<Model>, events: Vec<Event>) -> Result<(), AppError> {
    let stamp = Stamp { at: app.clock.now(), by: by.person };
    let mut state = (*stored.state).clone();
    for e in &events {
        state.apply(&stamp, e);
    }
    let decision = policy::Decision { allowed: true, reason: policy::Reason::Role { role: "administration".into() } };
    let course = Course { id: stored.id, version: stored.version, state: stored.state.clone(), model, viewer: by.clone(), decision, seen: None };
    commit_decided(app, &course, state, events, vec![], &stamp).await
}

/// Writes `event` to the course in the viewer's name, as it is saved now (again on a save at
/// the same moment): for what is decided outside the course's commands (a respite booking, a
/// deputy named).
pub(crate) async fn record(app: &App, course: &Course, event: Event) -> Result<(), AppError> {
    retrying(|| async {
        let stored = app.store.course(course.id).await?.ok_or(AppError::NotFound)?;
        let stamp = Stamp { at: app.clock.now(), by: course.viewer.person };
        let mut state = (*stored.state).clone();
        state.apply(&stamp, &event);
        let now =
            Course { id: course.id, version: stored.version, state: stored.state.clone(), model: course.model.clone(), viewer: course.viewer.clone(), decision: course.decision.clone(), seen: None };
        commit_decided(app, &now, state, vec![event.clone()], vec![], &stamp).await
    })
    .await
}

pub(crate) async fn commit_decided(app: &App, course: &Course, mut state: CourseState, mut events: Vec<Event>, mut blobs: Vec<Blob>, stamp: &Stamp) -> Result<(), AppError> {
    let actor = course.actor();
    let (letter_events, letter_blobs) = letters(app, &course.model, &course.state, &state, &actor).await?;
    for e in &letter_events {
        state.apply(stamp, e);
    }
    events.extend(letter_events);
    blobs.extend(letter_blobs);
    let mut mails = mails(app, &course.model, course.id, &course.state, &state).await?;
    mails.extend(document_mails(app, course.id, &events).await?);
    mails.extend(crate::messages::mails(app, course.id, &state, &events, stamp.by).await?);
    let organizer = app.store.persons(&[actor.person]).await?.into_iter().next().and_then(|p| p.email);
    let (meeting_mails, withdraw) = crate::meeting_actions::mails(app, &course.model, course.id, &state, &events, organizer).await?;
    mails.extend(meeting_mails);
    let entries = events.into_iter().map(|event| NewEntry { stamp: stamp.clone(), event }).collect();
    let mut c = commit(&course.model, state, entries, mails, blobs);
    c.withdraw = withdraw;
    app.store.append(course.id, course.version, &c).await?;
    Ok(())
}

/// What the commands need to know that only the store knows, independent of the state they
/// change: the organisations of appointees, consent recipients, linked users. Refuses at once
/// what cannot be right whatever the state.
async fn prepare(app: &App, course: &Course, ops: &[Command]) -> Result<Known, AppError> {
    // An appointee's organisation comes from the store, never from the request.
    let mut orgs = BTreeMap::new();
    let mut users = std::collections::BTreeSet::new();
    for op in ops {
        if let Command::Appoint { person, role, .. } = op {
            let user = app.store.user(*person).await?;
            // Only a holder of a standing role the model names may be appointed (a kontaktperson
            // is a caseworker, not someone from the school): the form offers only them.
            let party_org = course.model.role(role).and_then(|r| r.party.as_ref()).and_then(|p| course.state.parties.get(p));
            if let (Some(u), Some(def)) = (&user, course.model.role(role))
                && party_org == Some(&u.org)
                && !def.may_be_held_by(&u.org_roles)
            {
                return Err(AppError::Invalid(vec![commands::FieldError { field: format!("role.{role}"), message: format!("{} kan ikke være {}.", u.name, def.label.to_lowercase()) }]));
            }
            orgs.insert(*person, user.map_or(OrgId(-1), |u| u.org));
        }
    }
    // A whole organisation named in a consent must exist and be of a kind the model allows.
    for op in ops {
        if let (Command::RecordConsent { recipients, .. }, Some(def)) = (op, &course.model.consent) {
            let known = app.store.orgs().await?;
            let bad = recipients.iter().filter(|r| r.department.is_none()).any(|r| !known.iter().any(|o| o.id == r.org && def.outside_kinds.contains(&o.kind)));
            if bad {
                return Err(AppError::Invalid(vec![commands::FieldError { field: "recipients".into(), message: "Vælg modtagere fra listen.".into() }]));
            }
        }
    }
    // Every document is scanned before it is stored, when a scanner is configured.
    if let Some(scanner) = &app.config.clamav {
        for op in ops {
            match op {
                Command::AddDocument { content, .. } | Command::PostMessage { file: Some((content, _)), .. } => scan(app, course.viewer.person, course.id, scanner, content).await?,
                _ => {}
            }
        }
    }
    // A person linked from the network must be a staff user.
    for op in ops {
        if let Command::SetNetwork { person: Some(p), .. } = op
            && app.store.user(*p).await?.is_some()
        {
            users.insert(*p);
        }
    }
    Ok(Known { orgs, users })
}

/// Refuses a document the scanner finds malware in (logged, with the signature's name), or
/// any document while the scanner does not answer.
pub(crate) async fn scan(app: &App, person: PersonId, course: CourseId, scanner: &str, content: &[u8]) -> Result<(), AppError> {
    match crate::virus_scan::scan(scanner, content).await {
        Ok(crate::virus_scan::Verdict::Clean) => Ok(()),
        Ok(crate::virus_scan::Verdict::Infected(signature)) => {
            tracing::warn!(course = course.0, %signature, "a document was refused: the virus scanner found malware");
            let rec = AccessRecord { at: app.clock.now(), person: Some(person), course: Some(course), action: "write:add_document".into(), allowed: false, reason: format!("virus:{signature}") };
            log(app, rec).await?;
            Err(AppError::invalid("file", crate::text::VIRUS_FOUND))
        }
        Err(why) => {
            tracing::error!(%why, "the virus scanner did not answer: the document was refused");
            Err(AppError::invalid("file", crate::text::SCANNER_DOWN))
        }
    }
}

/// The commands decided in order by core against the evolving state. What depends on that
/// state and lives outside core is looked up as each command comes: a document's possible
/// recipients, the plan's rendering and its recipients.
async fn decide(app: &App, course: &Course, ops: &[Command], known: &Known, stamp: &Stamp) -> Result<Decided, AppError> {
    let actor = course.actor();
    let mut state = (*course.state).clone();
    let mut events = Vec::new();
    let mut blobs = Vec::new();
    let mut people = Vec::new();
    let mut outcome: Result<(), CommandError> = Ok(());
    let mut last_doc = 0;
    for op in ops {
        let to = match op {
            Command::SendDocument { doc, to } => {
                let doc = if *doc == 0 { last_doc } else { *doc };
                let mut candidates = recipients(app, &course.model, &state, &actor, doc).await?;
                if let Some(d) = state.document(doc) {
                    // Someone who has it already is no error: sending again changes nothing.
                    candidates.extend(d.sent.iter().map(|s| (s.to.clone(), String::new())));
                }
                let chosen: Result<Vec<Recipient>, CommandError> =
                    to.iter().map(|p| candidates.iter().find(|c| c.0.person == *p).map(|c| c.0.clone()).ok_or_else(|| commands::invalid("to", "Vælg modtagere fra listen."))).collect();
                Some((doc, chosen))
            }
            _ => None,
        };
        let ctx = Ctx { model: &course.model, state: &state, actor: &actor, today: app.clock.today() };
        let decided = match op {
            // A closed course takes no command but reopening it and revoking a consent (which
            // only ever closes it further, and must stay as easy as giving it).
            Command::ReopenCourse { note } => commands::closing::reopen_course(&ctx, note),
            Command::RevokeConsent { consent, note } => commands::revoke_consent(&ctx, *consent, note.clone()),
            _ if state.closed.is_some() => commands::closing::refuse_if_closed(&state).map(|()| vec![]),
            Command::CloseCourse { reason, note } => commands::closing::close_course(&ctx, reason, note.clone()),
            // Decided first on a stand-in and the details checked, so a refused one makes no person.
            Command::AddFamilyMember { role, name, email, cpr, custody, why } => match commands::members::add_member(&ctx, PersonId(i64::MIN), role, *custody, None, why)
                .and_then(|_| member_details(&course.model, role, Some(name), email.as_deref(), cpr.as_deref(), true))
            {
                Err(e) => Err(e),
                Ok(d) => {
                    let born = d.cpr.as_ref().map(Cpr::birth_date);
                    let sealed = d.cpr.as_ref().map(|c| app.keys.seal_cpr(c)).transpose().map_err(|e| AppError::Internal(e.to_string()))?;
                    let person = app.store.add_person(&NewPerson { name: d.name.unwrap_or_default(), email: d.email, org: None, cpr: sealed }).await?;
                    commands::members::add_member(&ctx, person, role, *custody, born, why)
                }
            },
            Command::CorrectFamilyMember { person, name, email, cpr, custody, why } => {
                let role = state.members.iter().find(|m| m.person == *person).map(|m| m.role.clone()).unwrap_or_default();
                match member_details(&course.model, &role, name.as_deref(), email.as_deref(), cpr.as_deref(), false) {
                    Err(e) => Err(e),
                    Ok(d) => {
                        let was = app.store.persons(&[*person]).await?.into_iter().next();
                        let mut changed = Vec::new();
                        let mut record = NewPerson { name: String::new(), email: None, org: None, cpr: None };
                        if let Some(was) = &was {
                            record = NewPerson { name: was.name.clone(), email: was.email.clone(), org: None, cpr: was.cpr.clone() };
                            if let Some(n) = d.name.filter(|n| *n != was.name) {
                                record.name = n;
                                changed.push("name".to_string());
                            }
                            if d.email.is_some() && d.email != was.email {
                                record.email = d.email;
                                changed.push("email".to_string());
                            }
                        }
                        if let Some(c) = &d.cpr {
                            let sealed = app.keys.seal_cpr(c).map_err(|e| AppError::Internal(e.to_string()))?;
                            if was.as_ref().and_then(|w| w.cpr.as_ref()).is_none_or(|w| w.blind_index != sealed.blind_index) {
                                record.cpr = Some(sealed);
                                changed.push("cpr".to_string());
                            }
                        }
                        let born = d.cpr.as_ref().map(Cpr::birth_date);
                        let r = commands::members::correct_member(&ctx, *person, changed.clone(), *custody, born, why);
                        if r.is_ok() && changed.iter().any(|c| c != "custody") {
                            people.push((*person, record));
                        }
                        r
                    }
                }
            }
            Command::RemoveFamilyMember { person, role, why } => commands::members::remove_member(&ctx, *person, role, why),
            Command::SetDates { dates, reason } => commands::set_dates(&ctx, dates, reason.clone()),
            Command::Appoint { role, person, handover } => commands::appoint(&ctx, role, *person, known.orgs[person], handover.as_deref()),
            Command::ReadHandover { handover } => commands::read_handover(&ctx, *handover),
            Command::Decide { decision, value, note } => commands::decide(&ctx, decision, value, note.clone()),
            Command::RecordField { field, value } => commands::record_field(&ctx, field, value),
            Command::LogAcute { request, text } => commands::requests::log_acute(&ctx, *request, text),
            Command::CompleteTask { task, outcome, note } => commands::complete_task(&ctx, task, outcome, note.clone()),
            Command::ProposeChange { kind, dates, reason } => commands::propose_change(&ctx, kind, dates, reason),
            Command::AnswerChange { change, party, agreed, note } => commands::answer_change(&ctx, *change, party, *agreed, note.clone()),
            Command::AddDocument { kind, title, content, content_type, filename } => {
                let sha256 = hex::encode(Sha256::digest(content));
                let doc = NewDocument { kind: kind.clone(), title: title.clone(), sha256: sha256.clone(), content_type: content_type.clone(), filename: filename.clone(), size: content.len() as u64 };
                let r = commands::add_document(&ctx, doc);
                if r.is_ok() {
                    blobs.push(Blob { sha256, bytes: content.clone() });
                }
                r
            }
            Command::RecordConsent { giver, about, recipients, network, kinds, purpose, valid_from, valid_to } => {
                let input = commands::ConsentInput {
                    giver: *giver,
                    about: about.clone(),
                    recipients: recipients.clone(),
                    network: network.clone(),
                    kinds: kinds.clone(),
                    purpose: purpose.clone(),
                    valid_from: *valid_from,
                    valid_to: *valid_to,
                };
                commands::record_consent(&ctx, input)
            }
            Command::SignConsent { consent, by, how, on } => commands::sign_consent(&ctx, *consent, *by, how, *on),
            Command::SetProtection { person, protected } => commands::family::set_protection(&ctx, *person, *protected),
            Command::ShareDocument { doc, shared } => commands::family::share_document(&ctx, *doc, *shared),
            Command::ShareMinutes { meeting, shared } => commands::family::share_minutes(&ctx, *meeting, *shared),
            Command::SendDocument { .. } => match to {
                Some((doc, Ok(chosen))) => commands::send_document(&ctx, doc, chosen),
                Some((_, Err(e))) => Err(e),
                None => Ok(vec![]),
            },
            Command::SetPhase { phase, on } => commands::set_phase(&ctx, phase, *on),
            Command::PlanMeeting { meeting, kind, start, minutes, place, attendees, agenda } => {
                let input =
                    commands::MeetingInput { meeting: *meeting, kind: kind.clone(), start: *start, minutes: *minutes, place: place.clone(), attendees: attendees.clone(), agenda: agenda.clone() };
                commands::plan_meeting(&ctx, input)
            }
            Command::CancelMeeting { meeting, note } => commands::cancel_meeting(&ctx, *meeting, note.clone()),
            Command::SendInvitations { meeting } => commands::send_invitations(&ctx, *meeting),
            Command::RecordApology { meeting, who, substitute } => commands::record_apology(&ctx, *meeting, *who, substitute),
            Command::RecordMinutes { meeting, minutes } => commands::record_minutes(&ctx, *meeting, minutes.clone()),
            Command::TickChecklist { meeting, step, on } => commands::tick_checklist(&ctx, *meeting, step, *on),
            Command::SetNetwork { entry, quadrant, name, relation, email, phone, person } => {
                let e = NetworkEntry { entry: entry.unwrap_or(0), quadrant: *quadrant, name: name.clone(), relation: relation.clone(), email: email.clone(), phone: phone.clone(), person: *person };
                if person.is_none_or(|p| known.users.contains(&p)) { commands::set_network(&ctx, e, entry.is_none()) } else { Err(commands::invalid("person", "Vælg en bruger fra listen.")) }
            }
            Command::MakeAgreement { meeting, what, responsible, due } => commands::make_agreement(&ctx, *meeting, what, *responsible, *due),
            Command::CloseAgreement { agreement, done, note } => commands::close_agreement(&ctx, *agreement, *done, note.clone()),
            Command::SetGoal { goal, parent, text, when, who, criteria, reached } => {
                commands::set_goal(&ctx, commands::GoalInput { goal: *goal, parent: *parent, text: text.clone(), when: when.clone(), who: who.clone(), criteria: criteria.clone(), reached: *reached })
            }
            Command::Measure { indicator, person, on, value } => commands::measure(&ctx, indicator, *person, *on, value),
            Command::SetIntervention(i) => commands::set_intervention(&ctx, i.clone(), i.intervention == 0),
            Command::RecordStatus { person, text } => commands::record_status(&ctx, *person, text),
            Command::IssuePlan { meeting } => match ctx.require(tovholder_core::model::Action::IssuePlan) {
                Ok(()) => {
                    let (doc, blob) = crate::meeting_actions::render_plan(app, &ctx, *meeting).await?;
                    let r = commands::issue_plan(&ctx, doc, *meeting);
                    if r.is_ok() {
                        blobs.push(blob);
                    }
                    r
                }
                Err(e) => Err(e),
            },
            Command::SendPlan { doc } => {
                let doc = if *doc == 0 { last_doc } else { *doc };
                commands::send_plan(&ctx, doc, &crate::meeting_actions::candidates(app, &state).await?)
            }
            Command::StartThread { subject, family, participants, text } => {
                let choices: Vec<PersonId> = crate::messages::choices(app, course).await?.into_iter().filter(|c| !c.family).map(|c| c.person).collect();
                commands::messages::start_thread(&ctx, subject, *family, participants, &choices, text, None)
            }
            Command::PostMessage { thread, text, file } => {
                let attachment = file.as_ref().map(|(bytes, content_type)| {
                    let sha256 = hex::encode(Sha256::digest(bytes));
                    blobs.push(Blob { sha256: sha256.clone(), bytes: bytes.clone() });
                    tovholder_core::messages::Attachment { sha256, content_type: content_type.clone(), size: bytes.len() as u64 }
                });
                commands::messages::post_message(&ctx, *thread, text, attachment)
            }
        };
        match decided {
            Ok(evs) => {
                for e in &evs {
                    if let Event::DocumentAdded(m) = e {
                        last_doc = m.doc;
                    }
                    state.apply(stamp, e);
                }
                events.extend(evs);
            }
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    Ok(Decided { state, events, blobs, people, outcome })
}

/// Who may receive a document from the actor now: the holders of the roles its kind may be
/// sent to (by its author's organisation) or forwarded to (by a recipient), never the actor.
pub async fn recipients(app: &App, model: &Model, state: &CourseState, actor: &Actor, doc: u32) -> Result<Vec<(Recipient, String)>, AppError> {
    let Some(d) = state.document(doc) else { return Ok(vec![]) };
    let read = commands::may_read_document(model, state, actor, d, app.clock.today());
    if !read.allowed {
        return Ok(vec![]);
    }
    let mut out = recipients_for_kind(app, model, state, actor, &d.meta.kind, d.meta.org != actor.org).await?;
    out.retain(|(r, _)| !d.sent_to(r.person));
    Ok(out)
}

/// Who a document of `kind` may go to from the actor: sent by its author, or forwarded.
pub async fn recipients_for_kind(app: &App, model: &Model, state: &CourseState, actor: &Actor, kind: &str, forwarding: bool) -> Result<Vec<(Recipient, String)>, AppError> {
    let Some(def) = model.documents.get(kind) else { return Ok(vec![]) };
    let roles = if forwarding { &def.forward_to } else { &def.send_to };
    let mut out: Vec<(Recipient, String)> = Vec::new();
    for role_id in roles {
        for (person, name) in holders(app, model, state, role_id).await? {
            if person != actor.person && !out.iter().any(|(r, _)| r.person == person) {
                out.push((Recipient { person, role: role_id.clone() }, format!("{name} ({})", model.role_label(role_id).to_lowercase())));
            }
        }
    }
    Ok(out)
}

/// The people holding a role in the course now (course roles: appointed; organisation roles:
/// staff of the party's organisation with that role), with their names and e-mail addresses;
/// none for a party that does not share the course.
async fn holders_with_email(app: &App, model: &Model, state: &CourseState, role_id: &str) -> Result<Vec<(PersonId, String, Option<String>)>, AppError> {
    let Some(role) = model.role(role_id) else { return Ok(vec![]) };
    if let Some(p) = &role.party
        && !policy::party_shares(model, state, p)
    {
        return Ok(vec![]);
    }
    Ok(match role.scope {
        Scope::Organisation => {
            let Some(org) = role.party.as_ref().and_then(|p| state.parties.get(p)) else { return Ok(vec![]) };
            app.store.staff(*org).await?.iter().filter(|u| u.org_roles.iter().any(|r| r == role_id)).map(|u| (u.person, u.name.clone(), u.email.clone())).collect()
        }
        Scope::Course | Scope::Citizen => {
            let ids: Vec<PersonId> = state.holders(role_id).collect();
            app.store.persons(&ids).await?.into_iter().map(|p| (p.id, p.name, p.email)).collect()
        }
    })
}

async fn holders(app: &App, model: &Model, state: &CourseState, role_id: &str) -> Result<Vec<(PersonId, String)>, AppError> {
    Ok(holders_with_email(app, model, state, role_id).await?.into_iter().map(|(p, n, _)| (p, n)).collect())
}

/// The letters the change sets off: written from the model's template and sent to the
/// holders of its roles, in the same commit.
async fn letters(app: &App, model: &Model, before: &CourseState, after: &CourseState, actor: &Actor) -> Result<(Vec<Event>, Vec<Blob>), AppError> {
    let mut events = Vec::new();
    let mut blobs = Vec::new();
    let mut state = after.clone();
    for letter in tovholder_core::letters::triggered(model, before, after) {
        let people = views::people_of(app.store.as_ref(), &[&state]).await?;
        let names = people.iter().map(|(id, p)| (*id, p.name.clone())).collect();
        let title = views::course_title(model, &state, &people);
        let text = tovholder_core::letters::render(model, &state, letter, &names, &title);
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        let doc = NewDocument { kind: letter.document.clone(), title: letter.title.clone(), sha256: sha256.clone(), content_type: text_plain(), filename: None, size: text.len() as u64 };
        let meta = commands::document_meta(&state, actor, doc);
        let id = meta.doc;
        let stamp = Stamp { at: app.clock.now(), by: actor.person };
        let added = Event::DocumentAdded(meta);
        state.apply(&stamp, &added);
        events.push(added);
        blobs.push(Blob { sha256, bytes: text.into_bytes() });
        let mut to = Vec::new();
        for role in &letter.to {
            to.extend(holders(app, model, &state, role).await?.into_iter().map(|(person, _)| Recipient { person, role: role.clone() }));
        }
        if !to.is_empty() {
            let sent = Event::DocumentSent { doc: id, to, forwarded: false };
            state.apply(&stamp, &sent);
            events.push(sent);
        }
    }
    Ok((events, blobs))
}

/// A notice to each new recipient of a document: no title, no names, only a link.
async fn document_mails(app: &App, id: CourseId, events: &[Event]) -> Result<Vec<NewMail>, AppError> {
    let mut people: Vec<PersonId> = events
        .iter()
        .filter_map(|e| match e {
            Event::DocumentSent { to, .. } => Some(to.iter().map(|r| r.person)),
            _ => None,
        })
        .flatten()
        .collect();
    people.sort();
    people.dedup();
    // Staff open the course; a family member (of no organisation) their own pages.
    let body = |family: bool| {
        let link = if family { format!("{}/familie/forloeb/{id}", app.config.base_url) } else { format!("{}/forloeb/{id}", app.config.base_url) };
        format!("{}\n\nÅbn forløbet i Tovholder:\n{link}\n\n{}", crate::text::NEW_DOCUMENT_BODY, crate::text::MAIL_FOOTER)
    };
    Ok(app.store.persons(&people).await?.into_iter().filter_map(|p| Some(NewMail::new(p.email?, crate::text::NEW_DOCUMENT_SUBJECT.into(), body(p.org.is_none()), Some(id)))).collect())
}

/// The e-mails the change sets off, addressed to the people holding the notices' roles.
pub(crate) async fn mails(app: &App, model: &Model, id: CourseId, before: &CourseState, after: &CourseState) -> Result<Vec<NewMail>, AppError> {
    let mut out = Vec::new();
    for (notice, roles) in notices::triggered(model, before, after) {
        let mut to: Vec<String> = Vec::new();
        for role_id in roles {
            to.extend(holders_with_email(app, model, after, role_id).await?.into_iter().filter_map(|(_, _, e)| e));
        }
        to.sort();
        to.dedup();
        let link = if notice.link { format!("\n\nÅbn forløbet i Tovholder:\n{}/forloeb/{id}", app.config.base_url) } else { String::new() };
        let body = format!("{}{link}\n\n{}", notice.body, crate::text::MAIL_FOOTER);
        out.extend(to.into_iter().map(|to| NewMail::new(to, notice.subject.clone(), body.clone(), Some(id))));
    }
    Ok(out)
}

/// A family member as entered at registration. `Debug` shows the role only.
#[derive(Clone)]
pub struct FamilyMember {
    pub role: String,
    pub name: String,
    pub email: Option<String>,
    pub cpr: Option<Cpr>,
    /// For a parent: custody (forældremyndighed).
    pub custody: Option<bool>,
    /// Name and address protection, marked as the course is opened.
    pub protected: bool,
}

impl std::fmt::Debug for FamilyMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FamilyMember").field("role", &self.role).finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
pub struct Registration {
    pub model: String,
    pub parties: BTreeMap<String, OrgId>,
    pub family: Vec<FamilyMember>,
    pub dates: BTreeMap<String, Date>,
    pub decisions: BTreeMap<String, String>,
}

/// A registration as typed (a form or a JSON body), before it is checked.
#[derive(Clone, Default, serde::Deserialize, schemars::JsonSchema)]
pub struct RegistrationInput {
    pub model: String,
    #[serde(default)]
    pub parties: BTreeMap<String, OrgId>,
    #[serde(default)]
    pub family: Vec<MemberInput>,
    #[serde(default)]
    pub dates: BTreeMap<String, Date>,
    #[serde(default)]
    pub decisions: BTreeMap<String, String>,
}

/// `Debug` leaves out everything about the person: it is only for tracing the shape.
impl std::fmt::Debug for RegistrationInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrationInput").field("model", &self.model).field("family", &self.family.len()).finish_non_exhaustive()
    }
}

#[derive(Clone, Default, serde::Deserialize, schemars::JsonSchema)]
pub struct MemberInput {
    pub role: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub cpr: Option<String>,
    #[serde(default)]
    pub custody: Option<bool>,
    /// Name and address protection (navne- og adressebeskyttelse).
    #[serde(default)]
    pub protected: bool,
}

impl RegistrationInput {
    /// Checks what the model asks for at opening; field names follow the form's
    /// (`member.<role>.<n>.name` etc.), so each message lands next to its field.
    pub fn check(self, model: &Model) -> Result<Registration, AppError> {
        let mut errors = Vec::new();
        let mut err = |field: String, message: String| errors.push(commands::FieldError { field, message });
        let mut family = Vec::new();
        for (role_id, role) in &model.roles {
            let Some(reg) = &role.register else { continue };
            let given: Vec<&MemberInput> = self.family.iter().filter(|m| m.role == *role_id && !m.name.trim().is_empty()).collect();
            if given.len() < reg.required {
                err(format!("member.{role_id}.0.name"), format!("Skriv navnet på {}.", role.label.to_lowercase()));
            }
            if given.len() > reg.count {
                err(format!("member.{role_id}.{}.name", reg.count), format!("Højst {} {}.", reg.count, role.label.to_lowercase()));
            }
            for (i, m) in given.iter().enumerate() {
                let cpr = match (reg.cpr, m.cpr.as_deref().map(str::trim).filter(|c| !c.is_empty())) {
                    (true, Some(c)) => match Cpr::parse(c) {
                        Ok(cpr) => Some(cpr),
                        Err(e) => {
                            err(format!("member.{role_id}.{i}.cpr"), e.to_string());
                            None
                        }
                    },
                    (true, None) => {
                        err(format!("member.{role_id}.{i}.cpr"), format!("Skriv CPR-nummeret på {}.", role.label.to_lowercase()));
                        None
                    }
                    (false, _) => None,
                };
                let email = m.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(str::to_string);
                if reg.email {
                    match &email {
                        Some(e) if tovholder_core::commands::looks_like_email(e) => {}
                        Some(_) => err(format!("member.{role_id}.{i}.email"), "Skriv en gyldig e-mailadresse, fx navn@eksempel.dk.".into()),
                        None if i < reg.required => err(format!("member.{role_id}.{i}.email"), format!("Skriv e-mailadressen på {}.", role.label.to_lowercase())),
                        None => {}
                    }
                }
                let name = m.name.trim().to_string();
                if name.chars().count() > 200 || tovholder_core::cpr::contains_cpr(&name) {
                    err(format!("member.{role_id}.{i}.name"), "Skriv kun navnet.".into());
                }
                let custody = reg.custody.then_some(m.custody.unwrap_or(true));
                family.push(FamilyMember { role: role_id.clone(), name, email: if reg.email { email } else { None }, cpr, custody, protected: m.protected });
            }
        }
        for d in &model.opening.dates {
            if !self.dates.contains_key(d) {
                err(format!("date.{d}"), format!("Angiv {}.", model.date_label(d).to_lowercase()));
            }
        }
        for d in &model.opening.decisions {
            if !self.decisions.contains_key(d) {
                let label = model.decisions.get(d).map_or(d.as_str(), |x| x.label.as_str());
                err(format!("decision.{d}"), format!("Svar på: {label}"));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(Registration { model: self.model, parties: self.parties, family, dates: self.dates, decisions: self.decisions })
    }
}

/// Opens a course: checks it with core first, then creates the family's records and the course.
pub async fn open_course(app: &App, user: &tovholder_store::User, reg: Registration) -> Result<CourseId, AppError> {
    // The newest version, also one another process took into use a moment ago.
    app.models.refresh(app.store.as_ref()).await?;
    let model = app.models.get(&reg.model).ok_or(AppError::NotFound)?;
    let actor = crate::actor(user);
    let now = app.clock.now();
    // Decide with placeholder person ids first, so nothing is written for a refused registration.
    let mut input = OpenCourse {
        parties: reg.parties.clone(),
        family: reg
            .family
            .iter()
            .enumerate()
            .map(|(i, m)| commands::FamilyMember { person: PersonId(-(i as i64) - 1), role: m.role.clone(), custody: m.custody, born: m.cpr.as_ref().map(Cpr::birth_date) })
            .collect(),
        dates: reg.dates.clone(),
        decisions: reg.decisions.clone(),
    };
    let checked = commands::open_course(&model, &actor, &input, app.clock.today());
    let rec = |allowed: bool, reason: String| AccessRecord { at: now, person: Some(actor.person), course: None, action: "write:open_course".into(), allowed, reason };
    match &checked {
        Err(CommandError::Denied(d)) => log(app, rec(false, d.reason.code())).await?,
        Err(CommandError::Invalid(_)) => log(app, rec(true, "invalid_input".into())).await?,
        Ok(_) => {}
    }
    checked?;
    // Each party must be an organisation of the kind the model names (a home is no
    // municipality): the form offers only those, but a request can name any id.
    let orgs = app.store.orgs().await?;
    let mut errors = Vec::new();
    for (party, party_org) in &reg.parties {
        let Some(def) = model.parties.get(party) else { continue };
        match orgs.iter().find(|o| o.id == *party_org) {
            Some(o) if def.takes(&o.kind) => {}
            Some(o) => {
                errors.push(commands::FieldError { field: format!("party.{party}"), message: format!("{} kan ikke være {}: vælg en organisation fra listen.", o.name, def.label.to_lowercase()) })
            }
            None => errors.push(commands::FieldError { field: format!("party.{party}"), message: "Vælg en organisation fra listen.".into() }),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut family = Vec::new();
    for (m, slot) in reg.family.iter().zip(input.family.iter_mut()) {
        let cpr = m.cpr.as_ref().map(|c| app.keys.seal_cpr(c)).transpose().map_err(|e| AppError::Internal(e.to_string()))?;
        let id = app.store.add_person(&NewPerson { name: m.name.clone(), email: m.email.clone(), org: None, cpr }).await?;
        slot.person = id;
        family.push(id);
    }
    let mut events = commands::open_course(&model, &actor, &input, app.clock.today())?;
    // Protected from the first moment: nobody on the family's side ever sees their name.
    events.extend(reg.family.iter().zip(&family).filter(|(m, _)| m.protected).map(|(_, p)| Event::ProtectionSet { person: *p, protected: true }));
    let stamp = Stamp { at: now, by: actor.person };
    let mut state = CourseState::default();
    for e in &events {
        state.apply(&stamp, e);
    }
    let entries = events.into_iter().map(|event| NewEntry { stamp: stamp.clone(), event }).collect();
    let id = app.store.create_course(&commit(&model, state, entries, vec![], vec![])).await?;
    log(app, AccessRecord { course: Some(id), ..rec(true, "open_course".into()) }).await?;
    Ok(id)
}

/// A family member's details as typed, checked: a name (needed when `new`), an e-mail address,
/// a CPR number (needed when the role asks for one and `new`). Left out: None.
struct Details {
    name: Option<String>,
    email: Option<String>,
    cpr: Option<Cpr>,
}

fn member_details(model: &Model, role: &str, name: Option<&str>, email: Option<&str>, cpr: Option<&str>, new: bool) -> Result<Details, CommandError> {
    let given = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| errors.push(commands::FieldError { field: field.into(), message });
    let name = given(name);
    match &name {
        None if new => err("name", "Skriv personens navn.".into()),
        Some(n) if n.chars().count() > 200 || tovholder_core::cpr::contains_cpr(n) => err("name", "Skriv kun navnet.".into()),
        _ => {}
    }
    let email = given(email);
    if email.as_deref().is_some_and(|e| !commands::looks_like_email(e)) {
        err("email", "Skriv en gyldig e-mailadresse, fx navn@eksempel.dk.".into());
    }
    let asks_cpr = model.role(role).and_then(|r| r.register.as_ref()).is_some_and(|r| r.cpr);
    let cpr = match given(cpr) {
        Some(c) => Cpr::parse(&c).map_err(|e| err("cpr", e.to_string())).ok(),
        None if new && asks_cpr => {
            err("cpr", "Skriv CPR-nummeret.".into());
            None
        }
        None => None,
    };
    if errors.is_empty() { Ok(Details { name, email, cpr }) } else { Err(CommandError::Invalid(errors)) }
}

/// Records a person's first reading of a document in the journal (later readings are in the
/// access log only). The caller has checked that they may read it.
pub async fn note_reading(app: &App, course: &Course, doc: u32) -> Result<(), AppError> {
    let actor = course.actor();
    record_reading(app, course.id, &course.model, course.version, course.state.clone(), actor.person, |s| commands::read_document(s, &actor, doc)).await
}

/// Records that `person` has read thread `id` (its read receipt).
pub async fn mark_read(app: &App, course: CourseId, model: &Model, version: i64, state: std::sync::Arc<CourseState>, person: PersonId, id: u32) -> Result<(), AppError> {
    record_reading(app, course, model, version, state, person, |s| commands::messages::read_thread(s, person, id)).await
}

/// Stores what reading records (a document's first reading, a thread's read receipt), retrying
/// on a newer version: a reader is never turned away because someone saved meanwhile.
async fn record_reading(
    app: &App,
    id: CourseId,
    model: &Model,
    mut version: i64,
    mut state: std::sync::Arc<CourseState>,
    person: PersonId,
    read: impl Fn(&CourseState) -> Vec<Event>,
) -> Result<(), AppError> {
    for _ in 0..3 {
        let events = read(&state);
        if events.is_empty() {
            return Ok(());
        }
        let stamp = Stamp { at: app.clock.now(), by: person };
        let mut after = (*state).clone();
        for e in &events {
            after.apply(&stamp, e);
        }
        let entries = events.into_iter().map(|event| NewEntry { stamp: stamp.clone(), event }).collect();
        match app.store.append(id, version, &commit(model, after, entries, vec![], vec![])).await {
            Err(tovholder_store::StoreError::Conflict { .. }) => {
                let fresh = app.store.course(id).await?.ok_or(AppError::NotFound)?;
                (version, state) = (fresh.version, fresh.state);
            }
            other => return other.map(|_| ()).map_err(AppError::from),
        }
    }
    Ok(())
}
