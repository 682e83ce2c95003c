//! A course (forløb): the events its journal records and the state they add up to.
//!
//! The journal is the truth; `CourseState` is the projection pages read. `apply` is the only way
//! state changes, so replaying a journal always gives the stored projection.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::family_plan::{Agreement, AgreementForm, AgreementStatus, Goal, Intervention, Measurement, NetworkEntry, PlanVersion};
use crate::ids::{OrgId, PersonId};
use crate::meetings::{Apology, Meeting, MeetingForm, MeetingStatus, Minutes, Who};
pub use crate::stamp::{Recorded, Stamp};

/// One change to a course, as written to its journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    CourseOpened {
        model: String,
        /// The version of the model the course runs under; journals from before versions
        /// were kept have none, and ran under the first.
        #[serde(default = "first_version", skip_serializing_if = "is_first_version")]
        version: u32,
        parties: BTreeMap<String, OrgId>,
    },
    PersonJoined {
        person: PersonId,
        role: String,
        /// For a parent: whether they have custody (forældremyndighed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        custody: Option<bool>,
        /// For a child: the birth date (for the age-15 rule on consent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        born: Option<Date>,
    },
    PersonLeft {
        person: PersonId,
        role: String,
        /// Set when the person left because their login was closed: the role stands vacant
        /// and whoever appoints to it gets a task to appoint someone new.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        because: Option<Leaving>,
    },
    DatesSet {
        dates: BTreeMap<String, Date>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    DecisionRecorded {
        decision: String,
        value: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    FieldRecorded {
        field: String,
        value: String,
    },
    TaskCompleted {
        task: String,
        outcome: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A change that needs several parties' agreement, e.g. a postponement with new dates.
    ChangeProposed {
        change: u32,
        kind: String,
        dates: BTreeMap<String, Date>,
        reason: String,
    },
    ChangeAnswered {
        change: u32,
        party: String,
        agreed: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Every party agreed; the dates were set in the same commit.
    ChangeApplied {
        change: u32,
    },
    DocumentAdded(DocumentMeta),
    DocumentSent {
        doc: u32,
        to: Vec<Recipient>,
        forwarded: bool,
    },
    DocumentRead {
        doc: u32,
    },
    /// A consent form as filled in with one consent giver (it counts once they have signed).
    ConsentRecorded(ConsentForm),
    ConsentSigned {
        consent: u32,
        by: PersonId,
        how: String,
        on: Date,
    },
    ConsentRevoked {
        consent: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    PhaseEntered {
        phase: String,
        on: Date,
    },
    /// A meeting planned, or re-planned under the same number.
    MeetingPlanned(MeetingForm),
    MeetingCancelled {
        meeting: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Invitations (with calendar files) went out for this version of the meeting.
    InvitationsSent {
        meeting: u32,
        sequence: u32,
    },
    ApologyRecorded {
        meeting: u32,
        who: Who,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        substitute: Option<String>,
    },
    MinutesRecorded {
        meeting: u32,
        minutes: Minutes,
    },
    ChecklistTicked {
        meeting: u32,
        step: String,
        on: Date,
    },
    /// Someone added to (or corrected in) the family's network.
    NetworkSet(NetworkEntry),
    NetworkRemoved {
        entry: u32,
    },
    AgreementMade(AgreementForm),
    AgreementClosed {
        agreement: u32,
        done: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A goal added or corrected.
    GoalSet(Goal),
    Measured(Measurement),
    /// An intervention added or corrected.
    InterventionSet(Intervention),
    StatusRecorded {
        person: PersonId,
        text: String,
    },
    /// A new version of the family plan, stored as document `doc`.
    PlanIssued {
        version: String,
        doc: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meeting: Option<u32>,
        period_from: Date,
        period_to: Date,
    },
    /// A family member answered a meeting's preparation questions (their earlier answers
    /// replaced); who is the entry's stamp.
    PreparationAnswered {
        meeting: u32,
        answers: Vec<String>,
    },
    /// A child wrote "Mine ønsker", what they want the grown-ups to know (their earlier wishes
    /// replaced); who is the entry's stamp. The parents read it only if the child says so.
    WishesWritten {
        text: String,
        parents_may_see: bool,
    },
    /// A family member has (or no longer has) name and address protection (navne- og
    /// adressebeskyttelse): the family's pages, and the plan that goes to the network, never
    /// show their name or how to reach them to anyone else.
    ProtectionSet {
        person: PersonId,
        protected: bool,
    },
    /// A family member added after the course was opened, by a coordinator, with why.
    FamilyMemberAdded {
        person: PersonId,
        role: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        custody: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        born: Option<Date>,
        why: String,
    },
    /// A family member's details corrected: which (`changed`: name, email, cpr, custody), not
    /// what they were; the person's record holds the new ones.
    FamilyMemberCorrected {
        person: PersonId,
        changed: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        custody: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        born: Option<Date>,
        why: String,
    },
    /// A family member taken out of the course (registered by mistake, or no longer part of it).
    FamilyMemberRemoved {
        person: PersonId,
        role: String,
        why: String,
    },
    /// The course is closed (read-only, off the task lists; its keeping starts) for a reason of
    /// the model's `closing.reasons`.
    CourseClosed {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A closed course is open again.
    CourseReopened {
        note: String,
    },
    /// An administrator moved the course to another version of its model (after a dry run
    /// showed which tasks and dates change); nothing recorded before is rewritten.
    ModelMoved {
        from: u32,
        to: u32,
    },
    /// Its author shows a document on the family's pages, or hides it again (only kinds the
    /// model lets the family see).
    DocumentShared {
        doc: u32,
        shared: bool,
    },
    /// Their author shows a meeting's minutes on the family's pages, or hides them again.
    MinutesShared {
        meeting: u32,
        shared: bool,
    },
    /// A thread of messages started (its first message follows in the same commit); the one
    /// who started it is the entry's stamp.
    ThreadStarted {
        thread: u32,
        subject: String,
        family: bool,
        participants: Vec<PersonId>,
    },
    MessagePosted {
        thread: u32,
        message: u32,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<crate::messages::Attachment>,
    },
    /// Who read a thread (the stamp) up to which message: its read receipt.
    ThreadRead {
        thread: u32,
        upto: u32,
    },
    /// A family member asked for support (the model's `[requests]`); its thread, started in the
    /// same commit, holds the text. `on_duty`: whoever was on call when an acute one came in.
    RequestMade {
        request: u32,
        thread: u32,
        topic: String,
        urgency: String,
        to: Vec<PersonId>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        on_duty: Vec<PersonId>,
    },
    /// The person on call logged what was done about an acute request.
    AcuteLogged {
        request: u32,
        text: String,
    },
    /// The course's child was booked on a respite offer (the booking itself is the offering
    /// organisation's data; this is the course's record of it).
    RespiteBooked {
        booking: i64,
        offer: i64,
        title: String,
        child: PersonId,
        from: Date,
        to: Date,
    },
    RespiteCancelled {
        booking: i64,
    },
    /// `person`, going on leave, named `deputy` (a colleague) to act in their course roles from
    /// `from` to `to`; the stamp is `person`'s.
    DeputyNamed {
        person: PersonId,
        deputy: PersonId,
        from: Date,
        to: Date,
    },
    /// A new holder of a course role took over from `from`, with their note (the model's
    /// `handover`); `to` reads it first.
    HandoverWritten {
        handover: u32,
        role: String,
        from: Vec<PersonId>,
        to: PersonId,
        text: String,
    },
    /// The new holder has read the hand-over note.
    HandoverRead {
        handover: u32,
    },
    /// `person` came back early: the period from `from` with `deputy` now ends on `to` (before
    /// `from`: it never began).
    DeputyEnded {
        person: PersonId,
        deputy: PersonId,
        from: Date,
        to: Date,
    },
}

/// A child's wishes as they stand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wishes {
    pub text: String,
    pub parents_may_see: bool,
    pub stamp: Stamp,
}

/// What a consent form says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentForm {
    pub consent: u32,
    pub giver: PersonId,
    pub about: Vec<PersonId>,
    pub recipients: Vec<crate::ids::Recipient>,
    /// Persons of the family's network it names (entries of `network`), beside organisations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network: Vec<u32>,
    pub kinds: Vec<String>,
    pub purpose: String,
    pub valid_from: Date,
    pub valid_to: Date,
}

/// A document's description; its content is stored apart, found by its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub doc: u32,
    pub kind: String,
    pub title: String,
    pub sha256: String,
    pub content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    pub size: u64,
    /// The author's organisation: all of its staff on the course may read it.
    pub org: OrgId,
}

/// Someone a document was sent to, in the role they received it in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recipient {
    pub person: PersonId,
    pub role: String,
}

impl Event {
    /// What in the course this event changes, as keys ("date:ophold_start", "role:kontaktperson"),
    /// so a save made on an older version can tell whether someone changed the same thing since.
    pub fn touches(&self) -> Vec<String> {
        match self {
            Event::DatesSet { dates, .. } => dates.keys().map(|d| format!("date:{d}")).collect(),
            Event::PersonJoined { role, .. } | Event::PersonLeft { role, .. } => vec![format!("role:{role}")],
            Event::DecisionRecorded { decision, .. } => vec![format!("decision:{decision}")],
            Event::FieldRecorded { field, .. } => vec![format!("field:{field}")],
            Event::TaskCompleted { task, .. } => vec![format!("task:{task}")],
            Event::ChangeProposed { kind, .. } => vec![format!("change-kind:{kind}")],
            Event::ChangeAnswered { change, party, .. } => vec![format!("change:{change}:{party}")],
            Event::ChangeApplied { change } => vec![format!("change:{change}")],
            Event::ConsentSigned { consent, by, .. } => vec![format!("consent:{consent}:{by}")],
            Event::ConsentRevoked { consent, .. } => vec![format!("consent:{consent}")],
            Event::PhaseEntered { .. } => vec!["phase".into()],
            Event::MeetingPlanned(f) => vec![format!("meeting:{}", f.meeting)],
            Event::MeetingCancelled { meeting, .. } | Event::InvitationsSent { meeting, .. } => vec![format!("meeting:{meeting}")],
            Event::ApologyRecorded { meeting, who, .. } => vec![format!("meeting:{meeting}:{}", who.key())],
            Event::MinutesRecorded { meeting, .. } => vec![format!("minutes:{meeting}")],
            Event::ChecklistTicked { meeting, step, .. } => vec![format!("checklist:{meeting}:{step}")],
            Event::NetworkSet(e) => vec![format!("network:{}", e.entry)],
            Event::NetworkRemoved { entry } => vec![format!("network:{entry}")],
            Event::AgreementClosed { agreement, .. } => vec![format!("agreement:{agreement}")],
            Event::GoalSet(g) => vec![format!("goal:{}", g.goal)],
            Event::InterventionSet(i) => vec![format!("intervention:{}", i.intervention)],
            Event::StatusRecorded { person, .. } => vec![format!("status:{person}")],
            Event::PreparationAnswered { meeting, .. } => vec![format!("preparation:{meeting}")],
            Event::WishesWritten { .. } => vec!["wishes".into()],
            Event::ProtectionSet { person, .. } => vec![format!("protection:{person}")],
            Event::DocumentShared { doc, .. } => vec![format!("shared:doc:{doc}")],
            Event::CourseClosed { .. } | Event::CourseReopened { .. } => vec!["closed".into()],
            Event::ModelMoved { .. } => vec!["model".into()],
            Event::FamilyMemberAdded { role, .. } | Event::FamilyMemberRemoved { role, .. } => vec![format!("role:{role}")],
            Event::FamilyMemberCorrected { person, .. } => vec![format!("member:{person}")],
            Event::MinutesShared { meeting, .. } => vec![format!("minutes:{meeting}")],
            Event::ThreadStarted { .. } | Event::MessagePosted { .. } | Event::ThreadRead { .. } | Event::RequestMade { .. } => vec![],
            Event::AcuteLogged { request, .. } => vec![format!("request:{request}")],
            Event::RespiteBooked { booking, .. } | Event::RespiteCancelled { booking } => vec![format!("respite:{booking}")],
            Event::DeputyNamed { .. } | Event::DeputyEnded { .. } => vec![],
            Event::HandoverWritten { handover, .. } | Event::HandoverRead { handover } => vec![format!("handover:{handover}")],
            Event::AgreementMade(_) | Event::Measured(_) | Event::PlanIssued { .. } => vec![],
            Event::CourseOpened { .. } | Event::DocumentAdded(_) | Event::DocumentSent { .. } | Event::DocumentRead { .. } | Event::ConsentRecorded(_) => vec![],
        }
    }

    /// The people an event names (besides who made it), so listings can show their names.
    pub fn people(&self) -> Vec<PersonId> {
        match self {
            Event::PersonJoined { person, .. } | Event::PersonLeft { person, .. } => vec![*person],
            Event::DocumentSent { to, .. } => to.iter().map(|r| r.person).collect(),
            Event::ConsentRecorded(f) => std::iter::once(f.giver).chain(f.about.iter().copied()).collect(),
            Event::ConsentSigned { by, .. } => vec![*by],
            Event::StatusRecorded { person, .. } | Event::ProtectionSet { person, .. } => vec![*person],
            Event::FamilyMemberAdded { person, .. } | Event::FamilyMemberCorrected { person, .. } | Event::FamilyMemberRemoved { person, .. } => vec![*person],
            Event::ThreadStarted { participants, .. } => participants.clone(),
            Event::RequestMade { to, on_duty, .. } => to.iter().chain(on_duty).copied().collect(),
            Event::RespiteBooked { child, .. } => vec![*child],
            Event::DeputyNamed { person, deputy, .. } | Event::DeputyEnded { person, deputy, .. } => vec![*person, *deputy],
            Event::HandoverWritten { from, to, .. } => from.iter().chain([to]).copied().collect(),
            Event::MeetingPlanned(f) => f
                .attendees
                .iter()
                .filter_map(|w| match w {
                    Who::Person(p) => Some(*p),
                    Who::Network(_) => None,
                })
                .collect(),
            _ => vec![],
        }
    }

    /// A stable short name, for the access log and journal listings.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::CourseOpened { .. } => "course_opened",
            Event::PersonJoined { .. } => "person_joined",
            Event::PersonLeft { .. } => "person_left",
            Event::DatesSet { .. } => "dates_set",
            Event::DecisionRecorded { .. } => "decision_recorded",
            Event::FieldRecorded { .. } => "field_recorded",
            Event::TaskCompleted { .. } => "task_completed",
            Event::ChangeProposed { .. } => "change_proposed",
            Event::ChangeAnswered { .. } => "change_answered",
            Event::ChangeApplied { .. } => "change_applied",
            Event::DocumentAdded(_) => "document_added",
            Event::DocumentSent { .. } => "document_sent",
            Event::DocumentRead { .. } => "document_read",
            Event::ConsentRecorded(_) => "consent_recorded",
            Event::ConsentSigned { .. } => "consent_signed",
            Event::ConsentRevoked { .. } => "consent_revoked",
            Event::PhaseEntered { .. } => "phase_entered",
            Event::MeetingPlanned(_) => "meeting_planned",
            Event::MeetingCancelled { .. } => "meeting_cancelled",
            Event::InvitationsSent { .. } => "invitations_sent",
            Event::ApologyRecorded { .. } => "apology_recorded",
            Event::MinutesRecorded { .. } => "minutes_recorded",
            Event::ChecklistTicked { .. } => "checklist_ticked",
            Event::NetworkSet(_) => "network_set",
            Event::NetworkRemoved { .. } => "network_removed",
            Event::AgreementMade(_) => "agreement_made",
            Event::AgreementClosed { .. } => "agreement_closed",
            Event::GoalSet(_) => "goal_set",
            Event::Measured(_) => "measured",
            Event::InterventionSet(_) => "intervention_set",
            Event::StatusRecorded { .. } => "status_recorded",
            Event::PreparationAnswered { .. } => "preparation_answered",
            Event::WishesWritten { .. } => "wishes_written",
            Event::ProtectionSet { .. } => "protection_set",
            Event::DocumentShared { .. } => "document_shared",
            Event::CourseClosed { .. } => "course_closed",
            Event::FamilyMemberAdded { .. } => "family_member_added",
            Event::FamilyMemberCorrected { .. } => "family_member_corrected",
            Event::FamilyMemberRemoved { .. } => "family_member_removed",
            Event::CourseReopened { .. } => "course_reopened",
            Event::ModelMoved { .. } => "model_moved",
            Event::MinutesShared { .. } => "minutes_shared",
            Event::ThreadStarted { .. } => "thread_started",
            Event::MessagePosted { .. } => "message_posted",
            Event::ThreadRead { .. } => "thread_read",
            Event::RequestMade { .. } => "request_made",
            Event::AcuteLogged { .. } => "acute_logged",
            Event::RespiteBooked { .. } => "respite_booked",
            Event::RespiteCancelled { .. } => "respite_cancelled",
            Event::DeputyNamed { .. } => "deputy_named",
            Event::DeputyEnded { .. } => "deputy_ended",
            Event::HandoverWritten { .. } => "handover_written",
            Event::HandoverRead { .. } => "handover_read",
            Event::PlanIssued { .. } => "plan_issued",
        }
    }
}

/// Why someone left a course role, when it was not an appointment of someone else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Leaving {
    /// An administrator closed the person's login.
    LoginClosed,
}

/// A course role left empty when its holder's login was closed, until someone is appointed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vacancy {
    pub role: String,
    pub since: Stamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filled: Option<Stamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub person: PersonId,
    pub role: String,
    pub since: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custody: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub born: Option<Date>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseState {
    pub model: String,
    /// The version of `model` the course runs under (see `Event::CourseOpened`).
    #[serde(default = "first_version")]
    pub model_version: u32,
    pub parties: BTreeMap<String, OrgId>,
    pub members: Vec<Member>,
    pub dates: BTreeMap<String, Date>,
    pub decisions: BTreeMap<String, Recorded>,
    pub fields: BTreeMap<String, Recorded>,
    /// Tasks completed by hand, by task id; the value is the outcome.
    pub completed: BTreeMap<String, Recorded>,
    #[serde(default)]
    pub changes: Vec<Change>,
    #[serde(default)]
    pub documents: Vec<Document>,
    #[serde(default)]
    pub consents: Vec<Consent>,
    /// Phases entered, in order: (phase, from which day, recorded).
    #[serde(default)]
    pub phases: Vec<(String, Date, Stamp)>,
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    #[serde(default)]
    pub network: Vec<NetworkEntry>,
    #[serde(default)]
    pub agreements: Vec<Agreement>,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub measurements: Vec<Measurement>,
    #[serde(default)]
    pub interventions: Vec<Intervention>,
    #[serde(default)]
    pub statuses: BTreeMap<PersonId, Recorded>,
    #[serde(default)]
    pub plans: Vec<PlanVersion>,
    /// Threads of messages between the course's participants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threads: Vec<crate::messages::Thread>,
    /// Children's "Mine ønsker", by child.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub wishes: BTreeMap<PersonId, Wishes>,
    /// Course roles left empty by a closed login, filled or not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vacancies: Vec<Vacancy>,
    /// Family members with name and address protection.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub protected: BTreeSet<PersonId>,
    /// Closed: the reason (`value`), the note and when. Nothing is written to a closed course.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Recorded>,
    /// The family's support requests (the model's `[requests]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<crate::requests::Request>,
    /// Deputies named for the course's staff (the access is decided from the organisation's
    /// list; this is the course's record of it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deputies: Vec<DeputyPeriod>,
    /// Hand-over notes from a course role's former holder to the next (the model's `handover`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handovers: Vec<Handover>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub id: u32,
    pub role: String,
    pub from: Vec<PersonId>,
    pub to: PersonId,
    pub text: String,
    pub written: Stamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<Stamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeputyPeriod {
    pub person: PersonId,
    pub deputy: PersonId,
    pub from: Date,
    pub to: Date,
}

/// A consent as it stands: the form, its signatures and whether it was revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub id: u32,
    pub giver: PersonId,
    pub about: Vec<PersonId>,
    pub recipients: Vec<crate::ids::Recipient>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network: Vec<u32>,
    pub kinds: Vec<String>,
    pub purpose: String,
    pub valid_from: Date,
    pub valid_to: Date,
    pub recorded: Stamp,
    pub signatures: Vec<Signature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Recorded>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub by: PersonId,
    /// How it was signed, e.g. "på papir ved mødet" (recorded by staff).
    pub how: String,
    pub on: Date,
    pub stamp: Stamp,
}

impl Consent {
    pub fn signed_by(&self, person: PersonId) -> bool {
        self.signatures.iter().any(|s| s.by == person)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    Open,
    Applied,
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub agreed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub stamp: Stamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub id: u32,
    pub kind: String,
    pub dates: BTreeMap<String, Date>,
    pub reason: String,
    pub proposed: Stamp,
    pub answers: BTreeMap<String, Answer>,
    pub status: ChangeStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub to: Recipient,
    pub forwarded: bool,
    pub stamp: Stamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub meta: DocumentMeta,
    pub added: Stamp,
    pub sent: Vec<Sent>,
    /// First reading by each person.
    pub read: Vec<(PersonId, Timestamp)>,
    /// Shown on the family's pages by its author.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub family: bool,
}

impl Document {
    pub fn sent_to_role(&self, role: &str) -> bool {
        self.sent.iter().any(|s| s.to.role == role)
    }
    pub fn sent_to(&self, person: PersonId) -> bool {
        self.sent.iter().any(|s| s.to.person == person)
    }
}

fn first_version() -> u32 {
    1
}

fn is_first_version(v: &u32) -> bool {
    *v == 1
}

impl CourseState {
    pub fn apply(&mut self, stamp: &Stamp, event: &Event) {
        let rec = |value: &str, note: &Option<String>| Recorded { value: value.to_string(), note: note.clone(), stamp: stamp.clone() };
        match event {
            Event::CourseOpened { model, version, parties } => {
                self.model = model.clone();
                self.model_version = *version;
                self.parties = parties.clone();
            }
            Event::PersonJoined { person, role, custody, born } => {
                if !self.holds(*person, role) {
                    self.members.push(Member { person: *person, role: role.clone(), since: stamp.at, custody: *custody, born: *born });
                }
                for v in self.vacancies.iter_mut().filter(|v| v.role == *role && v.filled.is_none()) {
                    v.filled = Some(stamp.clone());
                }
            }
            Event::PersonLeft { person, role, because } => {
                self.members.retain(|m| !(m.person == *person && m.role == *role));
                let open = self.vacancies.iter().any(|v| v.role == *role && v.filled.is_none());
                if because.is_some() && !open && self.holders(role).next().is_none() {
                    self.vacancies.push(Vacancy { role: role.clone(), since: stamp.clone(), filled: None });
                }
            }
            Event::DatesSet { dates, .. } => self.dates.extend(dates.iter().map(|(k, v)| (k.clone(), *v))),
            Event::DecisionRecorded { decision, value, note } => {
                self.decisions.insert(decision.clone(), rec(value, note));
            }
            Event::FieldRecorded { field, value } => {
                self.fields.insert(field.clone(), rec(value, &None));
            }
            Event::TaskCompleted { task, outcome, note } => {
                self.completed.insert(task.clone(), rec(outcome, note));
            }
            Event::ChangeProposed { change, kind, dates, reason } => self.changes.push(Change {
                id: *change,
                kind: kind.clone(),
                dates: dates.clone(),
                reason: reason.clone(),
                proposed: stamp.clone(),
                answers: BTreeMap::new(),
                status: ChangeStatus::Open,
            }),
            Event::ChangeAnswered { change, party, agreed, note } => {
                if let Some(c) = self.changes.iter_mut().find(|c| c.id == *change) {
                    c.answers.insert(party.clone(), Answer { agreed: *agreed, note: note.clone(), stamp: stamp.clone() });
                    if !agreed {
                        c.status = ChangeStatus::Rejected;
                    }
                }
            }
            Event::ChangeApplied { change } => {
                if let Some(c) = self.changes.iter_mut().find(|c| c.id == *change) {
                    c.status = ChangeStatus::Applied;
                }
            }
            Event::DocumentAdded(meta) => self.documents.push(Document { meta: meta.clone(), added: stamp.clone(), sent: vec![], read: vec![], family: false }),
            Event::CourseClosed { reason, note } => self.closed = Some(rec(reason, note)),
            Event::FamilyMemberAdded { person, role, custody, born, .. } => {
                if !self.holds(*person, role) {
                    self.members.push(Member { person: *person, role: role.clone(), since: stamp.at, custody: *custody, born: *born });
                }
            }
            Event::FamilyMemberCorrected { person, custody, born, .. } => {
                for m in self.members.iter_mut().filter(|m| m.person == *person) {
                    if m.custody.is_some() {
                        m.custody = *custody;
                    }
                    m.born = born.or(m.born);
                }
            }
            Event::FamilyMemberRemoved { person, role, .. } => self.members.retain(|m| !(m.person == *person && m.role == *role)),
            Event::CourseReopened { .. } => self.closed = None,
            Event::ModelMoved { to, .. } => self.model_version = *to,
            Event::DocumentShared { doc, shared } => {
                if let Some(d) = self.documents.iter_mut().find(|d| d.meta.doc == *doc) {
                    d.family = *shared;
                }
            }
            Event::MinutesShared { meeting, shared } => {
                if let Some(m) = self.meeting_mut(*meeting) {
                    m.minutes_shared = *shared;
                }
            }
            Event::DocumentSent { doc, to, forwarded } => {
                if let Some(d) = self.document_mut(*doc) {
                    d.sent.extend(to.iter().map(|r| Sent { to: r.clone(), forwarded: *forwarded, stamp: stamp.clone() }));
                }
            }
            Event::ConsentRecorded(f) => self.consents.push(Consent {
                id: f.consent,
                giver: f.giver,
                about: f.about.clone(),
                recipients: f.recipients.clone(),
                network: f.network.clone(),
                kinds: f.kinds.clone(),
                purpose: f.purpose.clone(),
                valid_from: f.valid_from,
                valid_to: f.valid_to,
                recorded: stamp.clone(),
                signatures: vec![],
                revoked: None,
            }),
            Event::ConsentSigned { consent, by, how, on } => {
                if let Some(c) = self.consents.iter_mut().find(|c| c.id == *consent)
                    && !c.signed_by(*by)
                {
                    c.signatures.push(Signature { by: *by, how: how.clone(), on: *on, stamp: stamp.clone() });
                }
            }
            Event::ConsentRevoked { consent, note } => {
                if let Some(c) = self.consents.iter_mut().find(|c| c.id == *consent) {
                    c.revoked = Some(rec("revoked", note));
                }
            }
            Event::PhaseEntered { phase, on } => self.phases.push((phase.clone(), *on, stamp.clone())),
            Event::MeetingPlanned(f) => match self.meeting_mut(f.meeting) {
                Some(m) => {
                    m.form = f.clone();
                    m.sequence += 1;
                }
                None => self.meetings.push(Meeting {
                    id: f.meeting,
                    form: f.clone(),
                    sequence: 0,
                    status: MeetingStatus::Planned,
                    planned: stamp.clone(),
                    apologies: vec![],
                    invited: None,
                    minutes: None,
                    checklist: BTreeMap::new(),
                    cancelled: None,
                    preparations: vec![],
                    minutes_shared: false,
                }),
            },
            Event::MeetingCancelled { meeting, note } => {
                if let Some(m) = self.meeting_mut(*meeting) {
                    m.status = MeetingStatus::Cancelled;
                    m.sequence += 1;
                    m.cancelled = Some(rec("cancelled", note));
                }
            }
            Event::InvitationsSent { meeting, sequence } => {
                if let Some(m) = self.meeting_mut(*meeting) {
                    m.invited = Some((*sequence, stamp.clone()));
                }
            }
            Event::ApologyRecorded { meeting, who, substitute } => {
                if let Some(m) = self.meeting_mut(*meeting) {
                    m.apologies.retain(|a| a.who != *who);
                    m.apologies.push(Apology { who: *who, substitute: substitute.clone(), stamp: stamp.clone() });
                }
            }
            Event::MinutesRecorded { meeting, minutes } => {
                if let Some(m) = self.meeting_mut(*meeting) {
                    m.minutes = Some((minutes.clone(), stamp.clone()));
                    m.status = MeetingStatus::Held;
                }
            }
            Event::ChecklistTicked { meeting, step, on } => {
                if let Some(m) = self.meeting_mut(*meeting) {
                    m.checklist.insert(step.clone(), (*on, stamp.clone()));
                }
            }
            Event::NetworkSet(e) => upsert(&mut self.network, e.clone(), |x| x.entry),
            Event::NetworkRemoved { entry } => self.network.retain(|e| e.entry != *entry),
            Event::AgreementMade(f) => self.agreements.push(Agreement { form: f.clone(), made: stamp.clone(), status: AgreementStatus::Open, closed: None }),
            Event::AgreementClosed { agreement, done, note } => {
                if let Some(a) = self.agreements.iter_mut().find(|a| a.form.agreement == *agreement) {
                    a.status = if *done { AgreementStatus::Done } else { AgreementStatus::Dropped };
                    a.closed = Some(rec(if *done { "done" } else { "dropped" }, note));
                }
            }
            Event::GoalSet(g) => upsert(&mut self.goals, g.clone(), |x| x.goal),
            Event::Measured(m) => self.measurements.push(m.clone()),
            Event::InterventionSet(i) => upsert(&mut self.interventions, i.clone(), |x| x.intervention),
            Event::StatusRecorded { person, text } => {
                self.statuses.insert(*person, rec(text, &None));
            }
            Event::PreparationAnswered { meeting, answers } => {
                if let Some(m) = self.meeting_mut(*meeting) {
                    m.preparations.retain(|p| p.person != stamp.by);
                    m.preparations.push(crate::meetings::Prepared { person: stamp.by, answers: answers.clone(), stamp: stamp.clone() });
                }
            }
            Event::WishesWritten { text, parents_may_see } => {
                self.wishes.insert(stamp.by, Wishes { text: text.clone(), parents_may_see: *parents_may_see, stamp: stamp.clone() });
            }
            Event::ProtectionSet { person, protected } => {
                if *protected {
                    self.protected.insert(*person);
                } else {
                    self.protected.remove(person);
                }
            }
            Event::ThreadStarted { thread, subject, family, participants } => self.threads.push(crate::messages::Thread {
                id: *thread,
                subject: subject.clone(),
                family: *family,
                participants: participants.clone(),
                started: stamp.clone(),
                messages: vec![],
                read: BTreeMap::new(),
            }),
            Event::MessagePosted { thread, message, text, attachment } => {
                if let Some(t) = self.threads.iter_mut().find(|t| t.id == *thread) {
                    t.messages.push(crate::messages::Message { id: *message, text: text.clone(), stamp: stamp.clone(), attachment: attachment.clone() });
                    t.read.insert(stamp.by, *message);
                }
                for r in self.requests.iter_mut().filter(|r| r.thread == *thread) {
                    r.on_message(stamp);
                }
            }
            Event::RequestMade { request, thread, topic, urgency, to, on_duty } => self.requests.push(crate::requests::Request {
                id: *request,
                thread: *thread,
                topic: topic.clone(),
                urgency: urgency.clone(),
                to: to.clone(),
                on_duty: on_duty.clone(),
                made: stamp.clone(),
                answered: None,
                contact_replied: None,
                logged: None,
            }),
            // The bookings are the offering organisation's data (the store's); nothing to keep here.
            Event::RespiteBooked { .. } | Event::RespiteCancelled { .. } => {}
            Event::DeputyNamed { person, deputy, from, to } => self.deputies.push(DeputyPeriod { person: *person, deputy: *deputy, from: *from, to: *to }),
            Event::HandoverWritten { handover, role, from, to, text } => {
                self.handovers.push(Handover { id: *handover, role: role.clone(), from: from.clone(), to: *to, text: text.clone(), written: stamp.clone(), read: None });
            }
            Event::HandoverRead { handover } => {
                if let Some(h) = self.handovers.iter_mut().find(|h| h.id == *handover) {
                    h.read = Some(stamp.clone());
                }
            }
            Event::DeputyEnded { person, deputy, from, to } => {
                self.deputies.retain(|d| !(d.person == *person && d.deputy == *deputy && d.from == *from && *to < *from));
                for d in self.deputies.iter_mut().filter(|d| d.person == *person && d.deputy == *deputy && d.from == *from) {
                    d.to = *to;
                }
            }
            Event::AcuteLogged { request, text } => {
                if let Some(r) = self.requests.iter_mut().find(|r| r.id == *request) {
                    r.logged = Some((text.clone(), stamp.clone()));
                }
            }
            Event::ThreadRead { thread, upto } => {
                if let Some(t) = self.threads.iter_mut().find(|t| t.id == *thread) {
                    let seen = t.read.entry(stamp.by).or_insert(0);
                    *seen = (*seen).max(*upto);
                }
            }
            Event::PlanIssued { version, doc, meeting, period_from, period_to } => {
                self.plans.push(PlanVersion { version: version.clone(), doc: *doc, meeting: *meeting, period_from: *period_from, period_to: *period_to, stamp: stamp.clone() })
            }
            Event::DocumentRead { doc } => {
                if let Some(d) = self.document_mut(*doc)
                    && !d.read.iter().any(|(p, _)| *p == stamp.by)
                {
                    d.read.push((stamp.by, stamp.at));
                }
            }
        }
    }

    pub fn document(&self, doc: u32) -> Option<&Document> {
        self.documents.iter().find(|d| d.meta.doc == doc)
    }

    fn document_mut(&mut self, doc: u32) -> Option<&mut Document> {
        self.documents.iter_mut().find(|d| d.meta.doc == doc)
    }

    pub fn meeting(&self, id: u32) -> Option<&Meeting> {
        self.meetings.iter().find(|m| m.id == id)
    }

    fn meeting_mut(&mut self, id: u32) -> Option<&mut Meeting> {
        self.meetings.iter_mut().find(|m| m.id == id)
    }

    /// The phase the course is in now (the last entered), with the day it was entered.
    pub fn phase(&self) -> Option<(&str, Date)> {
        self.phases.last().map(|(p, on, _)| (p.as_str(), *on))
    }

    pub fn change(&self, id: u32) -> Option<&Change> {
        self.changes.iter().find(|c| c.id == id)
    }

    pub fn holds(&self, person: PersonId, role: &str) -> bool {
        self.members.iter().any(|m| m.person == person && m.role == role)
    }

    pub fn holders<'a>(&'a self, role: &'a str) -> impl Iterator<Item = PersonId> + 'a {
        self.members.iter().filter(move |m| m.role == role).map(|m| m.person)
    }

    pub fn decision(&self, id: &str) -> Option<&str> {
        self.decisions.get(id).map(|r| r.value.as_str())
    }

    /// Every organisation taking part, whether or not it currently shares.
    pub fn orgs(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.parties.values().copied()
    }
}

/// Replaces the item with the same key, or appends it (corrections keep their place).
fn upsert<T>(items: &mut Vec<T>, item: T, key: impl Fn(&T) -> u32) {
    match items.iter_mut().find(|x| key(x) == key(&item)) {
        Some(slot) => *slot = item,
        None => items.push(item),
    }
}

/// Replays a journal into the state it records.
pub fn replay<'a>(entries: impl IntoIterator<Item = (&'a Stamp, &'a Event)>) -> CourseState {
    let mut state = CourseState::default();
    for (stamp, event) in entries {
        state.apply(stamp, event);
    }
    state
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_as_tagged_json() {
        let e = Event::DatesSet { dates: [("ophold_start".to_string(), jiff::civil::date(2027, 3, 1))].into(), reason: None };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"type":"dates_set","dates":{"ophold_start":"2027-03-01"}}"#);
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
    }

    #[test]
    fn joining_twice_keeps_one_membership() {
        let s = Stamp { at: Timestamp::UNIX_EPOCH, by: PersonId(1) };
        let j = Event::PersonJoined { person: PersonId(2), role: "kontaktperson".into(), custody: None, born: None };
        let state = replay([(&s, &j), (&s, &j)]);
        assert_eq!(state.members.len(), 1);
        let l = Event::PersonLeft { person: PersonId(2), role: "kontaktperson".into(), because: None };
        let state = replay([(&s, &j), (&s, &l)]);
        assert!(state.members.is_empty());
    }
}
