//! What pages and the API show, built from projections: plain data with Danish labels, shared
//! by the HTML templates and the JSON answers so both say the same.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;
use tovholder_core::calendar::{format_date_da, format_datetime_da, format_timestamp_da};
use tovholder_core::course::{ChangeStatus, CourseState, Event};
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::meetings::Who;
use tovholder_core::model::{Model, Scope};
use tovholder_core::policy::Actor;
use tovholder_core::tasks::{self, Owner, Status};
use tovholder_store::{JournalEntry, Person, Store, StoredCourse, TaskRow};

use crate::error::AppError;

pub fn date_da(d: Date) -> String {
    format_date_da(d)
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct TaskView {
    pub course: CourseId,
    pub course_title: String,
    pub task: String,
    pub label: String,
    pub due_from: Date,
    pub due_to: Date,
    pub due_da: String,
    pub status: Status,
    pub status_da: &'static str,
    /// "Din opgave" or the role it is held for, e.g. "som tovholder".
    pub owner_da: String,
    pub step: TaskStep,
}

/// A course's display title: the child's (or first family member's) name.
pub fn course_title(model: &Model, state: &CourseState, people: &HashMap<PersonId, Person>) -> String {
    title_person(model, state).map(|p| people.get(&p).map_or("(ukendt)", |p| p.name.as_str())).unwrap_or("Forløb").to_string()
}

/// The person a course is named after: its first member in a citizen role without name and
/// address protection (a title is read in many places).
fn title_person(model: &Model, state: &CourseState) -> Option<PersonId> {
    state.members.iter().find(|m| model.role(&m.role).is_some_and(|r| r.scope == Scope::Citizen) && !state.protected.contains(&m.person)).map(|m| m.person)
}

/// The people a list names its courses after (one per course), for `course_title`: a list of
/// 50 courses needs 50 names, not every member of each.
pub async fn title_people<'a>(store: &dyn Store, courses: impl Iterator<Item = (&'a Model, &'a CourseState)>) -> Result<HashMap<PersonId, Person>, AppError> {
    people_by_id(store, courses.filter_map(|(m, s)| title_person(m, s)).collect()).await
}

/// Hides the names and e-mail addresses of the course's family members with name and address
/// protection from everyone but themselves (`viewer`; None: from everyone who gets a copy, like
/// the plan). Each page that others than staff read passes its names through this first.
pub fn shield(people: &mut HashMap<PersonId, Person>, state: &CourseState, viewer: Option<PersonId>) {
    for p in state.protected.iter().filter(|p| Some(**p) != viewer) {
        if let Some(x) = people.get_mut(p) {
            x.name = crate::text::PROTECTED_NAME.into();
            x.email = None;
        }
    }
}

pub async fn people_of(store: &dyn Store, states: &[&CourseState]) -> Result<HashMap<PersonId, Person>, AppError> {
    people_by_id(store, states.iter().flat_map(|s| s.members.iter().map(|m| m.person)).collect()).await
}

async fn people_by_id(store: &dyn Store, mut ids: Vec<PersonId>) -> Result<HashMap<PersonId, Person>, AppError> {
    ids.sort();
    ids.dedup();
    Ok(store.persons(&ids).await?.into_iter().map(|p| (p.id, p)).collect())
}

pub fn task_views(rows: &[TaskRow], courses: &BTreeMap<CourseId, (StoredCourse, std::sync::Arc<Model>)>, people: &HashMap<PersonId, Person>, today: Date) -> Vec<TaskView> {
    let mut out: Vec<TaskView> = rows
        .iter()
        .filter_map(|r| {
            let (c, model) = courses.get(&r.course)?;
            let status = tasks::status_of(r.done, tovholder_core::span::Window { from: r.due_from, to: r.due_to }, today);
            let owner_da = match &r.owner {
                Owner::Person { .. } => "Din opgave".to_string(),
                Owner::OrgRole { role, .. } => format!("Som {}", model.role_label(role).to_lowercase()),
            };
            Some(TaskView {
                course: r.course,
                course_title: course_title(model, &c.state, people),
                task: r.task.clone(),
                label: r.label.clone(),
                due_from: r.due_from,
                due_to: r.due_to,
                due_da: date_da(r.due_to),
                status,
                status_da: status.label_da(),
                owner_da,
                step: task_step(model, r.course, &r.task),
            })
        })
        .collect();
    // One line per task even when the user owns it in two ways.
    out.sort_by(|a, b| (a.due_to, a.course, &a.task).cmp(&(b.due_to, b.course, &b.task)));
    out.dedup_by(|a, b| a.course == b.course && a.task == b.task);
    out
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct MemberView {
    pub person: PersonId,
    pub name: String,
    pub role: String,
    pub role_da: String,
    pub org_da: String,
    /// Masked ("DDMMYY-XXXX"); the full number is never sent to a page.
    pub cpr_masked: Option<String>,
    pub email: Option<String>,
    /// A family member (a citizen role): can be invited to the family's pages.
    pub family: bool,
    /// Has name and address protection: the family's pages and the plan hide their name.
    pub protected: bool,
    /// A parent's custody (forældremyndighed), where the model asks.
    pub custody: Option<bool>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DateView {
    pub id: String,
    pub label: String,
    pub date: Option<Date>,
    pub date_da: String,
    /// A proposal from the model when the date is not set yet.
    pub suggestion_da: Option<String>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CourseTaskView {
    pub id: String,
    pub label: String,
    pub window_da: String,
    pub due_to: Date,
    pub status: Status,
    pub status_da: &'static str,
    pub owners_da: Vec<String>,
    pub outcome_da: Option<String>,
    pub outcomes: Vec<(String, String)>,
    /// What completes the task and, unless it is completed right here, the way to that form.
    pub step: TaskStep,
}

/// What completes a task: one line, and a link straight to the form that does it (opened,
/// with its field focused), unless the task is completed by choosing an outcome in place.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct TaskStep {
    pub how: String,
    pub link: Option<TaskLink>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct TaskLink {
    pub href: String,
    pub label: String,
    /// The course page's form it opens (`form-datoer`, …, or `dokumenter`).
    pub form: String,
}

/// The step for `task` of `model` in `course`; see `TaskStep`.
pub fn task_step(model: &Model, course: CourseId, task: &str) -> TaskStep {
    let to = |form: &str, field: &str, label: String| Some(TaskLink { href: format!("/forloeb/{course}?aaben={form}&felt={field}#{field}"), label, form: form.to_string() });
    let lower = |s: &str| s.to_lowercase();
    // A role left empty by a closed login (core's vacancy tasks: `udpeg:<role>:<when>`).
    if let Some(role) = task.strip_prefix("udpeg:").and_then(|r| r.split(':').next()) {
        let label = lower(model.role_label(role));
        return TaskStep { how: format!("Løses, når en ny {label} er udpeget."), link: to("form-udpegning", &format!("role.{role}"), format!("Udpeg {label}")) };
    }
    let Some(def) = model.tasks.iter().find(|t| t.id == task) else { return TaskStep { how: String::new(), link: None } };
    let (how, link) = match def.done_when.as_ref() {
        _ if !def.outcomes.is_empty() => ("Vælg udfaldet her, når opgaven er løst.".to_string(), to("opgaver", &format!("outcome.{task}"), "Afslut opgaven".to_string())),
        Some(c) if c.role.is_some() => {
            let role = c.role.as_deref().unwrap_or_default();
            let label = lower(model.role_label(role));
            let field = c.field.as_ref().and_then(|f| model.fields.get(f)).map(|f| format!(", og «{}» er udfyldt", f.label)).unwrap_or_default();
            (format!("Løses, når {label} er udpeget{field}."), to("form-udpegning", &format!("role.{role}"), format!("Udpeg {label}")))
        }
        Some(c) if c.field.is_some() => {
            let field = c.field.as_deref().unwrap_or_default();
            let label = model.fields.get(field).map_or(field, |f| f.label.as_str());
            (format!("Løses, når «{label}» er udfyldt."), to("form-oplysninger", &format!("field.{field}"), "Udfyld oplysningen".to_string()))
        }
        Some(c) if c.decision.is_some() => {
            let decision = c.decision.as_deref().unwrap_or_default();
            let label = model.decisions.get(decision).map_or(decision, |d| d.label.as_str());
            (format!("Løses, når beslutningen «{label}» er registreret."), to("form-beslutning", "form-beslutning", "Registrér beslutningen".to_string()))
        }
        Some(c) if c.date.is_some() => {
            let date = c.date.as_deref().unwrap_or_default();
            (format!("Løses, når datoen «{}» er sat.", model.date_label(date)), to("form-datoer", &format!("date.{date}"), "Sæt datoen".to_string()))
        }
        Some(c) if !c.documents.is_empty() => {
            let kinds: Vec<&str> = c.documents.iter().map(|k| model.documents.get(k).map_or(k.as_str(), |d| d.label.as_str())).collect();
            let to_role = c.to_role.as_deref().map(|r| format!(" til {}", lower(model.role_label(r)))).unwrap_or_default();
            let how = format!("Løses, når {} er sendt{to_role}.", join_da(&kinds).to_lowercase());
            // The authors write them; anyone else forwards what is already there.
            let writes = c.documents.iter().any(|k| model.documents.get(k).is_some_and(|d| d.written_by.iter().any(|w| def.owner.contains(w))));
            let link = if writes {
                to("form-dokument", "doc.kind", "Skriv eller upload dokumentet".to_string())
            } else {
                Some(TaskLink { href: format!("/forloeb/{course}#dokumenter"), label: "Gå til dokumenterne".to_string(), form: "dokumenter".into() })
            };
            (how, link)
        }
        _ => (String::new(), None),
    };
    TaskStep { how: def.how.clone().unwrap_or(how), link }
}

/// "a", "a og b", "a, b og c".
fn join_da(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} og {last}", rest.join(", ")),
    }
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct JournalView {
    pub seq: i64,
    pub at_da: String,
    pub by: String,
    pub text: String,
    /// The document the entry is about, if any: its title and recipients are for those who
    /// may read it; anyone else reads `unreadable` instead.
    #[serde(skip)]
    pub doc: Option<u32>,
    #[serde(skip)]
    pub unreadable: String,
}

/// The journal as `viewer` may read it: an entry about a document the viewer may not read says
/// that something happened to a document, not its title or to whom it went. The described
/// entries are shared between readers, so they are copied only when one must change.
pub fn journal_for(model: &Model, state: &CourseState, viewer: &Actor, today: Date, entries: std::sync::Arc<Vec<JournalView>>) -> std::sync::Arc<Vec<JournalView>> {
    let hidden = |j: &JournalView| j.doc.is_some_and(|d| !state.document(d).is_some_and(|d| tovholder_core::commands::may_read_document(model, state, viewer, d, today).allowed));
    if !entries.iter().any(hidden) {
        return entries;
    }
    std::sync::Arc::new(entries.iter().map(|j| if hidden(j) { JournalView { text: j.unreadable.clone(), ..j.clone() } } else { j.clone() }).collect())
}

/// The document an event is about, and how it reads to someone who may not read that document.
fn about_document(e: &Event) -> Option<(u32, &'static str)> {
    Some(match e {
        Event::DocumentAdded(m) => (m.doc, "Et dokument blev tilføjet."),
        Event::DocumentSent { doc, forwarded: false, .. } => (*doc, "Et dokument blev sendt."),
        Event::DocumentSent { doc, forwarded: true, .. } => (*doc, "Et dokument blev videresendt."),
        Event::DocumentRead { doc } => (*doc, "Et dokument blev læst første gang."),
        _ => return None,
    })
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DocumentView {
    pub doc: u32,
    pub kind_da: String,
    pub title: String,
    pub org_da: String,
    pub added_da: String,
    pub text: bool,
    pub sent_da: Vec<String>,
    pub read_da: Vec<String>,
    /// Whether the family sees it on their pages; None: the model keeps its kind from them.
    pub family: Option<bool>,
    /// The viewer wrote it (and decides whether the family sees it).
    pub mine: bool,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ChangeView {
    pub id: u32,
    pub label: String,
    pub reason: String,
    /// (date label, now, proposed)
    pub dates: Vec<(String, String, String)>,
    pub status: ChangeStatus,
    pub status_da: &'static str,
    pub proposed_da: String,
    /// (party, answer)
    pub answers: Vec<(String, String)>,
    pub waiting_for: Vec<String>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ConsentView {
    pub id: u32,
    pub giver: String,
    pub about: Vec<String>,
    pub recipients: Vec<String>,
    pub kinds: Vec<String>,
    pub purpose: String,
    pub period_da: String,
    pub status_da: String,
    pub signatures: Vec<String>,
    pub revoked: bool,
    /// Who has yet to sign: (person id, name).
    pub unsigned: Vec<(PersonId, String)>,
}

/// One line of "who can see what, and why".
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct AccessLine {
    pub who: String,
    pub sees: bool,
    pub why: String,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CourseView {
    pub id: CourseId,
    pub version: i64,
    pub model_name: String,
    /// The version of the model the course runs under.
    pub model_version: u32,
    pub title: String,
    pub parties: Vec<(String, String)>,
    pub members: Vec<MemberView>,
    pub dates: Vec<DateView>,
    pub tasks: Vec<CourseTaskView>,
    pub decisions: Vec<(String, String)>,
    pub fields: Vec<(String, String)>,
    /// Only the documents the viewer may read.
    pub documents: Vec<DocumentView>,
    pub changes: Vec<ChangeView>,
    pub consents: Vec<ConsentView>,
    pub access: Vec<AccessLine>,
    /// Seen by the family's consent: only dates, tasks, people and meetings are filled in.
    pub restricted: bool,
    pub phases: Vec<crate::meeting_views::PhaseView>,
    pub meetings: Vec<crate::meeting_views::MeetingSummary>,
    pub agreements: Vec<crate::meeting_views::AgreementView>,
    /// The model keeps a family plan (the course has a plan page).
    pub has_plan: bool,
    /// The model takes support requests (the course has "Henvendelser"): how many wait for an
    /// answer.
    pub open_requests: Option<usize>,
    /// The model books the child on respite (the course has "Aflastning").
    pub has_respite: bool,
    /// Deputies now and ahead: "Sara Berg er stedfortræder for Karim Aziz 1. feb. 2027 – 28. feb. 2027".
    pub deputies_da: Vec<String>,
    /// Hand-over notes between holders of a course role, newest first; the viewer's unread one
    /// is shown before anything else.
    pub handovers: Vec<HandoverView>,
    /// The children's "Mine ønsker".
    pub wishes: Vec<crate::meeting_views::WishView>,
    /// Persons of the network whom a consent names and lets look in now: (person, "Inge Bak
    /// (mormor)"); they can be invited to the family's pages.
    pub network_readers: Vec<(PersonId, String)>,
    /// Closed: "Lukket 4. dec. 2026 af Hanne Vestergaard: Forløbet er afsluttet." None: open.
    pub closed_da: Option<String>,
}

pub async fn org_names(store: &dyn Store) -> Result<OrgNames, AppError> {
    Ok(OrgNames(store.orgs().await?, vec![]))
}

/// The organisations' names by id, over the list the store shares: a view names a handful, and
/// copying every name into a map for each view was 4 % of the API's course.
/// The second list: organisations shown by another label (one the viewer may not know).
pub struct OrgNames(std::sync::Arc<[tovholder_store::Org]>, Vec<(OrgId, String)>);

impl OrgNames {
    pub fn get(&self, id: &OrgId) -> Option<&String> {
        match self.1.iter().find(|(o, _)| o == id) {
            Some((_, label)) => Some(label),
            None => self.0.iter().find(|o| o.id == *id).map(|o| &o.name),
        }
    }

    /// Shows `id` as `label` from now on.
    pub fn hide(&mut self, id: OrgId, label: String) {
        self.1.push((id, label));
    }
}

/// The course as its viewer sees it at `version` (`state`): the loaded course's, or the state a
/// write just stored. Whether the viewer reads by consent is the policy's answer when the course
/// was loaded, not asked again.
pub async fn course_view(app: &crate::App, course: &crate::course::Course, version: i64, state: &CourseState) -> Result<CourseView, AppError> {
    let view = full_course_view(app, &course.model, course.id, version, state, &course.actor()).await?;
    // Consent opens the course's dates, tasks and people, nothing more: the one place that cuts.
    if !course.via_consent() {
        return Ok(view);
    }
    Ok(CourseView {
        members: view.members.into_iter().map(|m| MemberView { cpr_masked: None, email: None, ..m }).collect(),
        decisions: vec![],
        fields: vec![],
        // Documents stay: `may_read_document` kept only those sent to the viewer while the
        // consent covers documents (e.g. the family plan).
        changes: vec![],
        consents: vec![],
        access: vec![],
        wishes: vec![],
        network_readers: vec![],
        restricted: true,
        ..view
    })
}

async fn full_course_view(app: &crate::App, model: &Model, id: CourseId, version: i64, state: &CourseState, viewer: &Actor) -> Result<CourseView, AppError> {
    let (store, keys, today) = (app.store.as_ref(), &app.keys, app.clock.today());
    let mut ids: Vec<PersonId> = state.members.iter().map(|m| m.person).collect();
    for d in &state.documents {
        ids.push(d.added.by);
        ids.extend(d.sent.iter().map(|s| s.to.person));
        ids.extend(d.read.iter().map(|r| r.0));
    }
    ids.extend(state.deputies.iter().flat_map(|d| [d.person, d.deputy]));
    ids.extend(state.handovers.iter().flat_map(|h| h.from.iter().copied().chain([h.to])));
    ids.sort();
    ids.dedup();
    let people: HashMap<PersonId, Person> = store.persons(&ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let pname = |p: &PersonId| people.get(p).map_or_else(|| "(ukendt)".to_string(), |x| x.name.clone());
    let orgs = org_names(store).await?;
    let mut staff_orgs = HashMap::new();
    for m in &state.members {
        if let Some(u) = store.user(m.person).await? {
            staff_orgs.insert(m.person, u.org);
        }
    }
    let members = state
        .members
        .iter()
        .map(|m| {
            let p = people.get(&m.person);
            MemberView {
                person: m.person,
                name: p.map_or_else(|| "(ukendt)".into(), |p| p.name.clone()),
                role: m.role.clone(),
                role_da: model.role_label(&m.role).to_string(),
                org_da: staff_orgs.get(&m.person).and_then(|o| orgs.get(o)).cloned().unwrap_or_default(),
                cpr_masked: p.and_then(|p| p.cpr.as_ref()).and_then(|s| keys.open_cpr(s).ok()).map(|c| c.masked()),
                email: p.and_then(|p| p.email.clone()),
                family: model.role(&m.role).is_some_and(|r| r.scope == Scope::Citizen),
                protected: state.protected.contains(&m.person),
                custody: m.custody,
            }
        })
        .collect();
    let dates = model
        .dates
        .iter()
        .map(|(k, d)| {
            let date = state.dates.get(k).copied();
            DateView {
                id: k.clone(),
                label: d.label.clone(),
                date,
                date_da: date.map(date_da).unwrap_or_default(),
                suggestion_da: if date.is_none() { tovholder_core::commands::suggest_date(model, &state.dates, k, today).map(date_da) } else { None },
            }
        })
        .collect::<Vec<_>>();
    let mut dates = dates;
    dates.sort_by_key(|d| (d.date.is_none(), d.date));
    // A closed course has no tasks left.
    let mut task_list: Vec<CourseTaskView> = (if state.closed.is_some() { vec![] } else { tasks::tasks(model, state) })
        .into_iter()
        .map(|t| {
            let status = t.status(today);
            CourseTaskView {
                window_da: if t.window.from == t.window.to { date_da(t.window.to) } else { format!("{} – {}", date_da(t.window.from), date_da(t.window.to)) },
                due_to: t.window.to,
                status,
                status_da: status.label_da(),
                owners_da: t.owners.iter().map(|o| owner_da(model, o, &people, &orgs)).collect(),
                outcome_da: match &t.done {
                    Some(tasks::Done::Outcome(r)) => tovholder_core::commands::completable(model, &t.id).and_then(|(o, _)| o.iter().find(|(k, _)| *k == r.value).map(|(_, v)| v.to_string())),
                    _ => None,
                },
                outcomes: tovholder_core::commands::completable(model, &t.id).map(|(o, _)| o.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()).unwrap_or_default(),
                step: task_step(model, id, &t.id),
                id: t.id,
                label: t.label,
            }
        })
        .collect();
    task_list.sort_by_key(|t| (t.status == Status::Done, t.due_to));
    let staff_org_names: HashMap<PersonId, String> = staff_orgs.iter().filter_map(|(p, o)| Some((*p, orgs.get(o)?.clone()))).collect();
    let names = crate::meeting_views::Names { model, state, people: &people, orgs: &staff_org_names };
    let may_plan = tovholder_core::policy::decide(model, state, viewer, tovholder_core::model::Action::PlanMeeting, today).allowed;
    Ok(CourseView {
        phases: crate::meeting_views::phases(model, state, today),
        meetings: crate::meeting_views::meeting_summaries(model, state),
        agreements: crate::meeting_views::agreements(&names, viewer.person, may_plan, today),
        has_plan: model.plan.is_some(),
        open_requests: model.requests.as_ref().map(|_| state.requests.iter().filter(|r| r.answered.is_none()).count()),
        has_respite: model.respite.is_some(),
        handovers: state
            .handovers
            .iter()
            .rev()
            .map(|h| HandoverView {
                id: h.id,
                role_da: model.role_label(&h.role).to_string(),
                from_da: h.from.iter().map(&pname).collect::<Vec<_>>().join(" og "),
                to_da: pname(&h.to),
                text: h.text.clone(),
                written_da: format_timestamp_da(h.written.at).unwrap_or_default(),
                read_da: h.read.as_ref().map(|r| format_timestamp_da(r.at).unwrap_or_default()),
                mine_unread: h.read.is_none() && (h.to == viewer.person || viewer.deputy_for.contains(&h.to)),
            })
            .collect(),
        deputies_da: state
            .deputies
            .iter()
            .filter(|d| d.to >= today)
            .map(|d| format!("{} er stedfortræder for {} {} – {}", pname(&d.deputy), pname(&d.person), format_date_da(d.from), format_date_da(d.to)))
            .collect(),
        wishes: crate::meeting_views::wishes(&names),
        closed_da: state.closed.as_ref().map(|c| {
            let reason = model.closing.as_ref().and_then(|d| d.reasons.get(&c.value)).map_or(c.value.as_str(), |l| l.as_str());
            format!("Lukket {} af {}: {reason}.{}", format_timestamp_da(c.stamp.at).unwrap_or_default(), pname(&c.stamp.by), c.note.as_ref().map(|n| format!(" {n}")).unwrap_or_default())
        }),
        network_readers: state
            .network
            .iter()
            .filter_map(|e| Some((e.person?, e.entry)))
            .filter(|(p, _)| tovholder_core::consent::network_reader(model, state, *p, today).is_some())
            .map(|(p, entry)| (p, network_label(state, entry)))
            .collect(),
        id,
        version,
        model_name: model.name.clone(),
        model_version: state.model_version,
        title: course_title(model, state, &people),
        parties: state.parties.iter().map(|(p, o)| (model.parties.get(p).map_or(p.clone(), |x| x.label.clone()), orgs.get(o).cloned().unwrap_or_default())).collect(),
        members,
        dates,
        tasks: task_list,
        decisions: state
            .decisions
            .iter()
            .filter_map(|(k, r)| {
                let d = model.decisions.get(k)?;
                Some((d.label.clone(), d.options.get(&r.value).cloned().unwrap_or_else(|| r.value.clone())))
            })
            .collect(),
        fields: state.fields.iter().filter_map(|(k, r)| Some((model.fields.get(k)?.label.clone(), r.value.clone()))).collect(),
        documents: state
            .documents
            .iter()
            .filter(|d| tovholder_core::commands::may_read_document(model, state, viewer, d, today).allowed)
            .map(|d| DocumentView {
                doc: d.meta.doc,
                kind_da: doc_kind(model, &d.meta.kind).to_string(),
                title: d.meta.title.clone(),
                org_da: orgs.get(&d.meta.org).cloned().unwrap_or_default(),
                added_da: format!("{}, {}", format_timestamp_da(d.added.at).unwrap_or_default(), pname(&d.added.by)),
                text: d.meta.content_type.starts_with("text/plain"),
                family: model.documents.get(&d.meta.kind).filter(|k| k.family).map(|_| d.family),
                mine: d.added.by == viewer.person,
                sent_da: d
                    .sent
                    .iter()
                    .map(|s| {
                        format!(
                            "{} ({}){}, {}",
                            pname(&s.to.person),
                            recipient_role_da(model, &s.to.role),
                            if s.forwarded { ", videresendt" } else { "" },
                            format_timestamp_da(s.stamp.at).unwrap_or_default()
                        )
                    })
                    .collect(),
                read_da: d.read.iter().map(|(p, at)| format!("{}, {}", pname(p), format_timestamp_da(*at).unwrap_or_default())).collect(),
            })
            .collect(),
        consents: consent_views(model, state, &pname, &orgs, today),
        access: access_lines(model, state, &pname, &orgs, today),
        restricted: false,
        changes: state
            .changes
            .iter()
            .rev()
            .filter_map(|c| {
                let def = model.changes.get(&c.kind)?;
                let mut dates: Vec<(&String, &Date)> = c.dates.iter().collect();
                dates.sort_by_key(|(k, _)| model.date_order(k));
                Some(ChangeView {
                    id: c.id,
                    label: def.label.clone(),
                    reason: c.reason.clone(),
                    dates: dates.iter().map(|(k, d)| (model.date_label(k).to_string(), state.dates.get(*k).map(|x| date_da(*x)).unwrap_or_default(), date_da(**d))).collect(),
                    status: c.status,
                    status_da: match c.status {
                        ChangeStatus::Open => "Afventer enighed",
                        ChangeStatus::Applied => "Gennemført",
                        ChangeStatus::Rejected => "Afvist",
                    },
                    proposed_da: format!("{}, {}", format_timestamp_da(c.proposed.at).unwrap_or_default(), pname(&c.proposed.by)),
                    answers: def
                        .agree
                        .iter()
                        .filter_map(|a| {
                            let ans = c.answers.get(&a.id)?;
                            let what = if ans.agreed { "Enig" } else { "Ikke enig" };
                            let note = ans.note.as_ref().map(|n| format!(": {n}")).unwrap_or_default();
                            Some((a.label.clone(), format!("{what}{note} ({})", pname(&ans.stamp.by))))
                        })
                        .collect(),
                    waiting_for: def.agree.iter().filter(|a| !c.answers.contains_key(&a.id)).map(|a| a.label.clone()).collect(),
                })
            })
            .collect(),
    })
}

fn owner_da(model: &Model, o: &Owner, people: &HashMap<PersonId, Person>, orgs: &OrgNames) -> String {
    match o {
        Owner::Person { person, role } => {
            format!("{} ({})", people.get(person).map_or("(ukendt)", |p| p.name.as_str()), model.role_label(role).to_lowercase())
        }
        Owner::OrgRole { org, role } => format!("{}, {}", model.role_label(role), orgs.get(org).map_or("", |s| s.as_str())),
    }
}

/// The journal in Danish, newest first.
pub async fn journal_view(store: &dyn Store, model: &Model, entries: &[JournalEntry]) -> Result<Vec<JournalView>, AppError> {
    let mut ids: Vec<PersonId> = entries.iter().map(|e| e.stamp.by).collect();
    ids.extend(entries.iter().flat_map(|e| e.event.people()));
    ids.sort();
    ids.dedup();
    let people: HashMap<PersonId, String> = store.persons(&ids).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let name = |p: &PersonId| people.get(p).cloned().unwrap_or_else(|| "(ukendt)".into());
    let orgs = org_names(store).await?;
    Ok(entries
        .iter()
        .rev()
        .map(|e| {
            let (doc, unreadable) = about_document(&e.event).map_or((None, String::new()), |(d, t)| (Some(d), t.to_string()));
            JournalView { seq: e.seq, at_da: format_timestamp_da(e.stamp.at).unwrap_or_default(), by: name(&e.stamp.by), text: describe(model, &e.event, &name, &orgs), doc, unreadable }
        })
        .collect())
}

/// One line of the journal. The match names every event (no catch-all), so a new event
/// without wording does not compile.
fn describe(model: &Model, e: &Event, name: &dyn Fn(&PersonId) -> String, orgs: &OrgNames) -> String {
    let kind = |k: &str| model.meeting_types.get(k).map_or_else(|| k.to_string(), |t| t.label.clone());
    let who = |w: &Who| match w {
        Who::Person(p) => name(p),
        Who::Network(n) => format!("netværksperson nr. {n}"),
    };
    match e {
        Event::CourseOpened { .. } => format!("Forløbet blev oprettet ({}).", model.name),
        Event::PersonJoined { person, role, .. } => format!("{} blev tilknyttet som {}.", name(person), model.role_label(role).to_lowercase()),
        Event::PersonLeft { person, role, because: None } => format!("{} er ikke længere {}.", name(person), model.role_label(role).to_lowercase()),
        Event::PersonLeft { person, role, because: Some(_) } => format!("{} er ikke længere {}: adgangen til Tovholder er lukket.", name(person), model.role_label(role).to_lowercase()),
        Event::DatesSet { dates, reason } => {
            let why = reason.as_ref().map(|r| format!(" Begrundelse: {r}")).unwrap_or_default();
            format!("Datoer: {}.{why}", date_list(model, dates))
        }
        Event::DecisionRecorded { decision, value, note } => {
            let d = model.decisions.get(decision);
            let label = d.map_or(decision.as_str(), |d| d.label.as_str());
            let answer = d.and_then(|d| d.options.get(value)).map_or(value.as_str(), |s| s.as_str());
            let note = note.as_ref().map(|n| format!(" Bemærkning: {n}")).unwrap_or_default();
            format!("{label} {answer}.{note}")
        }
        Event::FieldRecorded { field, .. } => format!("«{}» blev udfyldt.", model.fields.get(field).map_or(field.as_str(), |f| f.label.as_str())),
        Event::TaskCompleted { task, outcome, note } => {
            let t = model.task(task);
            let label = t.map_or(task.as_str(), |t| t.label.as_str());
            let out = t.and_then(|t| t.outcomes.get(outcome)).map_or(outcome.as_str(), |s| s.as_str());
            let note = note.as_ref().map(|n| format!(" Bemærkning: {n}")).unwrap_or_default();
            format!("Opgaven «{label}» blev afsluttet: {out}.{note}")
        }
        Event::ChangeProposed { kind, dates, reason, .. } => {
            let label = model.changes.get(kind).map_or(kind.as_str(), |c| c.label.as_str());
            format!("{label} foreslået: {}. Begrundelse: {reason}", date_list(model, dates))
        }
        Event::ChangeAnswered { change, party, agreed, note } => {
            let answer = if *agreed { "er enig" } else { "er ikke enig" };
            let note = note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
            format!("{} {answer} i ændring nr. {change}{note}.", party_label(model, party))
        }
        Event::ChangeApplied { change } => format!("Alle parter er enige; ændring nr. {change} er gennemført."),
        Event::DocumentAdded(m) => format!("Dokumentet «{}» ({}) blev tilføjet.", m.title, doc_kind(model, &m.kind)),
        Event::DocumentSent { doc, to, forwarded } => {
            let list: Vec<String> = to.iter().map(|r| format!("{} ({})", name(&r.person), recipient_role_da(model, &r.role))).collect();
            format!("Dokument nr. {doc} blev {} til {}.", if *forwarded { "videresendt" } else { "sendt" }, list.join(", "))
        }
        Event::DocumentRead { doc } => format!("Dokument nr. {doc} blev læst første gang."),
        Event::ConsentRecorded(f) => {
            let to: Vec<String> = f.recipients.iter().map(|r| recipient_label(r, orgs)).collect();
            let kinds: Vec<&str> = f.kinds.iter().map(|k| kind_label(model, k)).collect();
            format!(
                "Samtykke nr. {} registreret: {} giver samtykke til, at {} må se {}, fra {} til {}. Formål: {}",
                f.consent,
                name(&f.giver),
                to.join(", "),
                kinds.join(" og ").to_lowercase(),
                date_da(f.valid_from),
                date_da(f.valid_to),
                f.purpose
            )
        }
        Event::ConsentSigned { consent, by, how, on } => format!("{} skrev under på samtykke nr. {consent} den {} ({how}).", name(by), date_da(*on)),
        Event::ConsentRevoked { consent, note } => {
            let note = note.as_ref().map(|n| format!(" Bemærkning: {n}")).unwrap_or_default();
            format!("Samtykke nr. {consent} blev tilbagekaldt; det åbner ikke længere for noget.{note}")
        }
        Event::PhaseEntered { phase, on } => format!("Forløbet gik over i fasen «{}» fra {}.", model.phases.get(phase).map_or(phase.as_str(), |p| p.label.as_str()), date_da(*on)),
        Event::MeetingPlanned(f) => format!("{} nr. {} planlagt {} ({}).", kind(&f.kind), f.meeting, format_datetime_da(f.start), f.place),
        Event::MeetingCancelled { meeting, note } => format!("Møde nr. {meeting} blev aflyst.{}", note.as_ref().map(|n| format!(" Bemærkning: {n}")).unwrap_or_default()),
        Event::InvitationsSent { meeting, .. } => format!("Invitationer til møde nr. {meeting} blev sendt med kalenderinvitation."),
        Event::ApologyRecorded { meeting, who: w, substitute } => {
            format!("{} meldte afbud til møde nr. {meeting}{}.", who(w), substitute.as_ref().map(|s| format!("; {s} kommer i stedet")).unwrap_or_default())
        }
        Event::MinutesRecorded { meeting, .. } => format!("Referatet af møde nr. {meeting} blev skrevet."),
        Event::ChecklistTicked { meeting, step, on } => {
            let label = model.checklists.values().find_map(|c| c.steps.get(step)).map_or(step.as_str(), String::as_str);
            format!("Tjekliste for møde nr. {meeting}: «{label}» udført {}.", date_da(*on))
        }
        Event::NetworkSet(n) => format!("{} ({}) er registreret i familiens netværk under «{}».", n.name, n.relation, n.quadrant.label_da()),
        Event::NetworkRemoved { entry } => format!("Netværksperson nr. {entry} blev fjernet fra netværket."),
        Event::AgreementMade(a) => format!("Aftale nr. {}: {}. Ansvarlig: {}. Frist: {}.", a.agreement, a.what, who(&a.responsible), date_da(a.due)),
        Event::AgreementClosed { agreement, done, note } => {
            format!("Aftale nr. {agreement} er {}.{}", if *done { "overholdt" } else { "droppet" }, note.as_ref().map(|n| format!(" Bemærkning: {n}")).unwrap_or_default())
        }
        Event::GoalSet(g) => format!("{} nr. {}: {}.", if g.parent.is_some() { "Delmål" } else { "Mål" }, g.goal, g.text),
        Event::Measured(m) => format!("{} målt {}: {}.", model.indicators.get(&m.indicator).map_or(m.indicator.as_str(), |i| i.label.as_str()), date_da(m.on), m.value.replace('.', ",")),
        Event::InterventionSet(i) => format!("Indsats nr. {}: {} for {}.", i.intervention, i.offer, i.person.map(|p| name(&p)).unwrap_or_default()),
        Event::StatusRecorded { person, .. } => format!("Aktuel status for {} blev opdateret.", name(person)),
        Event::PlanIssued { version, doc, .. } => format!("{} version {version} blev udarbejdet (dokument nr. {doc}).", model.plan.as_ref().map_or("Familieplan", |p| p.label.as_str())),
        Event::PreparationAnswered { meeting, .. } => format!("Forberedelsen til møde nr. {meeting} blev besvaret på familiens sider."),
        Event::WishesWritten { .. } => "«Mine ønsker» blev skrevet på familiens sider.".into(),
        Event::ProtectionSet { person, protected: true } => format!("{} blev markeret med navne- og adressebeskyttelse.", name(person)),
        Event::CourseClosed { reason, note } => {
            let label = model.closing.as_ref().and_then(|c| c.reasons.get(reason)).map_or(reason.as_str(), |l| l.as_str());
            format!("Forløbet blev lukket: {label}.{}", note.as_ref().map(|n| format!(" Bemærkning: {n}")).unwrap_or_default())
        }
        Event::CourseReopened { note } => format!("Forløbet blev genåbnet: {note}"),
        Event::ModelMoved { from, to } => format!("Forløbet blev flyttet fra version {from} til version {to} af modellen."),
        Event::FamilyMemberAdded { person, role, why, .. } => format!("{} blev tilføjet familien som {}. Hvorfor: {why}", name(person), model.role_label(role).to_lowercase()),
        Event::FamilyMemberCorrected { person, changed, why, .. } => {
            let what: Vec<&str> = changed
                .iter()
                .map(|c| match c.as_str() {
                    "name" => "navn",
                    "email" => "e-mail",
                    "cpr" => "CPR-nummer",
                    "custody" => "forældremyndighed",
                    other => other,
                })
                .collect();
            format!("Oplysninger om {} blev rettet ({}). Hvorfor: {why}", name(person), what.join(", "))
        }
        Event::FamilyMemberRemoved { person, role, why } => format!("{} er ikke længere med i familien som {}. Hvorfor: {why}", name(person), model.role_label(role).to_lowercase()),
        Event::DocumentShared { doc, shared: true } => format!("Dokument nr. {doc} vises nu på familiens sider."),
        Event::DocumentShared { doc, shared: false } => format!("Dokument nr. {doc} vises ikke længere på familiens sider."),
        Event::MinutesShared { meeting, shared: true } => format!("Referatet af møde nr. {meeting} vises nu på familiens sider."),
        Event::MinutesShared { meeting, shared: false } => format!("Referatet af møde nr. {meeting} vises ikke længere på familiens sider."),
        Event::ProtectionSet { person, protected: false } => format!("Markeringen af navne- og adressebeskyttelse for {} blev fjernet.", name(person)),
        // Only the thread's participants read its subject and messages: the journal says that, not what.
        Event::ThreadStarted { thread, participants, .. } => format!("En tråd med beskeder blev startet (nr. {thread}, {} deltagere).", participants.len()),
        Event::MessagePosted { thread, .. } => format!("Der blev skrevet en besked i tråd nr. {thread}."),
        Event::ThreadRead { thread, .. } => format!("Tråd nr. {thread} blev læst."),
        Event::RequestMade { request, topic, urgency, on_duty, .. } => {
            let def = model.requests.as_ref();
            let topic = def.and_then(|d| d.topics.get(topic)).map_or(topic.as_str(), String::as_str);
            let urgency = def.and_then(|d| d.urgencies.get(urgency)).map_or(urgency.as_str(), |u| u.label.as_str());
            let on_call = if on_duty.is_empty() { String::new() } else { format!(" Havde vagten: {}.", on_duty.iter().map(name).collect::<Vec<_>>().join(", ")) };
            format!("Henvendelse nr. {request}: {topic} ({urgency}).{on_call}")
        }
        Event::AcuteLogged { request, text } => format!("Den akutte henvendelse nr. {request} blev logget: {text}"),
        Event::RespiteBooked { booking, title, child, from, to, .. } => {
            format!("{} blev booket til aflastning: {title}, {} – {} (booking nr. {booking}).", name(child), format_date_da(*from), format_date_da(*to))
        }
        Event::RespiteCancelled { booking } => format!("Aflastningen (booking nr. {booking}) blev aflyst."),
        Event::DeputyNamed { person, deputy, from, to } => format!("{} er stedfortræder for {} {} – {}.", name(deputy), name(person), format_date_da(*from), format_date_da(*to)),
        Event::HandoverWritten { role, from, to, .. } => {
            format!("Overdragelse som {} fra {} til {}.", model.role_label(role).to_lowercase(), from.iter().map(name).collect::<Vec<_>>().join(" og "), name(to))
        }
        Event::HandoverRead { .. } => "Overdragelsen er læst.".to_string(),
        Event::DeputyEnded { person, deputy, from, to } if to < from => format!("{} er alligevel ikke stedfortræder for {} fra {}.", name(deputy), name(person), format_date_da(*from)),
        Event::DeputyEnded { person, deputy, to, .. } => format!("{} er stedfortræder for {} til og med {} (kortet af).", name(deputy), name(person), format_date_da(*to)),
    }
}

/// The role a document went to someone in; "netværk (samtykke)" for a consent reader.
fn recipient_role_da(model: &Model, role: &str) -> String {
    if role == tovholder_core::commands::NETWORK_ROLE { "netværk, ved samtykke".into() } else { model.role_label(role).to_lowercase() }
}

pub fn recipient_label(r: &tovholder_core::consent::Recipient, orgs: &OrgNames) -> String {
    let org = orgs.get(&r.org).cloned().unwrap_or_default();
    match &r.department {
        Some(d) => format!("{d}, {org}"),
        None => org,
    }
}

fn kind_label<'a>(model: &'a Model, kind: &'a str) -> &'a str {
    model.consent.as_ref().and_then(|c| c.kinds.get(kind)).map_or(kind, String::as_str)
}

fn date_list(model: &Model, dates: &BTreeMap<String, Date>) -> String {
    let mut dates: Vec<(&String, &Date)> = dates.iter().collect();
    dates.sort_by_key(|(k, _)| model.date_order(k));
    dates.iter().map(|(k, d)| format!("{} {}", model.date_label(k), date_da(**d))).collect::<Vec<_>>().join(", ")
}

fn party_label<'a>(model: &'a Model, party: &'a str) -> &'a str {
    model.changes.values().flat_map(|c| c.agree.iter()).find(|a| a.id == party).map_or(party, |a| a.label.as_str())
}

fn doc_kind<'a>(model: &'a Model, kind: &'a str) -> &'a str {
    model.documents.get(kind).map_or(kind, |d| d.label.as_str())
}

/// A person of the family's network as a consent names them: "Inge Bak (mormor)".
pub fn network_label(state: &CourseState, entry: u32) -> String {
    state.network.iter().find(|e| e.entry == entry).map_or_else(|| format!("netværksperson nr. {entry}"), |e| format!("{} ({})", e.name, e.relation.to_lowercase()))
}

pub fn consent_views(model: &Model, state: &CourseState, pname: &dyn Fn(&PersonId) -> String, orgs: &OrgNames, today: Date) -> Vec<ConsentView> {
    state
        .consents
        .iter()
        .rev()
        .map(|c| {
            let youths: Vec<PersonId> = c.about.iter().copied().filter(|p| tovholder_core::consent::is_youth(state.members.iter().find(|m| m.person == *p).and_then(|m| m.born), today)).collect();
            let mut unsigned: Vec<(PersonId, String)> = Vec::new();
            for p in std::iter::once(c.giver).chain(youths) {
                if !c.signed_by(p) {
                    unsigned.push((p, pname(&p)));
                }
            }
            let status_da = if let Some(r) = &c.revoked {
                let note = r.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
                format!("Tilbagekaldt {}{note}", format_timestamp_da(r.stamp.at).unwrap_or_default())
            } else if !c.signed_by(c.giver) {
                "Afventer underskrift".to_string()
            } else if today < c.valid_from {
                format!("Gælder fra {}", date_da(c.valid_from))
            } else if today > c.valid_to {
                format!("Udløbet {}", date_da(c.valid_to))
            } else {
                format!("Gyldigt til {}", date_da(c.valid_to))
            };
            ConsentView {
                id: c.id,
                giver: pname(&c.giver),
                about: c.about.iter().map(pname).collect(),
                recipients: c.recipients.iter().map(|r| recipient_label(r, orgs)).chain(c.network.iter().map(|n| network_label(state, *n))).collect(),
                kinds: c.kinds.iter().map(|k| kind_label(model, k).to_string()).collect(),
                purpose: c.purpose.clone(),
                period_da: format!("{} – {}", date_da(c.valid_from), date_da(c.valid_to)),
                status_da,
                signatures: c.signatures.iter().map(|s| format!("{} den {} ({})", pname(&s.by), date_da(s.on), s.how)).collect(),
                revoked: c.revoked.is_some(),
                unsigned: if c.revoked.is_some() { vec![] } else { unsigned },
            }
        })
        .collect()
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct HandoverView {
    pub id: u32,
    pub role_da: String,
    /// "Karim Aziz" (or two names when the role had two holders).
    pub from_da: String,
    pub to_da: String,
    pub text: String,
    pub written_da: String,
    pub read_da: Option<String>,
    /// The viewer is the new holder (or their deputy) and has not read it yet.
    pub mine_unread: bool,
}

/// Who can see the course and why: the parties through their roles, and everyone a consent
/// names, with what the consent allows today or what blocks it.
pub fn access_lines(model: &Model, state: &CourseState, pname: &dyn Fn(&PersonId) -> String, orgs: &OrgNames, today: Date) -> Vec<AccessLine> {
    use tovholder_core::consent::{Coverage, Recipient, coverage};
    let mut out = Vec::new();
    for (party, org) in &state.parties {
        let org_name = orgs.get(org).cloned().unwrap_or_default();
        let label = model.parties.get(party).map_or(party.as_str(), |p| p.label.as_str());
        let shares = tovholder_core::policy::party_shares(model, state, party);
        let why = match model.parties.get(party).and_then(|p| p.shares_when.as_ref()) {
            Some(cond) if shares => {
                let d = model.decisions.get(&cond.decision);
                let when = state.decisions.get(&cond.decision).map(|r| format_timestamp_da(r.stamp.at).unwrap_or_default()).unwrap_or_default();
                format!("som {}, fordi «{}» er besvaret «{}» ({when})", label.to_lowercase(), d.map_or("", |d| d.label.as_str()), d.and_then(|d| d.options.get(&cond.is)).map_or("", |s| s.as_str()))
            }
            Some(cond) => format!("intet: «{}» er ikke besvaret ja", model.decisions.get(&cond.decision).map_or("", |d| d.label.as_str())),
            None => format!("som {}", label.to_lowercase()),
        };
        out.push(AccessLine { who: org_name, sees: shares, why });
    }
    let Some(def) = &model.consent else { return out };
    let mut recipients: Vec<Recipient> = state.consents.iter().flat_map(|c| c.recipients.clone()).collect();
    recipients.sort();
    recipients.dedup();
    let mut network: Vec<u32> = state.consents.iter().flat_map(|c| c.network.clone()).collect();
    network.sort_unstable();
    network.dedup();
    // Each named recipient: its label and its coverage of a kind.
    type Reader<'a> = (String, Box<dyn Fn(&str) -> Coverage + 'a>);
    let readers: Vec<Reader> = recipients
        .into_iter()
        .map(|r| -> Reader { (recipient_label(&r, orgs), Box::new(move |k| coverage(model, state, r.org, r.department.as_deref(), k, today))) })
        .chain(network.into_iter().map(|n| -> Reader { (network_label(state, n), Box::new(move |k| tovholder_core::consent::network_coverage(model, state, n, k, today))) }))
        .collect();
    for (label, cover) in readers {
        for (kind, kind_da) in &def.kinds {
            let cov = cover(kind);
            let consent_by = |id: &u32| state.consents.iter().find(|c| c.id == *id);
            let why = match &cov {
                Coverage::None => continue,
                Coverage::Covered { consents, until } => {
                    let givers: Vec<String> = consents
                        .iter()
                        .filter_map(consent_by)
                        .map(|c| format!("{} den {}", pname(&c.giver), c.signatures.iter().find(|s| s.by == c.giver).map(|s| date_da(s.on)).unwrap_or_default()))
                        .collect();
                    format!("{} ifølge samtykke givet af {}, gyldigt til {}", kind_da.to_lowercase(), givers.join(" og "), date_da(*until))
                }
                Coverage::WaitingFor { givers } => format!("ikke {}: afventer samtykke fra {}", kind_da.to_lowercase(), givers.iter().map(pname).collect::<Vec<_>>().join(" og ")),
                Coverage::YouthMissing { youth, .. } => format!("ikke {}: {} er fyldt 15 og har ikke skrevet under", kind_da.to_lowercase(), pname(youth)),
                Coverage::Unsigned { consent } => format!("ikke {}: samtykke nr. {consent} er ikke skrevet under", kind_da.to_lowercase()),
                Coverage::Revoked { consent } => format!("ikke {}: samtykke nr. {consent} er tilbagekaldt", kind_da.to_lowercase()),
                Coverage::Expired { ended, .. } => format!("ikke {}: samtykket udløb {}", kind_da.to_lowercase(), date_da(*ended)),
                Coverage::NotYetValid { from, .. } => format!("ikke {}: samtykket gælder fra {}", kind_da.to_lowercase(), date_da(*from)),
            };
            out.push(AccessLine { who: label.clone(), sees: cov.allowed(), why });
        }
    }
    out
}
