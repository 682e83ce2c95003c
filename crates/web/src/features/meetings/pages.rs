//! The meeting pages (plan a meeting; one meeting with its agenda, participants, invitations,
//! checklist, minutes and agreements) and the family plan page (network map, goals and
//! indicators, interventions, status, plan versions). Forms go through `actions::perform`.

use std::collections::BTreeMap;

use crate::http::path::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::DateTime;
use tovholder_core::commands::{self, FieldError};
use tovholder_core::family_plan::{Intervention, Quadrant};
use tovholder_core::ids::PersonId;
use tovholder_core::meetings::{AgendaItem, Minutes, Round, TimeBox, Who};

use crate::App;
use crate::features::courses::pages::{Choice, SavedQuery, parse_date};
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::ui::{FormState, Layout};
use tovholder_app::actions::{self, Command};
use tovholder_app::meeting_actions::{names_data, network_entries};
use tovholder_app::meeting_views::{self, MeetingView, Names};
use tovholder_app::views::date_da;

type FormData = Vec<(String, String)>;

fn get<'a>(form: &'a FormData, key: &str) -> &'a str {
    form.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}

fn all<'a>(form: &'a FormData, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    form.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn opt_date(form: &FormData, key: &str, errors: &mut Vec<FieldError>) -> Option<jiff::civil::Date> {
    let v = get(form, key);
    if v.trim().is_empty() {
        return None;
    }
    parse_date(key, v).map_err(|e| errors.push(e)).ok()
}

fn person(v: &str) -> Option<PersonId> {
    v.trim().parse().ok().map(PersonId)
}

/// Where a form's page is, to come back to it.
#[derive(Clone, Copy)]
enum Back {
    Course,
    Meeting(u32),
    NewMeeting,
    Plan,
}

fn saved_text(what: &str) -> Option<&'static str> {
    Some(match what {
        "moede" => "Mødet er gemt.",
        "invitationer" => "Invitationerne er sendt med kalenderinvitation. Dagsordenen sendes automatisk en uge før mødet.",
        "afbud" => "Afbuddet er registreret.",
        "referat" => "Referatet er gemt.",
        "tjekliste" => "Tjeklisten er opdateret.",
        "aflyst" => "Mødet er aflyst, og deltagerne har fået besked.",
        "aftale" => "Aftalen er gemt.",
        "netvaerk" => "Netværket er opdateret.",
        "maal" => "Målet er gemt.",
        "maaling" => "Målingen er gemt.",
        "indsats" => "Indsatsen er gemt.",
        "status" => "Status er gemt.",
        "plan" => "Den nye version af planen er udarbejdet.",
        "plan_sendt" => "Planen er sendt til deltagerne, som samtykket dækker.",
        "fase" => "Fasen er skiftet.",
        _ => return None,
    })
}

/// Runs the ops; on success back to the page, on bad input the page again with the errors.
async fn submit(app: &App, course: &AuthorizedCourse, ops: Result<Vec<Command>, Vec<FieldError>>, form: FormData, saved: &str, back: Back) -> Result<Response, PageError> {
    let result = match ops {
        Ok(ops) => actions::perform(app, course, ops).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let submitted: BTreeMap<String, String> = form.into_iter().collect();
    let (errors, status) = match result {
        Ok(()) => {
            let url = match back {
                Back::Course => format!("/forloeb/{}?gemt={saved}#moeder", course.id),
                Back::Meeting(m) => format!("/forloeb/{}/moeder/{m}?gemt={saved}", course.id),
                Back::NewMeeting => format!("/forloeb/{}/moeder/{}?gemt={saved}", course.id, course.state.meetings.iter().map(|m| m.id).max().unwrap_or(0) + 1),
                Back::Plan => format!("/forloeb/{}/familieplan?gemt={saved}", course.id),
            };
            return Ok(Redirect::to(&url).into_response());
        }
        Err(AppError::Invalid(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict(message)) => (vec![FieldError { field: "gemt".into(), message }], StatusCode::CONFLICT),
        Err(e) => return Err(e.into()),
    };
    // A conflict shows what is saved now.
    let now = AuthorizedCourse::load(app, course.user.clone(), course.id, tovholder_core::model::Action::Read, "read:after_refusal".into()).await?;
    let page = match back {
        Back::Meeting(m) => meeting_page(app, &now, m, &submitted, errors, None).await?.into_response(),
        Back::NewMeeting | Back::Course => new_meeting_page(app, &now, get_kind(&submitted), &submitted, errors).await?.into_response(),
        Back::Plan => plan_page(app, &now, &submitted, errors, None).await?.into_response(),
    };
    Ok((status, page).into_response())
}

fn get_kind(submitted: &BTreeMap<String, String>) -> Option<String> {
    submitted.get("kind").cloned()
}

/// The inputs of the meeting form, shared by "plan a meeting" and "change the meeting".
pub struct MeetingFormView {
    pub kind: String,
    pub kind_da: String,
    pub start: String,
    pub minutes: String,
    /// The text of a place that is not a registered one.
    pub place: String,
    /// The organisations' registered meeting places, and "another place" (`andet`).
    pub places: Vec<Choice>,
    pub attendees: Vec<Choice>,
    pub agenda: String,
}

/// The choice that means "a place of my own, shown only inside Tovholder".
const OTHER_PLACE: &str = "andet";

fn meeting_form(names: &Names, kind: &str, current: Option<&MeetingView>, submitted: &BTreeMap<String, String>, chosen: &[String], registered: &[String]) -> MeetingFormView {
    let def = names.model.meeting_types.get(kind);
    let pick = |key: &str, fallback: String| submitted.get(key).cloned().unwrap_or(fallback);
    let current_place = current.map(|m| m.place.clone()).unwrap_or_default();
    let is_registered = registered.contains(&current_place);
    let choice = pick(
        "place_choice",
        if is_registered {
            current_place.clone()
        } else if current_place.is_empty() {
            String::new()
        } else {
            OTHER_PLACE.into()
        },
    );
    let mut places = vec![Choice { value: String::new(), label: "Vælg et mødested".into(), selected: choice.is_empty() }];
    places.extend(registered.iter().map(|p| Choice { value: p.clone(), label: p.clone(), selected: *p == choice }));
    places.push(Choice { value: OTHER_PLACE.into(), label: "Et andet sted (står kun i Tovholder)".into(), selected: choice == OTHER_PLACE });
    let default_agenda = def.map(|d| d.agenda.iter().map(|i| format!("{} | {}", i.title, i.time)).collect::<Vec<_>>().join("\n")).unwrap_or_default();
    let in_meeting: Vec<String> = current.map(|m| m.attendees.iter().map(|a| a.key.clone()).collect()).unwrap_or_default();
    MeetingFormView {
        kind: kind.to_string(),
        kind_da: def.map_or_else(String::new, |d| d.label.clone()),
        start: pick("start", current.map(|m| m.start_iso.clone()).unwrap_or_default()),
        minutes: pick("minutes", current.map(|m| m.minutes).or(def.map(|d| d.minutes)).map(|m| m.to_string()).unwrap_or_default()),
        place: pick("place", if is_registered { String::new() } else { current_place.clone() }),
        places,
        attendees: names.choices().into_iter().map(|(value, label)| Choice { selected: if chosen.is_empty() { in_meeting.contains(&value) } else { chosen.contains(&value) }, value, label }).collect(),
        agenda: pick("agenda", current.map(|m| m.agenda_text.clone()).unwrap_or(default_agenda)),
    }
}

/// "Titel | 5", "Titel | 5-10", "Titel | 5/deltager", one point a line.
fn parse_agenda(text: &str) -> Result<Vec<AgendaItem>, FieldError> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (title, time) = l.rsplit_once('|').unwrap_or((l, ""));
            TimeBox::parse(time).map(|time| AgendaItem { title: title.trim().to_string(), time }).map_err(|e| FieldError { field: "agenda".into(), message: format!("Dagsordenen: {e}.") })
        })
        .collect()
}

fn meeting_op(form: &FormData, meeting: Option<u32>) -> Result<Vec<Command>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let start = match get(form, "start").trim() {
        "" => None,
        s => match s.parse::<DateTime>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError { field: "start".into(), message: "Skriv dato og klokkeslæt, fx 2026-12-03 09:00.".into() });
                None
            }
        },
    };
    let minutes = match get(form, "minutes").trim() {
        "" => None,
        m => match m.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError { field: "minutes".into(), message: "Skriv mødets længde i minutter.".into() });
                None
            }
        },
    };
    let agenda = match parse_agenda(get(form, "agenda")) {
        Ok(a) if a.is_empty() => None,
        Ok(a) => Some(a),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let attendees: Vec<Who> = all(form, "attendees").filter_map(Who::from_key).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    // A registered place is chosen from the list; any other is typed (and stays in Tovholder).
    let place = match get(form, "place_choice") {
        "" | OTHER_PLACE => get(form, "place"),
        registered => registered,
    };
    Ok(vec![Command::PlanMeeting { meeting, kind: get(form, "kind").to_string(), start, minutes, place: place.to_string(), attendees, agenda }])
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/new.html")]
pub struct NewMeetingPage {
    pub layout: Layout,
    pub course: tovholder_core::ids::CourseId,
    pub version: i64,
    pub title: String,
    pub kinds: Vec<Choice>,
    pub form: Option<MeetingFormView>,
    pub csrf: String,
    pub errors: Vec<FieldError>,
}

crate::ui::form_state!(NewMeetingPage);

#[derive(serde::Deserialize)]
pub struct KindQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
}

pub async fn new_meeting(State(app): State<App>, course: AuthorizedCourse, Query(q): Query<KindQuery>) -> Result<Response, PageError> {
    Ok(new_meeting_page(&app, &course, q.kind, &BTreeMap::new(), vec![]).await?.into_response())
}

async fn new_meeting_page(app: &App, course: &AuthorizedCourse, kind: Option<String>, submitted: &BTreeMap<String, String>, errors: Vec<FieldError>) -> Result<NewMeetingPage, AppError> {
    let (people, orgs) = names_data(app, &course.state).await?;
    let names = Names { model: &course.model, state: &course.state, people: &people, orgs: &orgs };
    let kind = kind.filter(|k| course.model.meeting_types.contains_key(k));
    let chosen: Vec<String> = if errors.is_empty() { vec![] } else { submitted.iter().filter(|(k, _)| k.starts_with("attendees")).map(|(_, v)| v.clone()).collect() };
    let title = tovholder_app::views::course_title(&course.model, &course.state, &people);
    let registered = tovholder_app::meeting_actions::registered_places(app, &course.state).await?;
    Ok(NewMeetingPage {
        layout: Layout::for_course(app, course, &course.user),
        course: course.id,
        version: course.version,
        title,
        kinds: course.model.meeting_types.iter().map(|(k, t)| Choice { value: k.clone(), label: t.label.clone(), selected: kind.as_deref() == Some(k.as_str()) }).collect(),
        form: kind.as_deref().map(|k| meeting_form(&names, k, None, submitted, &chosen, &registered)),
        csrf: course.user.csrf.clone(),
        errors,
    })
}

pub async fn plan_meeting(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let meeting = get(&form, "meeting").parse::<u32>().ok();
    let ops = meeting_op(&form, meeting);
    let back = meeting.map_or(Back::NewMeeting, Back::Meeting);
    submit(&app, &course, ops, form, "moede", back).await
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/meeting.html")]
pub struct MeetingPage {
    pub layout: Layout,
    pub course: tovholder_core::ids::CourseId,
    pub version: i64,
    pub title: String,
    pub m: MeetingView,
    pub may_plan: bool,
    /// The form to change the meeting.
    pub f: MeetingFormView,
    /// Who may be responsible for an agreement.
    pub people: Vec<Choice>,
    pub csrf: String,
    pub errors: Vec<FieldError>,
    pub saved: Option<&'static str>,
    pub submitted: BTreeMap<String, String>,
    pub today_iso: String,
    pub via_consent: bool,
}

crate::ui::form_state!(MeetingPage, submitted);

pub async fn show_meeting(State(app): State<App>, course: AuthorizedCourse, Path((_, meeting)): Path<(i64, u32)>, Query(q): Query<SavedQuery>) -> Result<Response, PageError> {
    let saved = q.gemt.as_deref().and_then(saved_text);
    Ok(meeting_page(&app, &course, meeting, &BTreeMap::new(), vec![], saved).await?.into_response())
}

async fn meeting_page(app: &App, course: &AuthorizedCourse, meeting: u32, submitted: &BTreeMap<String, String>, errors: Vec<FieldError>, saved: Option<&'static str>) -> Result<MeetingPage, AppError> {
    let Some(m) = course.state.meeting(meeting) else { return Err(AppError::NotFound) };
    let (people, orgs) = names_data(app, &course.state).await?;
    let names = Names { model: &course.model, state: &course.state, people: &people, orgs: &orgs };
    let actor = course.user.actor();
    let today = app.clock.today();
    let may_plan = commands::allowed(&course.model, &course.state, &actor, today).plan_meeting;
    let agreements = meeting_views::agreements(&names, actor.person, may_plan, today);
    let via_consent = course.via_consent();
    let view = meeting_views::meeting_view(&names, m, &agreements, via_consent);
    let registered = tovholder_app::meeting_actions::registered_places(app, &course.state).await?;
    let form = meeting_form(&names, &m.form.kind, Some(&view), submitted, &[], &registered);
    Ok(MeetingPage {
        layout: Layout::for_course(app, course, &course.user),
        course: course.id,
        version: course.version,
        title: tovholder_app::views::course_title(&course.model, &course.state, &people),
        people: names.choices().into_iter().map(|(value, label)| Choice { selected: submitted.get("responsible") == Some(&value), value, label }).collect(),
        m: view,
        may_plan,
        f: form,
        csrf: course.user.csrf.clone(),
        errors,
        saved,
        submitted: submitted.clone(),
        today_iso: today.to_string(),
        via_consent,
    })
}

pub async fn send_invitations(State(app): State<App>, course: AuthorizedCourse, Path((_, meeting)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    submit(&app, &course, Ok(vec![Command::SendInvitations { meeting }]), form, "invitationer", Back::Meeting(meeting)).await
}

pub async fn cancel(State(app): State<App>, course: AuthorizedCourse, Path((_, meeting)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let note = Some(get(&form, "note").to_string()).filter(|n| !n.trim().is_empty());
    submit(&app, &course, Ok(vec![Command::CancelMeeting { meeting, note }]), form, "aflyst", Back::Meeting(meeting)).await
}

pub async fn apology(State(app): State<App>, course: AuthorizedCourse, Path((_, meeting)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let ops = match Who::from_key(get(&form, "who")) {
        Some(who) => Ok(vec![Command::RecordApology { meeting, who, substitute: get(&form, "substitute").to_string() }]),
        None => Err(vec![FieldError { field: "who".into(), message: "Vælg, hvem der har meldt afbud.".into() }]),
    };
    submit(&app, &course, ops, form, "afbud", Back::Meeting(meeting)).await
}

pub async fn checklist(State(app): State<App>, course: AuthorizedCourse, Path((_, meeting)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let on = opt_date(&form, "on", &mut errors).unwrap_or_else(|| app.clock.today());
    let ops = if errors.is_empty() { Ok(vec![Command::TickChecklist { meeting, step: get(&form, "step").to_string(), on }]) } else { Err(errors) };
    submit(&app, &course, ops, form, "tjekliste", Back::Meeting(meeting)).await
}

pub async fn minutes(State(app): State<App>, course: AuthorizedCourse, Path((_, meeting)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let rounds = course
        .state
        .meeting(meeting)
        .map(|m| {
            m.form
                .attendees
                .iter()
                .map(|w| Round { who: *w, works: get(&form, &format!("works.{}", w.key())).to_string(), challenges: get(&form, &format!("challenges.{}", w.key())).to_string() })
                .collect()
        })
        .unwrap_or_default();
    let minutes = Minutes {
        present: all(&form, "present").filter_map(Who::from_key).collect(),
        story: get(&form, "story").to_string(),
        best_hope: get(&form, "best_hope").to_string(),
        rounds,
        dialogue: get(&form, "dialogue").to_string(),
    };
    submit(&app, &course, Ok(vec![Command::RecordMinutes { meeting, minutes }]), form, "referat", Back::Meeting(meeting)).await
}

/// An agreement from the meeting page (with `meeting`) or between meetings.
pub async fn agreement(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let due = opt_date(&form, "due", &mut errors);
    let meeting = get(&form, "meeting").parse::<u32>().ok();
    let op = Command::MakeAgreement { meeting, what: get(&form, "what").to_string(), responsible: Who::from_key(get(&form, "responsible")), due };
    let back = meeting.map_or(Back::Plan, Back::Meeting);
    submit(&app, &course, if errors.is_empty() { Ok(vec![op]) } else { Err(errors) }, form, "aftale", back).await
}

/// Marks an agreement kept or dropped; the command lets the responsible staff member do it too.
pub async fn close_agreement(State(app): State<App>, course: AuthorizedCourse, Path((_, agreement)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let note = Some(get(&form, "note").to_string()).filter(|n| !n.trim().is_empty());
    let op = Command::CloseAgreement { agreement, done: get(&form, "done") != "nej", note };
    let back = match get(&form, "back").parse::<u32>() {
        Ok(m) => Back::Meeting(m),
        Err(_) => Back::Course,
    };
    if let Back::Course = back {
        let result = actions::perform(&app, &course, vec![op]).await;
        return crate::features::courses::pages::outcome(&app, &course, result, form, "aftale").await;
    }
    submit(&app, &course, Ok(vec![op]), form, "aftale", back).await
}

pub async fn set_phase(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let on = opt_date(&form, "on", &mut errors).unwrap_or_else(|| app.clock.today());
    let result = if errors.is_empty() { actions::perform(&app, &course, vec![Command::SetPhase { phase: get(&form, "phase").to_string(), on }]).await } else { Err(AppError::Invalid(errors)) };
    crate::features::courses::pages::outcome(&app, &course, result, form, "fase").await
}

// The family plan page.

pub struct IndicatorView {
    pub label: String,
    pub svg: String,
    /// (date, value) as shown
    pub rows: Vec<(String, String)>,
}

pub struct NetworkRow {
    pub name: String,
    pub relation: String,
    pub contact: String,
}

pub struct PlanVersionView {
    pub version: String,
    pub doc: u32,
    pub when_da: String,
    pub period_da: String,
    pub sent_da: Vec<String>,
}

pub struct GoalView {
    pub id: u32,
    pub text: String,
    pub when: String,
    pub who: String,
    pub criteria: String,
    pub reached: bool,
    pub sub: Vec<GoalView>,
}

pub struct InterventionView {
    pub name: String,
    pub i: Intervention,
    pub start_da: String,
    pub end_da: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/family_plan.html")]
pub struct PlanPage {
    pub layout: Layout,
    pub course: tovholder_core::ids::CourseId,
    pub version: i64,
    pub title: String,
    pub plan_label: String,
    pub map_svg: String,
    /// (quadrant label, the people in it)
    pub network: Vec<(String, Vec<NetworkRow>)>,
    pub quadrants: Vec<Choice>,
    pub users: Vec<Choice>,
    pub goals: Vec<GoalView>,
    pub indicators: Vec<IndicatorView>,
    pub indicator_kinds: Vec<Choice>,
    pub family: Vec<Choice>,
    pub interventions: Vec<InterventionView>,
    /// (name, status)
    pub statuses: Vec<(String, String)>,
    pub versions: Vec<PlanVersionView>,
    pub next_version: String,
    pub meetings: Vec<Choice>,
    pub may_record: bool,
    pub may_issue: bool,
    pub may_network: bool,
    pub people: Vec<Choice>,
    pub csrf: String,
    pub errors: Vec<FieldError>,
    pub saved: Option<&'static str>,
    pub submitted: BTreeMap<String, String>,
    pub today_iso: String,
}

crate::ui::form_state!(PlanPage, submitted);

pub async fn show_plan(State(app): State<App>, course: AuthorizedCourse, Query(q): Query<SavedQuery>) -> Result<Response, PageError> {
    let saved = q.gemt.as_deref().and_then(saved_text);
    Ok(plan_page(&app, &course, &BTreeMap::new(), vec![], saved).await?.into_response())
}

async fn plan_page(app: &App, course: &AuthorizedCourse, submitted: &BTreeMap<String, String>, errors: Vec<FieldError>, saved: Option<&'static str>) -> Result<PlanPage, AppError> {
    let (model, state) = (&course.model, &course.state);
    // The plan's content is for those with a role; consent readers get plan versions sent.
    if course.via_consent() || model.plan.is_none() {
        return Err(AppError::NotFound);
    }
    let (people, orgs) = names_data(app, state).await?;
    let names = Names { model, state, people: &people, orgs: &orgs };
    let actor = course.user.actor();
    let today = app.clock.today();
    let allowed = commands::allowed(model, state, &actor, today);
    let family_ids = meeting_views::family(model, state);
    let centre: Vec<String> = family_ids.iter().map(|p| names.name(Who::Person(*p))).collect();
    let network = Quadrant::ALL
        .iter()
        .map(|q| {
            let rows = state
                .network
                .iter()
                .filter(|e| e.quadrant == *q)
                .map(|e| NetworkRow {
                    name: e.name.clone(),
                    relation: e.relation.clone(),
                    contact: [e.phone.as_str(), e.email.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(", "),
                })
                .collect();
            (q.label_da().to_string(), rows)
        })
        .collect();
    let goal =
        |g: &tovholder_core::family_plan::Goal| GoalView { id: g.goal, text: g.text.clone(), when: g.when.clone(), who: g.who.clone(), criteria: g.criteria.clone(), reached: g.reached, sub: vec![] };
    let goals = state.goals.iter().filter(|g| g.parent.is_none()).map(|g| GoalView { sub: state.goals.iter().filter(|s| s.parent == Some(g.goal)).map(goal).collect(), ..goal(g) }).collect();
    let mut indicators = Vec::new();
    for (id, def) in &model.indicators {
        let mut keys: Vec<Option<PersonId>> = state.measurements.iter().filter(|m| m.indicator == *id).map(|m| m.person).collect();
        keys.sort();
        keys.dedup();
        for who in keys {
            let mut points: Vec<(jiff::civil::Date, f64)> = state.measurements.iter().filter(|m| m.indicator == *id && m.person == who).map(|m| (m.on, m.number())).collect();
            points.sort_by_key(|p| p.0);
            let label = match who {
                Some(p) => format!("{} for {}", def.label, names.name(Who::Person(p))),
                None => def.label.clone(),
            };
            let rows = points.iter().map(|(d, v)| (date_da(*d), format!("{} {}", v.to_string().replace('.', ","), def.unit).trim().to_string())).collect();
            indicators.push(IndicatorView { svg: tovholder_docs::plot::indicator_plot_svg(&label, &def.unit, &points), label, rows });
        }
    }
    let mut users = vec![Choice { value: String::new(), label: "Ingen (personen har ikke login)".into(), selected: true }];
    let mut orgs_in: Vec<tovholder_core::ids::OrgId> = state.parties.values().copied().collect();
    orgs_in.extend(state.consents.iter().flat_map(|c| c.recipients.iter().map(|r| r.org)));
    orgs_in.sort();
    orgs_in.dedup();
    for o in orgs_in {
        for u in app.store.staff(o).await?.iter() {
            let dept = u.department.clone().map(|d| format!("{d}, ")).unwrap_or_default();
            users.push(Choice { value: u.person.to_string(), label: format!("{} ({dept}{})", u.name, u.org_name), selected: false });
        }
    }
    let plan_label = model.plan.as_ref().map_or_else(String::new, |p| p.label.clone());
    Ok(PlanPage {
        layout: Layout::for_course(app, course, &course.user),
        course: course.id,
        version: course.version,
        title: tovholder_app::views::course_title(model, state, &people),
        map_svg: tovholder_docs::network_map::network_map_svg(&centre, &network_entries(state)),
        network,
        quadrants: Quadrant::ALL.iter().map(|q| Choice { value: q.as_str().into(), label: q.label_da().into(), selected: submitted.get("quadrant").map(String::as_str) == Some(q.as_str()) }).collect(),
        users,
        goals,
        indicators,
        indicator_kinds: model.indicators.iter().map(|(k, d)| Choice { value: k.clone(), label: d.label.clone(), selected: submitted.get("indicator") == Some(k) }).collect(),
        family: family_ids.iter().map(|p| Choice { value: p.to_string(), label: names.name(Who::Person(*p)), selected: false }).collect(),
        interventions: state
            .interventions
            .iter()
            .map(|i| InterventionView {
                name: i.person.map(|p| names.name(Who::Person(p))).unwrap_or_default(),
                start_da: i.start.map(date_da).unwrap_or_default(),
                end_da: i.end.map(date_da).unwrap_or_default(),
                i: i.clone(),
            })
            .collect(),
        statuses: state.statuses.iter().map(|(p, r)| (names.name(Who::Person(*p)), r.value.clone())).collect(),
        versions: state
            .plans
            .iter()
            .rev()
            .map(|p| PlanVersionView {
                version: p.version.clone(),
                doc: p.doc,
                when_da: tovholder_core::calendar::format_timestamp_da(p.stamp.at).unwrap_or_default(),
                period_da: format!("{} – {}", date_da(p.period_from), date_da(p.period_to)),
                sent_da: state.document(p.doc).map(|d| d.sent.iter().map(|s| names.name(Who::Person(s.to.person))).collect()).unwrap_or_default(),
            })
            .collect(),
        next_version: tovholder_core::family_plan::next_version(&state.plans),
        meetings: state
            .meetings
            .iter()
            .filter(|m| m.status != tovholder_core::meetings::MeetingStatus::Cancelled)
            .map(|m| Choice { value: m.id.to_string(), label: format!("{} {}", model.meeting_types.get(&m.form.kind).map_or("Møde", |t| t.label.as_str()), date_da(m.date())), selected: false })
            .collect(),
        may_record: allowed.record_plan,
        may_issue: allowed.issue_plan,
        may_network: allowed.plan_meeting,
        people: names.choices().into_iter().map(|(value, label)| Choice { selected: submitted.get("responsible") == Some(&value), value, label }).collect(),
        plan_label,
        csrf: course.user.csrf.clone(),
        errors,
        saved,
        submitted: submitted.clone(),
        today_iso: today.to_string(),
    })
}

pub async fn network(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let ops = match Quadrant::parse(get(&form, "quadrant")) {
        Some(quadrant) => Ok(vec![Command::SetNetwork {
            entry: None,
            quadrant,
            name: get(&form, "name").to_string(),
            relation: get(&form, "relation").to_string(),
            email: get(&form, "email").to_string(),
            phone: get(&form, "phone").to_string(),
            person: person(get(&form, "person")),
        }]),
        None => Err(vec![FieldError { field: "quadrant".into(), message: "Vælg, hvor i netværket personen hører til.".into() }]),
    };
    submit(&app, &course, ops, form, "netvaerk", Back::Plan).await
}

pub async fn goal(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let op = Command::SetGoal {
        goal: None,
        parent: get(&form, "parent").parse().ok(),
        text: get(&form, "text").to_string(),
        when: get(&form, "when").to_string(),
        who: get(&form, "who").to_string(),
        criteria: get(&form, "criteria").to_string(),
        reached: false,
    };
    submit(&app, &course, Ok(vec![op]), form, "maal", Back::Plan).await
}

pub async fn measure(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let on = opt_date(&form, "on", &mut errors);
    let op = Command::Measure { indicator: get(&form, "indicator").to_string(), person: person(get(&form, "person")), on, value: get(&form, "value").to_string() };
    submit(&app, &course, if errors.is_empty() { Ok(vec![op]) } else { Err(errors) }, form, "maaling", Back::Plan).await
}

pub async fn intervention(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let start = opt_date(&form, "start", &mut errors);
    let end = opt_date(&form, "end", &mut errors);
    let i = Intervention {
        intervention: 0,
        person: person(get(&form, "person")),
        plan: get(&form, "plan").into(),
        offer: get(&form, "offer").into(),
        hours: get(&form, "hours").into(),
        follow_up: get(&form, "follow_up").into(),
        start,
        end,
        purpose: get(&form, "purpose").into(),
        goal: get(&form, "goal").into(),
        responsible: get(&form, "responsible_text").into(),
        who_does_what: get(&form, "who_does_what").into(),
    };
    submit(&app, &course, if errors.is_empty() { Ok(vec![Command::SetIntervention(i)]) } else { Err(errors) }, form, "indsats", Back::Plan).await
}

pub async fn status(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let ops = match person(get(&form, "person")) {
        Some(p) => Ok(vec![Command::RecordStatus { person: p, text: get(&form, "status").to_string() }]),
        None => Err(vec![FieldError { field: "person".into(), message: "Vælg hvem i familien.".into() }]),
    };
    submit(&app, &course, ops, form, "status", Back::Plan).await
}

/// Issues a new version, and sends it at once when asked.
pub async fn issue(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut ops = vec![Command::IssuePlan { meeting: get(&form, "meeting").parse().ok() }];
    if get(&form, "send") == "ja" {
        ops.push(Command::SendPlan { doc: 0 });
    }
    let saved = if ops.len() > 1 { "plan_sendt" } else { "plan" };
    submit(&app, &course, Ok(ops), form, saved, Back::Plan).await
}

pub async fn send(State(app): State<App>, course: AuthorizedCourse, Path((_, doc)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    submit(&app, &course, Ok(vec![Command::SendPlan { doc }]), form, "plan_sendt", Back::Plan).await
}
