//! Collaboration models (samarbejdsmodeller) as data: parsing and validation of model files.
//!
//! The code knows generic concepts (parties, roles, dates, decisions, fields, tasks); a model file
//! names them. `Model::parse` rejects any reference to something the model does not define.

use indexmap::IndexMap;

use serde::{Deserialize, Serialize};

use crate::span::DateRule;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub id: String,
    /// The version this text is stored as in the instance (set by the catalogue of models;
    /// a file read on its own is version 1). Not part of the file.
    #[serde(skip, default = "first_version")]
    pub version: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The party whose staff open new courses.
    pub opened_by: String,
    /// What is entered when a course is opened.
    #[serde(default)]
    pub opening: Opening,
    pub parties: IndexMap<String, Party>,
    pub roles: IndexMap<String, Role>,
    #[serde(default)]
    pub dates: IndexMap<String, DateDef>,
    #[serde(default)]
    pub decisions: IndexMap<String, DecisionDef>,
    #[serde(default)]
    pub fields: IndexMap<String, FieldDef>,
    #[serde(default)]
    pub tasks: Vec<TaskDef>,
    #[serde(default)]
    pub notices: Vec<NoticeDef>,
    #[serde(default)]
    pub changes: IndexMap<String, ChangeDef>,
    #[serde(default)]
    pub documents: IndexMap<String, DocumentDef>,
    #[serde(default)]
    pub letters: Vec<LetterDef>,
    /// How the family's consent opens the course to others (departments, outside parties).
    pub consent: Option<ConsentDef>,
    /// The phases of the process, in order.
    #[serde(default)]
    pub phases: IndexMap<String, crate::meetings::PhaseDef>,
    #[serde(default)]
    pub meeting_types: IndexMap<String, crate::meetings::MeetingType>,
    #[serde(default)]
    pub checklists: IndexMap<String, crate::meetings::ChecklistDef>,
    #[serde(default)]
    pub cadences: Vec<crate::meetings::CadenceDef>,
    /// The holistic family plan, if the model keeps one.
    pub plan: Option<crate::family_plan::PlanDef>,
    #[serde(default)]
    pub indicators: IndexMap<String, crate::family_plan::IndicatorDef>,
    /// From this age a child of the course has their own page (Barnets Lov: party status from 10).
    #[serde(default = "child_page_age")]
    pub child_page_age: i16,
    /// The staff roles that run a course: they correct its family members, close and reopen it.
    #[serde(default)]
    pub coordinators: Vec<String>,
    /// Why a course is closed; a model without it has no closing.
    pub closing: Option<ClosingDef>,
    /// The dates an administrator enters to preview the model's timeline (default: the
    /// opening dates), e.g. the stay's end, from which the follow-up day and its tasks follow.
    #[serde(default)]
    pub preview: Vec<String>,
    /// Support requests from the family to the course's fixed contact (`[requests]`).
    pub requests: Option<crate::requests::RequestsDef>,
    /// Respite for the course's child on a party's offers (`[respite]`).
    pub respite: Option<crate::respite::RespiteDef>,
    /// Activities an organisation plans across its courses (`[activities.<kind>]`).
    #[serde(default)]
    pub activities: IndexMap<String, ActivityDef>,
}

fn first_version() -> u32 {
    1
}

/// The model's `[activities.<kind>]` (core's `activities`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityDef {
    pub label: String,
    /// What it is for: shown on the page and in the invitation.
    #[serde(default)]
    pub purpose: String,
    /// The party whose organisation plans it (e.g. the institution).
    pub organised_by: String,
    /// The roles invited: their holders in the courses of the model the organiser took part in.
    /// A role of the organisation (e.g. the municipality's tovholder): those holding it in the
    /// organisation that fills its party in such a course.
    pub invite: Vec<String>,
    /// How far back a course counts: still open, or closed within this long (default a year).
    #[serde(default = "a_year")]
    pub looks_back: crate::span::Span,
}

fn a_year() -> crate::span::Span {
    crate::span::Span::Months(12)
}

/// Closing a course (by the model's `coordinators`): the reasons to choose from.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClosingDef {
    /// Reason id → label ("afsluttet" = "Forløbet er afsluttet").
    pub reasons: IndexMap<String, String>,
}

fn child_page_age() -> i16 {
    10
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Givers {
    /// One parent with custody is enough.
    One,
    /// Every parent with custody must consent.
    All,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentDef {
    /// Staff roles that record, sign and revoke consents.
    pub recorded_by: Vec<String>,
    /// Family roles whose members give consent (those with custody).
    pub giver_roles: Vec<String>,
    /// Family roles the consent is about (the children).
    pub about_roles: Vec<String>,
    pub givers: Givers,
    /// The kinds of information a consent can cover; `read` is what opens the course itself.
    pub kinds: IndexMap<String, String>,
    /// The kind needed to see the course at all.
    pub read_kind: String,
    /// The kind needed to read documents (those sent to the recipient).
    pub documents_kind: Option<String>,
    /// The kind needed to take part in the course's messages (a reader by consent).
    pub messages_kind: Option<String>,
    /// Kinds a youth of 15 or more must also sign for.
    #[serde(default)]
    pub youth_signs_for: Vec<String>,
    /// Departments (areas) of the party's organisation that can be named as recipients.
    pub department_party: Option<String>,
    #[serde(default)]
    pub departments: Vec<String>,
    /// Kinds of organisation that can be named as outside parties.
    #[serde(default)]
    pub outside_kinds: Vec<String>,
    /// The purpose printed on the form unless staff write another.
    pub purpose: String,
}

/// A change that takes effect only when every listed party has agreed (e.g. a postponement).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeDef {
    pub label: String,
    pub proposed_by: Vec<String>,
    /// The dates the change may move.
    pub dates: Vec<String>,
    pub agree: Vec<AgreeDef>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AgreeDef {
    pub id: String,
    pub label: String,
    /// The roles that record this party's answer.
    pub by: Vec<String>,
    /// Recorded on someone's behalf (the family): staff must say how and when they agreed.
    #[serde(default)]
    pub on_behalf: bool,
}

/// A kind of document in a course.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentDef {
    pub label: String,
    /// Roles that may write or upload it (empty: only made by a letter rule).
    #[serde(default)]
    pub written_by: Vec<String>,
    /// Roles it may be sent to by its authors.
    #[serde(default)]
    pub send_to: Vec<String>,
    /// Roles a recipient may forward it to.
    #[serde(default)]
    pub forward_to: Vec<String>,
    /// Documents of this kind may be shown on the family's pages, when their author chooses to.
    #[serde(default)]
    pub family: bool,
}

/// A document the system writes when `when` first holds (once per kind), from a template with
/// placeholders `{date.ID}`, `{role.ID}` (the course-role holders' names), `{field.ID}`,
/// `{decision.ID}` (the answer's label) and `{title}` (the course's title).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LetterDef {
    pub document: String,
    pub title: String,
    pub when: Condition,
    pub to: Vec<String>,
    pub text: String,
}

/// An e-mail notice: fixed text (no personal data) sent to the holders of `to` roles when
/// `when` first holds.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeDef {
    pub id: String,
    pub when: Condition,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// Add a link to the course (for staff; citizens have no login).
    #[serde(default)]
    pub link: bool,
}

/// Something that holds or not in a course's state.
#[derive(Clone, Debug, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The date is set.
    pub date: Option<String>,
    /// Someone holds the role.
    pub role: Option<String>,
    /// The field is filled in.
    pub field: Option<String>,
    /// Documents of these kinds have been sent or forwarded to a holder of `to_role`.
    #[serde(default)]
    pub documents: Vec<String>,
    pub to_role: Option<String>,
    pub decision: Option<String>,
    /// With `decision`: it has this answer.
    pub is: Option<String>,
}

impl Condition {
    /// Whether every part given holds in `state`.
    pub fn holds(&self, state: &crate::course::CourseState) -> bool {
        self.date.as_ref().is_none_or(|d| state.dates.contains_key(d))
            && self.role.as_ref().is_none_or(|r| state.holders(r).next().is_some())
            && self.field.as_ref().is_none_or(|f| state.fields.get(f).is_some_and(|v| !v.value.trim().is_empty()))
            && self.documents.iter().all(|kind| state.documents.iter().any(|d| d.meta.kind == *kind && self.to_role.as_ref().is_none_or(|r| d.sent_to_role(r))))
            && match (&self.decision, &self.is) {
                (Some(d), Some(is)) => state.decision(d) == Some(is.as_str()),
                _ => true,
            }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    #[serde(default)]
    pub dates: Vec<String>,
    #[serde(default)]
    pub decisions: Vec<String>,
}

/// How family members in a citizen role are entered when a course is opened.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Register {
    pub count: usize,
    #[serde(default)]
    pub required: usize,
    /// Ask for the CPR number.
    #[serde(default)]
    pub cpr: bool,
    /// Ask for an e-mail address (for notices).
    #[serde(default)]
    pub email: bool,
    /// Ask whether they have custody (forældremyndighed), for consent.
    #[serde(default)]
    pub custody: bool,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub label: String,
    /// The kind of organisation that can fill this party (e.g. "kommune").
    pub org_kind: String,
    /// Other kinds that can fill it as well (a døgninstitution or an opholdssted).
    #[serde(default)]
    pub also_org_kinds: Vec<String>,
    /// The party takes part in the course only while this decision has this answer.
    pub shares_when: Option<DecisionIs>,
    /// Family roles that are never shown which organisation fills this party (a foster family's
    /// name and address, kept from the child's biological parents).
    #[serde(default)]
    pub hidden_from: Vec<String>,
}

impl Party {
    /// Whether an organisation of `kind` can fill this party.
    pub fn takes(&self, kind: &str) -> bool {
        self.org_kind == kind || self.also_org_kinds.iter().any(|k| k == kind)
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DecisionIs {
    pub decision: String,
    pub is: String,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// A standing role of a staff member in their own organisation.
    Organisation,
    /// A role a staff member is appointed to in one course.
    Course,
    /// A member of the family.
    Citizen,
}

/// What a person may do on a course. The access policy checks these.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Read,
    OpenCourse,
    SetDates,
    Appoint,
    Decide,
    CompleteTask,
    RecordField,
    ProposeChange,
    AnswerChange,
    AddDocument,
    SendDocument,
    RecordConsent,
    /// Plan meetings, send invitations, write minutes, record agreements and the network.
    PlanMeeting,
    /// Record goals, indicators, interventions and each person's status.
    RecordPlan,
    /// Issue a new version of the family plan and send it.
    IssuePlan,
    /// Move the course to another phase.
    SetPhase,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::Read,
        Action::OpenCourse,
        Action::SetDates,
        Action::Appoint,
        Action::Decide,
        Action::CompleteTask,
        Action::RecordField,
        Action::ProposeChange,
        Action::AnswerChange,
        Action::AddDocument,
        Action::SendDocument,
        Action::RecordConsent,
        Action::PlanMeeting,
        Action::RecordPlan,
        Action::IssuePlan,
        Action::SetPhase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::OpenCourse => "open_course",
            Action::SetDates => "set_dates",
            Action::Appoint => "appoint",
            Action::Decide => "decide",
            Action::CompleteTask => "complete_task",
            Action::RecordField => "record_field",
            Action::ProposeChange => "propose_change",
            Action::AnswerChange => "answer_change",
            Action::AddDocument => "add_document",
            Action::SendDocument => "send_document",
            Action::RecordConsent => "record_consent",
            Action::PlanMeeting => "plan_meeting",
            Action::RecordPlan => "record_plan",
            Action::IssuePlan => "issue_plan",
            Action::SetPhase => "set_phase",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub label: String,
    pub party: Option<String>,
    pub scope: Scope,
    #[serde(default)]
    pub appointed_by: Vec<String>,
    /// Until someone holds this course role, its tasks go to holders of this role.
    pub stands_in: Option<String>,
    /// Course roles: the standing (organisation) roles whose holders may be appointed to it;
    /// empty: anyone on the party's staff.
    #[serde(default)]
    pub held_by: Vec<String>,
    #[serde(default)]
    pub may: Vec<Action>,
    /// For citizen roles: entered at opening.
    /// A permanent change of holder asks for a hand-over note, which the next holder reads
    /// first (e.g. a kontaktperson going on leave or moving on).
    #[serde(default)]
    pub handover: bool,
    pub register: Option<Register>,
}

impl Role {
    /// Whether a staff member with these standing roles may be appointed to this course role.
    pub fn may_be_held_by(&self, org_roles: &[String]) -> bool {
        self.held_by.is_empty() || self.held_by.iter().any(|h| org_roles.contains(h))
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DateDef {
    pub label: String,
    #[serde(default)]
    pub set_by: Vec<String>,
    /// Accepted only inside this window.
    pub window: Option<DateRule>,
    /// Proposed from another date when not entered.
    pub suggest: Option<DateRule>,
    /// Must fall on a weekday that is not a Danish public holiday.
    #[serde(default)]
    pub working_day: bool,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionDef {
    pub label: String,
    #[serde(default)]
    pub decided_by: Vec<String>,
    pub options: IndexMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub label: String,
    #[serde(default)]
    pub hint: String,
    #[serde(default)]
    pub recorded_by: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDef {
    pub id: String,
    pub label: String,
    pub owner: Vec<String>,
    pub due: DateRule,
    /// The task exists only while this holds (or once it is completed).
    pub when: Option<Condition>,
    /// All the given conditions together mark the task done without anyone completing it.
    pub done_when: Option<Condition>,
    #[serde(default)]
    pub outcomes: IndexMap<String, String>,
    #[serde(default)]
    pub on_outcome: IndexMap<String, SetDecision>,
    /// What completing it means, in one line, where the words made from `done_when` are not
    /// enough (e.g. that Tovholder does not send the letter itself).
    pub how: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetDecision {
    pub decision: String,
    pub set: String,
}

/// One problem in a model file: where (a dotted path into the file) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.field, self.message) }
    }
}

impl Model {
    /// Parses and validates a model file's text; all problems found are returned together.
    pub fn parse(text: &str) -> Result<Model, Vec<ModelError>> {
        let model: Model = toml::from_str(text).map_err(|e| {
            let message = format!("Filen kan ikke læses: {}", e.message());
            let field = match e.span() {
                Some(span) => line_of(text, span.start),
                None => String::new(),
            };
            vec![ModelError { field, message }]
        })?;
        let errors = model.validate();
        if errors.is_empty() { Ok(model) } else { Err(errors) }
    }

    fn validate(&self) -> Vec<ModelError> {
        let mut v = Validator::default();
        if !is_id(&self.id) {
            v.err("id", format!("'{}' må kun indeholde små bogstaver (a–z), cifre og _", self.id));
        }
        v.party(self, "opened_by", &self.opened_by);
        let can_open = self.roles.values().any(|r| r.scope == Scope::Organisation && r.party.as_deref() == Some(self.opened_by.as_str()) && r.may.contains(&Action::OpenCourse));
        if !can_open {
            v.err("opened_by", format!("ingen organisationsrolle hos parten '{}' har `open_course` i `may`, så ingen kan oprette forløb", self.opened_by));
        }
        for (i, d) in self.opening.dates.iter().enumerate() {
            v.date(self, &format!("opening.dates[{i}]"), d);
        }
        for (i, d) in self.opening.decisions.iter().enumerate() {
            if !self.decisions.contains_key(d) {
                v.err(&format!("opening.decisions[{i}]"), format!("henviser til beslutningen '{d}', som modellen ikke definerer under [decisions]"));
            }
        }
        for (id, p) in &self.parties {
            if let Some(s) = &p.shares_when {
                v.decision_is(self, &format!("parties.{id}.shares_when"), s);
            }
            for (i, r) in p.hidden_from.iter().enumerate() {
                v.citizen_role(self, &format!("parties.{id}.hidden_from[{i}]"), r);
            }
        }
        for (id, r) in &self.roles {
            let at = format!("roles.{id}");
            match (&r.party, r.scope) {
                (Some(p), Scope::Organisation | Scope::Course) => v.party(self, &format!("{at}.party"), p),
                (None, Scope::Organisation | Scope::Course) => v.err(&format!("{at}.party"), "en medarbejderrolle skal angive sin part i `party`".into()),
                (Some(_), Scope::Citizen) => v.err(&format!("{at}.party"), "en familierolle (`citizen`) hører ikke til nogen part og må ikke have `party`".into()),
                (None, Scope::Citizen) => {}
            }
            for (i, a) in r.appointed_by.iter().enumerate() {
                v.staff_role(self, &format!("{at}.appointed_by[{i}]"), a);
            }
            if r.scope == Scope::Course && r.appointed_by.is_empty() {
                v.err(&format!("{at}.appointed_by"), "ingen vil nogensinde kunne udpeges til denne forløbsrolle, fordi `appointed_by` er tom".into());
            }
            if r.scope != Scope::Course && (!r.appointed_by.is_empty() || r.stands_in.is_some() || !r.held_by.is_empty()) {
                v.err(&at, "kun en forløbsrolle (`course`) kan have `appointed_by`, `stands_in` eller `held_by`".into());
            }
            for (i, h) in r.held_by.iter().enumerate() {
                match self.roles.get(h) {
                    Some(hr) if hr.scope == Scope::Organisation && hr.party == r.party => {}
                    _ => v.err(&format!("{at}.held_by[{i}]"), format!("'{h}' skal være en organisationsrolle hos samme part")),
                }
            }
            if let Some(s) = &r.stands_in {
                match self.roles.get(s) {
                    Some(sr) if sr.scope == Scope::Organisation && sr.party == r.party => {}
                    Some(_) => v.err(&format!("{at}.stands_in"), format!("'{s}' skal være en organisationsrolle hos samme part")),
                    None => v.err(&format!("{at}.stands_in"), format!("henviser til rollen '{s}', som modellen ikke definerer under [roles]")),
                }
            }
            if let Some(reg) = &r.register {
                if r.scope != Scope::Citizen {
                    v.err(&format!("{at}.register"), "kun familieroller (`citizen`) kan have `register`".into());
                }
                if reg.required > reg.count || reg.count == 0 || reg.count > 10 {
                    v.err(&format!("{at}.register"), "kræver 1 ≤ `count` ≤ 10 og `required` ≤ `count`".into());
                }
            }
            if r.scope == Scope::Citizen && !r.may.is_empty() {
                v.err(&format!("{at}.may"), "familiemedlemmer har endnu ikke login og kan derfor ikke have handlinger i `may`".into());
            }
        }
        for (id, d) in &self.dates {
            let at = format!("dates.{id}");
            for (i, r) in d.set_by.iter().enumerate() {
                v.staff_role(self, &format!("{at}.set_by[{i}]"), r);
            }
            for (name, rule) in [("window", &d.window), ("suggest", &d.suggest)] {
                if let Some(rule) = rule {
                    v.date(self, &format!("{at}.{name}.{}", side_key(rule)), &rule.anchor);
                    if rule.anchor == *id {
                        v.err(&format!("{at}.{name}"), "en dato kan ikke regnes ud fra sig selv: `after`/`before` skal pege på en anden dato".into());
                    }
                }
            }
        }
        for (id, d) in &self.decisions {
            if d.options.is_empty() {
                v.err(&format!("decisions.{id}.options"), "en beslutning skal have mindst én svarmulighed".into());
            }
            for (i, r) in d.decided_by.iter().enumerate() {
                v.staff_role(self, &format!("decisions.{id}.decided_by[{i}]"), r);
            }
        }
        for (id, f) in &self.fields {
            for (i, r) in f.recorded_by.iter().enumerate() {
                v.staff_role(self, &format!("fields.{id}.recorded_by[{i}]"), r);
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, t) in self.tasks.iter().enumerate() {
            let at = format!("tasks[{i}]");
            if !seen.insert(&t.id) {
                v.err(&format!("{at}.id"), format!("id'et '{}' bruges af mere end én opgave", t.id));
            }
            if t.owner.is_empty() {
                v.err(&format!("{at}.owner"), "en opgave skal have mindst én rolle i `owner`".into());
            }
            for (j, o) in t.owner.iter().enumerate() {
                v.staff_role(self, &format!("{at}.owner[{j}]"), o);
            }
            v.date(self, &format!("{at}.due.{}", side_key(&t.due)), &t.due.anchor);
            if let Some(w) = &t.when {
                v.condition(self, &format!("{at}.when"), w);
            }
            if let Some(d) = &t.done_when {
                v.condition(self, &format!("{at}.done_when"), d);
            }
            if t.done_when.is_none() && t.outcomes.is_empty() {
                v.err(&at, "en opgave skal have `done_when` eller `outcomes`, ellers kan den aldrig blive udført".into());
            }
            for (outcome, set) in &t.on_outcome {
                if !t.outcomes.contains_key(outcome) {
                    v.err(&format!("{at}.on_outcome.{outcome}"), format!("udfaldet '{outcome}' findes ikke i opgavens `outcomes`"));
                }
                let is = DecisionIs { decision: set.decision.clone(), is: set.set.clone() };
                v.decision_is(self, &format!("{at}.on_outcome.{outcome}"), &is);
            }
        }
        let mut notice_ids = std::collections::BTreeSet::new();
        for (i, n) in self.notices.iter().enumerate() {
            let at = format!("notices[{i}]");
            if !notice_ids.insert(&n.id) {
                v.err(&format!("{at}.id"), format!("id'et '{}' bruges af mere end én e-mailbesked (`[[notices]]`)", n.id));
            }
            v.condition(self, &format!("{at}.when"), &n.when);
            if n.to.is_empty() {
                v.err(&format!("{at}.to"), "en e-mailbesked skal have mindst én modtagerrolle i `to`".into());
            }
            for (j, r) in n.to.iter().enumerate() {
                if !self.roles.contains_key(r) {
                    v.err(&format!("{at}.to[{j}]"), format!("henviser til rollen '{r}', som modellen ikke definerer under [roles]"));
                }
            }
            for (name, text) in [("subject", &n.subject), ("body", &n.body)] {
                if text.contains('{') || crate::cpr::contains_cpr(text) {
                    v.err(&format!("{at}.{name}"), "teksten i en e-mailbesked er fast: ingen pladsholdere (`{`) og ingen personoplysninger, fx CPR-numre".into());
                }
            }
        }
        for (id, c) in &self.changes {
            let at = format!("changes.{id}");
            for (i, r) in c.proposed_by.iter().enumerate() {
                v.staff_role(self, &format!("{at}.proposed_by[{i}]"), r);
            }
            for (i, d) in c.dates.iter().enumerate() {
                v.date(self, &format!("{at}.dates[{i}]"), d);
            }
            if c.agree.is_empty() {
                v.err(&format!("{at}.agree"), "en ændring skal have mindst én godkender i `agree`".into());
            }
            let mut agree_ids = std::collections::BTreeSet::new();
            for (i, a) in c.agree.iter().enumerate() {
                if !agree_ids.insert(&a.id) {
                    v.err(&format!("{at}.agree[{i}].id"), format!("'{}' står mere end én gang i `agree`", a.id));
                }
                for (j, r) in a.by.iter().enumerate() {
                    v.staff_role(self, &format!("{at}.agree[{i}].by[{j}]"), r);
                }
            }
        }
        for (id, d) in &self.documents {
            let at = format!("documents.{id}");
            for (name, roles) in [("written_by", &d.written_by), ("send_to", &d.send_to), ("forward_to", &d.forward_to)] {
                for (i, r) in roles.iter().enumerate() {
                    v.staff_role(self, &format!("{at}.{name}[{i}]"), r);
                }
            }
        }
        for (i, r) in self.coordinators.iter().enumerate() {
            v.staff_role(self, &format!("coordinators[{i}]"), r);
        }
        for (i, d) in self.preview.iter().enumerate() {
            v.date(self, &format!("preview[{i}]"), d);
        }
        if let Some(c) = &self.closing
            && (self.coordinators.is_empty() || c.reasons.is_empty())
        {
            v.err("closing", "[closing] kræver `coordinators` (de roller, der lukker forløb) og mindst én årsag i `reasons`".to_string());
        }
        if let Some(c) = &self.consent {
            for (i, r) in c.recorded_by.iter().enumerate() {
                v.staff_role(self, &format!("consent.recorded_by[{i}]"), r);
            }
            for (name, roles) in [("giver_roles", &c.giver_roles), ("about_roles", &c.about_roles)] {
                for (i, r) in roles.iter().enumerate() {
                    v.citizen_role(self, &format!("consent.{name}[{i}]"), r);
                }
            }
            for (name, kind) in [("read_kind", Some(&c.read_kind)), ("documents_kind", c.documents_kind.as_ref()), ("messages_kind", c.messages_kind.as_ref())] {
                if let Some(k) = kind
                    && !c.kinds.contains_key(k)
                {
                    v.err(&format!("consent.{name}"), format!("'{k}' findes ikke i `consent.kinds`"));
                }
            }
            for (i, k) in c.youth_signs_for.iter().enumerate() {
                if !c.kinds.contains_key(k) {
                    v.err(&format!("consent.youth_signs_for[{i}]"), format!("'{k}' findes ikke i `consent.kinds`"));
                }
            }
            if let Some(p) = &c.department_party {
                v.party(self, "consent.department_party", p);
            }
        }
        for (i, l) in self.letters.iter().enumerate() {
            let at = format!("letters[{i}]");
            if !self.documents.contains_key(&l.document) {
                v.err(&format!("{at}.document"), format!("henviser til dokumenttypen '{}', som modellen ikke definerer under [documents]", l.document));
            }
            v.condition(self, &format!("{at}.when"), &l.when);
            for (j, r) in l.to.iter().enumerate() {
                v.staff_role(self, &format!("{at}.to[{j}]"), r);
            }
            for placeholder in placeholders(&l.text) {
                let known = match placeholder.split_once('.') {
                    Some(("date", d)) => self.dates.contains_key(d),
                    Some(("role", r)) => self.roles.contains_key(r),
                    Some(("field", f)) => self.fields.contains_key(f),
                    Some(("decision", d)) => self.decisions.contains_key(d),
                    _ => placeholder == "title",
                };
                if !known {
                    v.err(&format!("{at}.text"), format!("pladsholderen {{{placeholder}}} er ukendt eller henviser til noget, som modellen ikke definerer"));
                }
            }
        }
        self.validate_meetings(&mut v);
        self.validate_requests(&mut v);
        self.validate_activities(&mut v);
        self.validate_handovers(&mut v);
        v.errors
    }

    fn validate_handovers(&self, v: &mut Validator) {
        for (id, r) in self.roles.iter().filter(|(_, r)| r.handover && r.scope != Scope::Course) {
            let _ = r;
            v.err(&format!("roles.{id}.handover"), "en overdragelse hører til en rolle, man udpeges til i forløbet (`scope = \"course\"`)".into());
        }
    }

    fn validate_activities(&self, v: &mut Validator) {
        for (id, a) in &self.activities {
            let at = format!("activities.{id}");
            v.party(self, &format!("{at}.organised_by"), &a.organised_by);
            if a.invite.is_empty() {
                v.err(&format!("{at}.invite"), "skal have mindst én rolle".into());
            }
            for (i, role) in a.invite.iter().enumerate() {
                match self.roles.get(role) {
                    Some(r) if r.scope == Scope::Organisation && r.party.is_none() => {
                        v.err(&format!("{at}.invite[{i}]"), format!("'{role}' er en organisationsrolle uden part; angiv `party`, så modellen ved, hvilken organisation der inviteres fra"))
                    }
                    Some(_) => {}
                    None => v.err(&format!("{at}.invite[{i}]"), format!("henviser til rollen '{role}', som modellen ikke definerer under [roles]")),
                }
            }
        }
    }

    fn validate_requests(&self, v: &mut Validator) {
        if let Some(r) = &self.respite {
            v.party(self, "respite.party", &r.party);
            v.citizen_role(self, "respite.child", &r.child);
            for (i, role) in r.booked_by.iter().enumerate() {
                v.staff_role(self, &format!("respite.booked_by[{i}]"), role);
            }
            if r.booked_by.is_empty() {
                v.err("respite.booked_by", "skal have mindst én".into());
            }
        }
        let Some(r) = &self.requests else { return };
        for (i, role) in r.made_by.iter().enumerate() {
            v.citizen_role(self, &format!("requests.made_by[{i}]"), role);
        }
        for (i, role) in r.answered_by.iter().enumerate() {
            v.staff_role(self, &format!("requests.answered_by[{i}]"), role);
        }
        for (name, empty) in [("made_by", r.made_by.is_empty()), ("answered_by", r.answered_by.is_empty()), ("topics", r.topics.is_empty()), ("urgencies", r.urgencies.is_empty())] {
            if empty {
                v.err(&format!("requests.{name}"), "skal have mindst én".into());
            }
        }
        if let Some(p) = &r.duty_party {
            v.party(self, "requests.duty_party", p);
        }
        for (id, u) in &r.urgencies {
            if u.acute && r.duty_party.is_none() {
                v.err(&format!("requests.urgencies.{id}.acute"), "en akut henvendelse kræver `duty_party`: den part, hvis beredskab tager imod".into());
            }
        }
    }

    fn validate_meetings(&self, v: &mut Validator) {
        for (id, t) in &self.meeting_types {
            let at = format!("meeting_types.{id}");
            if t.minutes == 0 || t.minutes > 24 * 60 {
                v.err(&format!("{at}.minutes"), "et møde skal vare mellem 1 minut og et døgn (1–1440 minutter)".into());
            }
            if let Some(c) = &t.checklist
                && !self.checklists.contains_key(c)
            {
                v.err(&format!("{at}.checklist"), format!("henviser til tjeklisten '{c}', som modellen ikke definerer under [checklists]"));
            }
            if t.plan_within.is_some() && self.plan.is_none() {
                v.err(&format!("{at}.plan_within"), "`plan_within` kræver en familieplan, men modellen har ingen [plan]".into());
            }
            if let Some(p) = &t.preparation
                && (p.questions.is_empty() || p.questions.len() > 10)
            {
                v.err(&format!("{at}.preparation.questions"), "der skal være mellem 1 og 10 spørgsmål".into());
            }
        }
        for (i, c) in self.cadences.iter().enumerate() {
            let at = format!("cadences[{i}]");
            for (j, m) in c.meetings.iter().enumerate() {
                if !self.meeting_types.contains_key(m) {
                    v.err(&format!("{at}.meetings[{j}]"), format!("henviser til mødetypen '{m}', som modellen ikke definerer under [meeting_types]"));
                }
            }
            if let Some(d) = &c.start {
                v.date(self, &format!("{at}.start"), d);
            }
            for (j, o) in c.owner.iter().enumerate() {
                v.staff_role(self, &format!("{at}.owner[{j}]"), o);
            }
            if c.owner.is_empty() {
                v.err(&format!("{at}.owner"), "en mødekadence (`[[cadences]]`) skal have mindst én rolle i `owner`".into());
            }
        }
        if let Some(p) = &self.plan {
            if !self.documents.contains_key(&p.document) {
                v.err("plan.document", format!("henviser til dokumenttypen '{}', som modellen ikke definerer under [documents]", p.document));
            }
            for (name, roles) in [("issued_by", &p.issued_by), ("follow_up_by", &p.follow_up_by)] {
                for (i, r) in roles.iter().enumerate() {
                    v.staff_role(self, &format!("plan.{name}[{i}]"), r);
                }
                if roles.is_empty() {
                    v.err(&format!("plan.{name}"), "skal have mindst én rolle".into());
                }
            }
        }
        for (id, ind) in &self.indicators {
            if let (Some(a), Some(b)) = (ind.min, ind.max)
                && a >= b
            {
                v.err(&format!("indicators.{id}"), "`min` skal være mindre end `max`".into());
            }
        }
    }

    /// The dates to enter for a preview of the timeline.
    pub fn preview_dates(&self) -> &[String] {
        if self.preview.is_empty() { &self.opening.dates } else { &self.preview }
    }

    /// Whether `id` comes before `other` in the model file (the order of the process).
    pub fn date_order(&self, id: &str) -> usize {
        self.dates.get_index_of(id).unwrap_or(usize::MAX)
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.get(id)
    }

    pub fn role_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.roles.get(id).map_or(id, |r| r.label.as_str())
    }

    pub fn date_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.dates.get(id).map_or(id, |d| d.label.as_str())
    }

    pub fn task(&self, id: &str) -> Option<&TaskDef> {
        self.tasks.iter().find(|t| t.id == id)
    }
}

fn side_key(r: &DateRule) -> &'static str {
    match r.side {
        crate::span::Side::Before => "before",
        crate::span::Side::After => "after",
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// "linje 12" for a byte offset, so a TOML syntax error points into the file.
fn line_of(text: &str, offset: usize) -> String {
    let line = text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1;
    format!("linje {line}")
}

#[derive(Default)]
struct Validator {
    errors: Vec<ModelError>,
}

impl Validator {
    fn err(&mut self, field: &str, message: String) {
        self.errors.push(ModelError { field: field.to_string(), message });
    }
    fn party(&mut self, m: &Model, at: &str, id: &str) {
        if !m.parties.contains_key(id) {
            self.err(at, format!("henviser til parten '{id}', som modellen ikke definerer under [parties]"));
        }
    }
    fn date(&mut self, m: &Model, at: &str, id: &str) {
        if !m.dates.contains_key(id) {
            self.err(at, format!("henviser til datoen '{id}', som modellen ikke definerer under [dates]"));
        }
    }
    fn citizen_role(&mut self, m: &Model, at: &str, id: &str) {
        if m.roles.get(id).map(|r| r.scope) != Some(Scope::Citizen) {
            self.err(at, format!("'{id}' skal være en familierolle (`citizen`)"));
        }
    }
    fn staff_role(&mut self, m: &Model, at: &str, id: &str) {
        match m.roles.get(id) {
            Some(r) if r.scope != Scope::Citizen => {}
            Some(_) => self.err(at, format!("'{id}' er en familierolle (`citizen`); her skal det være en medarbejderrolle (`organisation` eller `course`)")),
            None => self.err(at, format!("henviser til rollen '{id}', som modellen ikke definerer under [roles]")),
        }
    }
    fn condition(&mut self, m: &Model, at: &str, c: &Condition) {
        for (i, d) in c.documents.iter().enumerate() {
            if !m.documents.contains_key(d) {
                self.err(&format!("{at}.documents[{i}]"), format!("henviser til dokumenttypen '{d}', som modellen ikke definerer under [documents]"));
            }
        }
        if let Some(r) = &c.to_role
            && !m.roles.contains_key(r)
        {
            self.err(&format!("{at}.to_role"), format!("henviser til rollen '{r}', som modellen ikke definerer under [roles]"));
        }
        if c.to_role.is_some() && c.documents.is_empty() {
            self.err(&format!("{at}.to_role"), "`to_role` kan kun bruges sammen med `documents`".into());
        }
        if c.date.is_none() && c.role.is_none() && c.field.is_none() && c.decision.is_none() && c.documents.is_empty() {
            self.err(at, "en betingelse skal have mindst én af `date`, `role`, `field`, `decision` eller `documents`".into());
        }
        if let Some(d) = &c.date {
            self.date(m, &format!("{at}.date"), d);
        }
        if let Some(r) = &c.role
            && !m.roles.contains_key(r)
        {
            self.err(&format!("{at}.role"), format!("henviser til rollen '{r}', som modellen ikke definerer under [roles]"));
        }
        if let Some(f) = &c.field
            && !m.fields.contains_key(f)
        {
            self.err(&format!("{at}.field"), format!("henviser til feltet '{f}', som modellen ikke definerer under [fields]"));
        }
        match (&c.decision, &c.is) {
            (Some(d), Some(is)) => self.decision_is(m, at, &DecisionIs { decision: d.clone(), is: is.clone() }),
            (None, None) => {}
            _ => self.err(at, "`decision` og `is` skal angives sammen".into()),
        }
    }

    fn decision_is(&mut self, m: &Model, at: &str, d: &DecisionIs) {
        match m.decisions.get(&d.decision) {
            Some(def) if def.options.contains_key(&d.is) => {}
            Some(_) => self.err(at, format!("beslutningen '{}' har ikke svarmuligheden '{}' i `options`", d.decision, d.is)),
            None => self.err(at, format!("henviser til beslutningen '{}', som modellen ikke definerer under [decisions]", d.decision)),
        }
    }
}

/// The placeholders in a template, without braces.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else { break };
        out.push(&rest[start + 1..start + end]);
        rest = &rest[start + end + 1..];
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    pub(crate) const JMH: &str = include_str!("../../../models/julemaerkehjem.toml");

    #[test]
    fn shipped_model_is_valid() {
        let m = Model::parse(JMH).unwrap();
        for id in ["forbesoeg", "infodag", "ophold_start", "ophold_slut", "foraeldredag", "opfoelgningsdag", "slutsamtale"] {
            assert!(m.dates.contains_key(id), "{id}");
        }
    }

    #[test]
    fn dates_keep_the_order_of_the_file() {
        let m = Model::parse(JMH).unwrap();
        let ids: Vec<&str> = m.dates.keys().map(String::as_str).collect();
        assert_eq!(ids[..4], ["ansoegning", "tilsagn", "indkaldelse", "forbesoeg"]);
    }

    #[test]
    fn names_the_field_of_a_dangling_date() {
        let bad = JMH.replace(r#"due = { after = "opfoelgningsdag", within = "1w" }"#, r#"due = { after = "opfolgning", within = "1w" }"#);
        let errs = Model::parse(&bad).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].field, "tasks[6].due.after");
        assert!(errs[0].message.contains("'opfolgning'"), "{}", errs[0].message);
    }

    #[test]
    fn reports_unknown_roles_options_and_keys() {
        let bad =
            JMH.replace(r#"owner = ["tovholder"]"#, r#"owner = ["borgmester"]"#).replace(r#"when = { decision = "samarbejde", is = "nej" }"#, r#"when = { decision = "samarbejde", is = "maaske" }"#);
        let errs = Model::parse(&bad).unwrap_err();
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(text.iter().any(|e| e.contains("owner[0]: henviser til rollen 'borgmester', som modellen ikke definerer under [roles]")), "{text:?}");
        assert!(text.iter().any(|e| e.contains("har ikke svarmuligheden 'maaske'")), "{text:?}");

        let errs = Model::parse(&format!("{JMH}\nfarve = \"rød\"\n")).unwrap_err();
        assert!(errs[0].message.contains("farve"), "{errs:?}");
        assert!(errs[0].message.starts_with("Filen kan ikke læses: "), "{errs:?}");
        assert!(errs[0].field.starts_with("linje "), "{errs:?}");
    }

    #[test]
    fn a_task_must_be_completable() {
        let bad = JMH.replace(r#"outcomes = { kontakt_holdt = "Kontakt holdt", ikke_noedvendigt = "Ikke nødvendigt" }"#, "");
        let errs = Model::parse(&bad).expect_err("a task that can never be done");
        assert_eq!(errs[0].field, "tasks[6]");
    }
}
