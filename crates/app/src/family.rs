//! The family's side of a course: a family member (a person in a citizen role of the course)
//! sees what happens next, who is who, the agreements, the plan's versions and the family's
//! consents, and withdraws a consent they gave with one click. Nothing else of the course
//! reaches them, and every read is in the access log like staff's.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;
use tovholder_core::calendar::{format_date_da, format_datetime_da, format_timestamp_da};
use tovholder_core::commands::family;
use tovholder_core::course::{CourseState, Stamp};
use tovholder_core::ids::{CourseId, PersonId};
use tovholder_core::meetings::{MeetingStatus, Who};
use tovholder_core::model::{Model, Scope};
use tovholder_store::{AccessRecord, NewEntry, Person};

use crate::course::log;
use crate::error::AppError;
use crate::meeting_views::{AgreementView, Names};
use crate::views::{AccessLine, ConsentView};
use crate::{App, views};

/// A course as one of its family members may see it: loaded, their membership checked, the
/// answer in the access log either way.
pub struct FamilyCourse {
    pub id: CourseId,
    pub version: i64,
    pub state: Arc<CourseState>,
    pub model: Arc<Model>,
    pub person: Person,
    /// The family roles they hold in it (e.g. "forælder"); none for a person of the network.
    pub roles: Vec<String>,
    /// The network entry they are, when they see the course only by a consent naming them.
    pub network: Option<u32>,
}

/// The citizen roles `person` holds in the course: none, and the course is not theirs.
fn family_roles(model: &Model, state: &CourseState, person: PersonId) -> Vec<String> {
    state.members.iter().filter(|m| m.person == person && model.role(&m.role).is_some_and(|r| r.scope == Scope::Citizen)).map(|m| m.role.clone()).collect()
}

/// Why `person` may look in: their family roles ("family:voksen"), or the consent that names
/// them as a person of the network ("network:1:consent:2"); None: the course is not theirs.
fn standing(model: &Model, state: &CourseState, person: PersonId, today: Date) -> Option<(Vec<String>, Option<u32>, String)> {
    let roles = family_roles(model, state, person);
    if !roles.is_empty() {
        let why = format!("family:{}", roles.join(","));
        return Some((roles, None, why));
    }
    let (entry, coverage) = tovholder_core::consent::network_reader(model, state, person, today)?;
    Some((vec![], Some(entry), format!("network:{entry}:{}", coverage.code())))
}

impl FamilyCourse {
    /// Loads course `id` for family member `person`: "not found" (and the refusal logged) unless
    /// they are in it. `what` names the page in the access log.
    pub async fn load(app: &App, person: &Person, id: CourseId, what: &str) -> Result<FamilyCourse, AppError> {
        let mut rec = AccessRecord { at: app.clock.now(), person: Some(person.id), course: Some(id), action: format!("family:{what}"), allowed: false, reason: "no_such_course".into() };
        let loaded = match app.store.course(id).await? {
            Some(c) => app.model_of(&c.state).await?.map(|m| (c, m)),
            None => None,
        };
        let Some((course, model)) = loaded else {
            log(app, rec).await?;
            return Err(AppError::NotFound);
        };
        let found = standing(&model, &course.state, person.id, app.clock.today());
        rec.allowed = found.is_some();
        rec.reason = found.as_ref().map_or_else(|| "no_relation".into(), |f| f.2.clone());
        log(app, rec).await?;
        let Some((roles, network, _)) = found else { return Err(AppError::NotFound) };
        Ok(FamilyCourse { id, version: course.version, state: course.state, model, person: person.clone(), roles, network })
    }
}

/// One of a family member's courses, on their front page.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FamilyCourseLine {
    pub id: CourseId,
    pub title: String,
    pub model_name: String,
}

/// The courses `person` is a family member of.
pub async fn my_courses(app: &App, person: PersonId) -> Result<Vec<FamilyCourseLine>, AppError> {
    let ids = app.store.courses_of_member(person).await?;
    let courses = app.store.courses(&ids).await?;
    app.meet_models(courses.iter().map(|c| c.state.as_ref())).await?;
    let today = app.clock.today();
    let mine: Vec<_> = courses.into_iter().filter_map(|c| app.models.of(&c.state).map(|m| (c, m))).filter(|(c, m)| standing(m, &c.state, person, today).is_some()).collect();
    let people = views::title_people(app.store.as_ref(), mine.iter().map(|(c, m)| (m.as_ref(), c.state.as_ref()))).await?;
    Ok(mine.iter().map(|(c, m)| FamilyCourseLine { id: c.id, title: views::course_title(m, &c.state, &people), model_name: m.name.clone() }).collect())
}

/// Something ahead: a meeting, a date of the course, an agreement's deadline.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct NextItem {
    pub date: Date,
    pub when_da: String,
    pub what: String,
    pub detail: String,
}

/// Who is who: a person of the course, their role and organisation, and how to reach them.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PersonLine {
    pub name: String,
    pub role: String,
    pub org: String,
    pub email: Option<String>,
}

/// A version of the family plan.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PlanLine {
    pub doc: u32,
    pub version: String,
    pub issued_da: String,
    pub period_da: String,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FamilyConsent {
    #[serde(flatten)]
    pub consent: ConsentView,
    /// The viewer gave it (or signs it, from 15) and may withdraw it.
    pub withdrawable: bool,
    /// It waits for the viewer's signature, which they may give here.
    pub signable: bool,
}

/// An upcoming meeting with the family: its agenda and, where the model has them, the
/// preparation questions with the viewer's answers so far.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FamilyMeeting {
    pub id: u32,
    pub kind_da: String,
    pub when_da: String,
    pub place: String,
    pub purpose: String,
    /// (title, time box in Danish)
    pub agenda: Vec<(String, String)>,
    /// Who comes: name and role.
    pub attendees: Vec<String>,
    pub preparation: Option<PreparationForm>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PreparationForm {
    pub title: String,
    pub intro: String,
    pub questions: Vec<PreparationQuestion>,
    /// When the viewer last answered, if they have.
    pub answered_da: Option<String>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PreparationQuestion {
    /// The form field: `answer1`, `answer2`, … in the questions' order.
    pub field: String,
    pub question: String,
    /// The viewer's answer so far.
    pub answer: String,
}

/// A document its author shows the family.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FamilyDocument {
    pub doc: u32,
    pub title: String,
    pub kind_da: String,
    pub added_da: String,
}

/// A held meeting's minutes, shown to the family by their author.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FamilyMinutes {
    pub meeting: u32,
    pub kind_da: String,
    pub when_da: String,
    pub story: String,
    pub best_hope: String,
    /// (who, what works, what challenges)
    pub rounds: Vec<(String, String, String)>,
    pub dialogue: String,
}

/// "Mine ønsker": the child's own, or a child's that they let the parents read.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FamilyWishes {
    pub name: String,
    pub text: String,
    pub parents_may_see: bool,
    pub written_da: String,
}

/// The course on the family's pages.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FamilyView {
    /// The viewer is a person of the family's network whom a consent names: they see less.
    pub network: bool,
    pub id: CourseId,
    pub title: String,
    pub model_name: String,
    /// The family member looking.
    pub me: String,
    /// The viewer is a child old enough for their own page (short sentences, large text).
    pub child_page: bool,
    pub next: Vec<NextItem>,
    pub meetings: Vec<FamilyMeeting>,
    /// The child's own wishes (on their page), or the children's they share (on the parents').
    pub wishes: Vec<FamilyWishes>,
    /// The professionals, then the family and its network.
    pub professionals: Vec<PersonLine>,
    pub family: Vec<PersonLine>,
    pub agreements: Vec<AgreementView>,
    pub plans: Vec<PlanLine>,
    /// Documents and minutes their authors show the family (the model allows it per kind).
    pub documents: Vec<FamilyDocument>,
    pub minutes: Vec<FamilyMinutes>,
    pub consents: Vec<FamilyConsent>,
    /// The viewer is a parent whose consent counts, and may give a new one here.
    pub may_give_consent: bool,
    /// Who can see the course and why (the parties by their roles, others by consent).
    pub access: Vec<AccessLine>,
    /// The threads for the family that the viewer is in.
    pub threads: Vec<crate::messages::ThreadLine>,
    /// Whom the viewer may write to: (person, "name, role").
    pub write_to: Vec<(PersonId, String)>,
    /// For those who may ask for support (foster parents): who is on call, the form's choices and
    /// their requests.
    pub requests: Option<FamilyRequests>,
    /// Supervision, courses and network groups the viewer is invited to (any organisation's).
    pub activities: Vec<crate::activities::ActivityLine>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct FamilyRequests {
    /// "Hvem har vagten nu?"
    pub duty: Option<crate::requests::DutyNow>,
    /// (id, label)
    pub topics: Vec<(String, String)>,
    /// (id, label)
    pub urgencies: Vec<(String, String)>,
    pub mine: Vec<crate::requests::RequestLine>,
    /// The child's respite bookings.
    pub respite: Vec<crate::respite::BookingLine>,
}

impl FamilyView {
    /// On the child's page: whether the child lets the parents read their wishes.
    pub fn shares_with_parents(&self) -> bool {
        self.wishes.first().is_some_and(|w| w.parents_may_see)
    }
}

/// How many things ahead the page lists.
const NEXT_ITEMS: usize = 8;

pub async fn view(app: &App, fc: &FamilyCourse) -> Result<FamilyView, AppError> {
    let (model, state, today) = (fc.model.as_ref(), fc.state.as_ref(), app.clock.today());
    let mut people: HashMap<PersonId, Person> = views::people_of(app.store.as_ref(), &[state]).await?;
    views::shield(&mut people, state, Some(fc.person.id));
    let mut orgs = views::org_names(app.store.as_ref()).await?;
    // A party the viewer's role may not know (the foster family, for the child's parents).
    for (id, p) in &model.parties {
        if let (Some(org), true) = (state.parties.get(id), p.hidden_from.iter().any(|r| fc.roles.contains(r))) {
            orgs.hide(*org, format!("{} (vises ikke)", p.label));
        }
    }
    let mut staff_orgs = HashMap::new();
    for m in &state.members {
        if let Some(u) = app.store.user(m.person).await? {
            staff_orgs.insert(m.person, orgs.get(&u.org).cloned().unwrap_or_default());
        }
    }
    let names = Names { model, state, people: &people, orgs: &staff_orgs };
    let me = fc.person.id;
    let child_page = family::has_child_page(model, state, me, today);
    let pname = |p: &PersonId| people.get(p).map_or_else(|| "(ukendt)".to_string(), |x| x.name.clone());
    let citizen = |role: &str| model.role(role).is_some_and(|r| r.scope == Scope::Citizen);
    let mut professionals = Vec::new();
    let mut family = Vec::new();
    let mut seen = Vec::new();
    for m in &state.members {
        if seen.contains(&m.person) {
            continue;
        }
        seen.push(m.person);
        let p = people.get(&m.person);
        let line = PersonLine {
            name: pname(&m.person),
            role: state.members.iter().filter(|x| x.person == m.person).map(|x| model.role_label(&x.role)).collect::<Vec<_>>().join(" og "),
            org: staff_orgs.get(&m.person).cloned().unwrap_or_default(),
            // The family's own addresses are not shown to each other: each has their own.
            email: if citizen(&m.role) { None } else { p.and_then(|p| p.email.clone()) },
        };
        if citizen(&m.role) { family.push(line) } else { professionals.push(line) }
    }
    for e in state.network.iter().filter(|e| e.person.is_none_or(|p| !seen.contains(&p))) {
        family.push(PersonLine { name: e.name.clone(), role: e.relation.clone(), org: String::new(), email: None });
    }
    let mut full = FamilyView {
        network: false,
        id: fc.id,
        title: views::course_title(model, state, &people),
        model_name: model.name.clone(),
        me: fc.person.name.clone(),
        next: next(model, state, &names, today, me, None),
        professionals,
        family,
        agreements: crate::meeting_views::agreements(&names, fc.person.id, false, today),
        plans: state
            .plans
            .iter()
            .rev()
            .map(|p| PlanLine {
                doc: p.doc,
                version: p.version.clone(),
                issued_da: format_timestamp_da(p.stamp.at).unwrap_or_default(),
                period_da: format!("{} – {}", format_date_da(p.period_from), format_date_da(p.period_to)),
            })
            .collect(),
        consents: views::consent_views(model, state, &pname, &orgs, today)
            .into_iter()
            .map(|c| {
                let form = state.consents.iter().find(|x| x.id == c.id);
                FamilyConsent { withdrawable: form.is_some_and(|x| family::may_withdraw(state, x, me, today)), signable: form.is_some_and(|x| family::may_sign(state, x, me, today)), consent: c }
            })
            .collect(),
        may_give_consent: family::may_give(model, state, me),
        documents: shared_documents(model, state)
            .map(|d| FamilyDocument {
                doc: d.meta.doc,
                title: d.meta.title.clone(),
                kind_da: model.documents.get(&d.meta.kind).map_or_else(String::new, |k| k.label.clone()),
                added_da: format_timestamp_da(d.added.at).unwrap_or_default(),
            })
            .collect(),
        minutes: shared_minutes(model, state)
            .filter_map(|m| {
                let (x, _) = m.minutes.as_ref()?;
                Some(FamilyMinutes {
                    meeting: m.id,
                    kind_da: model.meeting_types.get(&m.form.kind).map_or_else(|| "Møde".to_string(), |t| t.label.clone()),
                    when_da: format_datetime_da(m.form.start),
                    story: x.story.clone(),
                    best_hope: x.best_hope.clone(),
                    rounds: x.rounds.iter().map(|r| (format!("{} ({})", names.name(r.who), names.role(r.who)), r.works.clone(), r.challenges.clone())).collect(),
                    dialogue: x.dialogue.clone(),
                })
            })
            .collect(),
        child_page,
        meetings: meetings(model, state, &names, me, today),
        wishes: state
            .wishes
            .iter()
            .filter(|(p, w)| **p == me || (!child_page && w.parents_may_see))
            .map(|(p, w)| FamilyWishes { name: pname(p), text: w.text.clone(), parents_may_see: w.parents_may_see, written_da: format_timestamp_da(w.stamp.at).unwrap_or_default() })
            .collect(),
        access: views::access_lines(model, state, &pname, &orgs, today),
        threads: crate::messages::lines(app, &family_threads(state, me), me, &hidden(state, me)).await?,
        write_to: tovholder_core::commands::messages::family_choices(model, state).into_iter().map(|p| (p, format!("{}, {}", names.name(Who::Person(p)), names.role(Who::Person(p))))).collect(),
        requests: match &model.requests {
            Some(def) if tovholder_core::commands::requests::may_ask(model, state, me) => Some(FamilyRequests {
                duty: crate::requests::duty_now(app, model, state).await?,
                topics: def.topics.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                urgencies: def.urgencies.iter().map(|(k, v)| (k.clone(), v.label.clone())).collect(),
                mine: crate::requests::lines(app, model, state, false, Some(me)).await?,
                respite: match &model.respite {
                    Some(r) => crate::respite::bookings(app, fc.id, &state.holders(&r.child).next().map_or_else(String::new, |p| pname(&p))).await?,
                    None => vec![],
                },
            }),
            _ => None,
        },
        activities: crate::activities::for_family(app, me).await?,
    };
    // What the viewer signed up for is on «Det sker snart» too.
    let signed_up = full.activities.iter().filter(|a| a.my_answer == Some(tovholder_core::activities::Answer::Yes) && !a.cancelled);
    full.next.extend(signed_up.filter_map(|a| a.next_start.map(|s| NextItem { date: s.date(), when_da: format_datetime_da(s), what: a.kind_da.clone(), detail: a.place.clone() })));
    full.next.sort_by_key(|i| i.date);
    full.next.truncate(NEXT_ITEMS);
    let Some(entry) = fc.network else { return Ok(full) };
    // A person of the network: who is who, the meetings they are invited to, and, while the
    // consent covers documents, the plan versions sent to them and the agreements in them.
    let who = Who::Network(entry);
    let documents = network_documents(model, state, entry, today);
    let sent = network_plans(fc, today);
    let invited: Vec<u32> = state.meetings.iter().filter(|m| m.form.attendees.contains(&who)).map(|m| m.id).collect();
    Ok(FamilyView {
        network: true,
        next: next(model, state, &names, today, me, Some(who)),
        meetings: full.meetings.into_iter().filter(|m| invited.contains(&m.id)).map(|m| FamilyMeeting { preparation: None, ..m }).collect(),
        agreements: if documents { full.agreements } else { vec![] },
        plans: full.plans.into_iter().filter(|p| sent.contains(&p.doc)).collect(),
        wishes: vec![],
        documents: vec![],
        minutes: vec![],
        consents: vec![],
        may_give_consent: false,
        child_page: false,
        access: vec![],
        threads: vec![],
        write_to: vec![],
        requests: None,
        activities: vec![],
        ..full
    })
}

/// Whose names `viewer` may not read: the course's protected family members but themselves.
fn hidden(state: &CourseState, viewer: PersonId) -> Vec<PersonId> {
    state.protected.iter().copied().filter(|p| *p != viewer).collect()
}

/// The documents their authors show the family, of kinds the model lets the family see.
fn shared_documents<'a>(model: &'a Model, state: &'a CourseState) -> impl Iterator<Item = &'a tovholder_core::course::Document> + 'a {
    state.documents.iter().filter(|d| d.family && model.documents.get(&d.meta.kind).is_some_and(|k| k.family))
}

/// The held meetings whose minutes their author shows the family, newest first.
fn shared_minutes<'a>(model: &'a Model, state: &'a CourseState) -> impl Iterator<Item = &'a tovholder_core::meetings::Meeting> + 'a {
    state.meetings.iter().rev().filter(|m| m.minutes_shared && m.minutes.is_some() && model.meeting_types.get(&m.form.kind).is_some_and(|t| t.minutes_to_family))
}

/// A document shown to the family, with its content type; a person of the network gets none.
pub async fn document(app: &App, fc: &FamilyCourse, doc: u32) -> Result<(Vec<u8>, String), AppError> {
    let d = shared_documents(&fc.model, &fc.state).find(|d| d.meta.doc == doc && fc.network.is_none()).ok_or(AppError::NotFound)?;
    let bytes = app.store.blob(fc.id, &d.meta.sha256).await?.ok_or(AppError::NotFound)?;
    Ok((bytes, d.meta.content_type.clone()))
}

/// Whether the consent naming network `entry` covers the model's documents today.
fn network_documents(model: &Model, state: &CourseState, entry: u32, today: Date) -> bool {
    model.consent.as_ref().and_then(|c| c.documents_kind.as_deref()).is_some_and(|k| tovholder_core::consent::network_coverage(model, state, entry, k, today).allowed())
}

/// The plan versions a person of the network reads: those sent to them, while the consent
/// covers documents. None for a family member's course (they read every version).
fn network_plans(fc: &FamilyCourse, today: Date) -> Vec<u32> {
    if !fc.network.is_some_and(|e| network_documents(&fc.model, &fc.state, e, today)) {
        return vec![];
    }
    fc.state.plans.iter().filter(|p| fc.state.document(p.doc).is_some_and(|d| d.sent_to(fc.person.id))).map(|p| p.doc).collect()
}

/// The threads for the family that `person` is in.
fn family_threads(state: &CourseState, person: PersonId) -> Vec<&tovholder_core::messages::Thread> {
    state.threads.iter().filter(|t| t.family && t.participants.contains(&person)).collect()
}

/// A file attached to a message in a thread for the family that the family member is in.
pub async fn attachment(app: &App, fc: &FamilyCourse, id: u32, message: u32) -> Result<(Vec<u8>, String), AppError> {
    let t = family_threads(&fc.state, fc.person.id).into_iter().find(|t| t.id == id).ok_or(AppError::NotFound)?;
    crate::messages::attachment(app, fc.id, t, message).await
}

/// A thread for the family, as its family member reads it; their read receipt is recorded.
pub async fn thread(app: &App, fc: &FamilyCourse, id: u32) -> Result<crate::messages::ThreadView, AppError> {
    let t = family_threads(&fc.state, fc.person.id).into_iter().find(|t| t.id == id).ok_or(AppError::NotFound)?;
    let view = crate::messages::view(app, t, &hidden(&fc.state, fc.person.id)).await?;
    crate::actions::mark_read(app, fc.id, &fc.model, fc.version, fc.state.clone(), fc.person.id, id).await?;
    Ok(view)
}

/// The planned meetings ahead that the family takes part in (one of them is invited).
/// Whether the family takes part in meeting `m`: one of them, or `me` as a person of the
/// network, is among its participants (a meeting of the professionals alone is not theirs).
fn family_attends(state: &CourseState, family: &[PersonId], me: PersonId, m: &tovholder_core::meetings::Meeting) -> bool {
    m.form.attendees.iter().any(|w| matches!(w, Who::Person(p) if family.contains(p) || *p == me) || state.network.iter().any(|e| Who::Network(e.entry) == *w && e.person == Some(me)))
}

fn meetings(model: &Model, state: &CourseState, names: &Names, me: PersonId, today: Date) -> Vec<FamilyMeeting> {
    let family = tovholder_core::commands::family::members(model, state);
    let with_family = |m: &tovholder_core::meetings::Meeting| family_attends(state, &family, me, m);
    let mut out: Vec<&tovholder_core::meetings::Meeting> = state.meetings.iter().filter(|m| m.status == MeetingStatus::Planned && m.date() >= today && with_family(m)).collect();
    out.sort_by_key(|m| m.form.start);
    out.into_iter()
        .map(|m| {
            let def = model.meeting_types.get(&m.form.kind);
            let mine = m.preparations.iter().find(|p| p.person == me);
            FamilyMeeting {
                id: m.id,
                kind_da: def.map_or_else(|| "Møde".to_string(), |d| d.label.clone()),
                when_da: format_datetime_da(m.form.start),
                place: m.form.place.clone(),
                purpose: def.map_or_else(String::new, |d| d.purpose.clone()),
                agenda: m.form.agenda.iter().map(|i| (i.title.clone(), i.time.to_danish())).collect(),
                attendees: m.form.attendees.iter().map(|w| format!("{} ({})", names.name(*w), names.role(*w))).collect(),
                preparation: def.and_then(|d| d.preparation.as_ref()).map(|p| PreparationForm {
                    title: p.title.clone(),
                    intro: p.intro.clone(),
                    questions: p
                        .questions
                        .iter()
                        .enumerate()
                        .map(|(i, q)| PreparationQuestion { field: format!("answer{}", i + 1), question: q.clone(), answer: mine.and_then(|x| x.answers.get(i)).cloned().unwrap_or_default() })
                        .collect(),
                    answered_da: mine.map(|x| format_timestamp_da(x.stamp.at).unwrap_or_default()),
                }),
            }
        })
        .collect()
}

/// What happens next and when: planned meetings, the course's dates and open agreements'
/// deadlines from today on, soonest first.
/// `only`: a person of the network sees only the meetings they are invited to and the agreements
/// they answer for.
fn next(model: &Model, state: &CourseState, names: &Names, today: Date, me: PersonId, only: Option<Who>) -> Vec<NextItem> {
    let mut out = Vec::new();
    let family = tovholder_core::commands::family::members(model, state);
    let concerns = |m: &tovholder_core::meetings::Meeting| match only {
        Some(w) => m.form.attendees.contains(&w),
        None => family_attends(state, &family, me, m),
    };
    for m in state.meetings.iter().filter(|m| m.status == MeetingStatus::Planned && m.date() >= today && concerns(m)) {
        let label = model.meeting_types.get(&m.form.kind).map_or_else(|| "Møde".to_string(), |t| t.label.clone());
        out.push(NextItem { date: m.date(), when_da: format_datetime_da(m.form.start), what: label, detail: m.form.place.clone() });
    }
    for (id, d) in state.dates.iter().filter(|(_, d)| **d >= today && only.is_none()) {
        out.push(NextItem { date: *d, when_da: format_date_da(*d), what: model.date_label(id).to_string(), detail: String::new() });
    }
    for a in state.agreements.iter().filter(|a| a.status == tovholder_core::family_plan::AgreementStatus::Open && a.form.due >= today && only.is_none_or(|w| a.form.responsible == w)) {
        out.push(NextItem { date: a.form.due, when_da: format_date_da(a.form.due), what: format!("Aftale: {}", a.form.what), detail: format!("Ansvarlig: {}", names.name(a.form.responsible)) });
    }
    out.sort_by_key(|i| i.date);
    out.truncate(NEXT_ITEMS);
    out
}

/// A version of the family plan, as a PDF: the family reads every version of their plan.
pub async fn plan_pdf(app: &App, fc: &FamilyCourse, doc: u32) -> Result<Vec<u8>, AppError> {
    // A person of the network reads the versions listed for them, nothing else.
    if fc.network.is_some() && !network_plans(fc, app.clock.today()).contains(&doc) {
        return Err(AppError::NotFound);
    }
    let plan = fc.state.plans.iter().find(|p| p.doc == doc).ok_or(AppError::NotFound)?;
    let d = fc.state.documents.iter().find(|d| d.meta.doc == plan.doc).ok_or(AppError::NotFound)?;
    app.store.blob(fc.id, &d.meta.sha256).await?.ok_or(AppError::NotFound)
}

/// What a family member does on their pages, decided by core (`commands::family`).
pub enum FamilyAction {
    Withdraw {
        consent: u32,
    },
    Sign {
        consent: u32,
    },
    /// A new consent from a parent, signed as given (the giver in the input is ignored).
    Give(tovholder_core::commands::ConsentInput),
    Prepare {
        meeting: u32,
        answers: Vec<String>,
    },
    Wishes {
        text: String,
        parents_may_see: bool,
    },
    /// With a file (bytes, content type) that the upload's checks let through.
    Reply {
        thread: u32,
        text: String,
        file: Option<(Vec<u8>, String)>,
    },
    StartThread {
        subject: String,
        participants: Vec<PersonId>,
        text: String,
    },
    /// A support request to the fixed contact (a foster parent; the model's `[requests]`).
    Request {
        topic: String,
        urgency: String,
        text: String,
    },
}

impl FamilyAction {
    fn name(&self) -> &'static str {
        match self {
            FamilyAction::Withdraw { .. } => "withdraw_consent",
            FamilyAction::Sign { .. } => "sign_consent",
            FamilyAction::Give(_) => "give_consent",
            FamilyAction::Prepare { .. } => "answer_preparation",
            FamilyAction::Wishes { .. } => "write_wishes",
            FamilyAction::Reply { .. } => "post_message",
            FamilyAction::StartThread { .. } => "start_thread",
            FamilyAction::Request { .. } => "make_request",
        }
    }
}

/// Does it for the family member: decided, logged, and stored at once (a withdrawn consent's
/// recipients lose what it opened on their very next request).
pub async fn perform(app: &App, fc: &FamilyCourse, action: FamilyAction) -> Result<(), AppError> {
    // A person of the network reads; what the family does here is the family's.
    if fc.network.is_some() {
        return Err(AppError::NotFound);
    }
    // A closed course takes nothing from the family but a withdrawn consent (GDPR art. 7(3)).
    if !matches!(action, FamilyAction::Withdraw { .. }) {
        tovholder_core::commands::closing::refuse_if_closed(&fc.state)?;
    }
    let (model, state, me, today) = (fc.model.as_ref(), fc.state.as_ref(), fc.person.id, app.clock.today());
    let stamp = Stamp { at: app.clock.now(), by: me };
    // A file is scanned like staff's documents, and stored with the message.
    let mut blobs = Vec::new();
    let mut attachment = None;
    if let FamilyAction::Reply { file: Some((bytes, content_type)), .. } = &action {
        if let Some(scanner) = &app.config.clamav {
            crate::actions::scan(app, me, fc.id, scanner, bytes).await?;
        }
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes));
        attachment = Some(tovholder_core::messages::Attachment { sha256: sha256.clone(), content_type: content_type.clone(), size: bytes.len() as u64 });
        blobs.push(tovholder_store::Blob { sha256, bytes: bytes.clone() });
    }
    // A request goes to the fixed contacts, and an acute one to whoever is on call right now.
    let (to, shifts) = match &action {
        FamilyAction::Request { urgency, .. } => crate::requests::recipients(app, model, state, urgency).await?,
        _ => (vec![], vec![]),
    };
    let on_call: Vec<PersonId> = shifts.iter().map(|s| s.person).collect();
    let outcome = match &action {
        FamilyAction::Withdraw { consent } => family::withdraw_consent(state, me, *consent, today),
        FamilyAction::Sign { consent } => family::sign_consent(state, me, *consent, today),
        FamilyAction::Give(input) => family::give_consent(model, state, me, input.clone(), today),
        FamilyAction::Prepare { meeting, answers } => family::answer_preparation(model, state, me, *meeting, answers, today),
        FamilyAction::Wishes { text, parents_may_see } => family::write_wishes(model, state, me, text, *parents_may_see, today),
        FamilyAction::Reply { thread, text, .. } => tovholder_core::commands::messages::family_post(state, me, *thread, text, attachment),
        FamilyAction::StartThread { subject, participants, text } => tovholder_core::commands::messages::family_start(model, state, me, subject, participants, text),
        FamilyAction::Request { topic, urgency, text } => {
            let ask = tovholder_core::commands::requests::Ask { topic, urgency, text };
            tovholder_core::commands::requests::make(model, state, me, ask, &to, &on_call)
        }
    };
    let reason = if outcome.is_ok() { format!("family:{}", fc.roles.join(",")) } else { "invalid_input".into() };
    log(app, AccessRecord { at: stamp.at, person: Some(me), course: Some(fc.id), action: format!("write:{}", action.name()), allowed: true, reason }).await?;
    let mut events = outcome?;
    let mut after = state.clone();
    for e in &events {
        after.apply(&stamp, e);
    }
    crate::network_persons::link_named(app, &mut after, &mut events, &stamp).await?;
    let mut mails = crate::actions::mails(app, model, fc.id, state, &after).await?;
    let acute = after.requests.len() > state.requests.len() && after.requests.last().and_then(|r| model.requests.as_ref()?.urgencies.get(&r.urgency)).is_some_and(|u| u.acute);
    if matches!(action, FamilyAction::Request { .. }) {
        let mut people = to.clone();
        people.extend(&on_call);
        mails.extend(crate::requests::mails(app, fc.id, &app.store.persons(&people).await?, acute, &on_call));
        if acute {
            mails.extend(crate::requests::texts_on_call(app, fc.id, &shifts));
        }
    } else {
        mails.extend(crate::messages::mails(app, fc.id, &after, &events, me).await?);
    }
    let entries = events.into_iter().map(|event| NewEntry { stamp: stamp.clone(), event }).collect();
    app.store.append(fc.id, fc.version, &crate::actions::commit(model, after, entries, mails, blobs)).await?;
    Ok(())
}
