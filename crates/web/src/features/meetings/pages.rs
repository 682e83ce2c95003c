//! The meeting pages: plan a meeting; one meeting with its agenda, participants, invitations,
//! checklist, minutes and agreements; the course's phase. Forms go through `http::form::submit`.

use std::collections::BTreeMap;

use crate::http::path::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jiff::civil::DateTime;
use tovholder_core::commands::{self, FieldError};
use tovholder_core::meetings::{AgendaItem, Minutes, Round, TimeBox, Who};

use crate::App;
use crate::features::courses::pages::{Choice, SavedQuery};
use crate::features::family_plan;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::form::{self, FormData, all, get, opt_date};
use crate::ui::{FormState, Layout};
use tovholder_app::actions::{self, Command};
use tovholder_app::meeting_actions::names_data;
use tovholder_app::meeting_views::{self, MeetingView, Names};

/// Where a meeting form comes back to.
#[derive(Clone, Copy)]
enum Back {
    Meeting(u32),
    NewMeeting,
    /// An agreement made outside a meeting, on the family plan page.
    Plan,
}

fn saved_text(what: &str) -> Option<&'static str> {
    Some(match what {
        "moede" => "Mødet er gemt.",
        "invitationer" => "Invitationerne er sendt med kalenderinvitation. Dagsordenen sendes automatisk en uge før mødet.",
        "afbud" => "Afbuddet er registreret.",
        "referat" => "Referatet er gemt.",
        "referat_familie" => "Gemt: det står ved referatet, om familien kan læse det.",
        "tjekliste" => "Tjeklisten er opdateret.",
        "aflyst" => "Mødet er aflyst, og deltagerne har fået besked.",
        "aftale" => "Aftalen er gemt.",
        _ => return None,
    })
}

/// Runs a meeting form's commands and comes back to its page.
async fn submit(app: &App, course: &AuthorizedCourse, ops: Result<Vec<Command>, Vec<FieldError>>, form: FormData, saved: &str, back: Back) -> Result<Response, PageError> {
    let to = match back {
        Back::Meeting(m) => format!("/forloeb/{}/moeder/{m}?gemt={saved}", course.id),
        Back::NewMeeting => format!("/forloeb/{}/moeder/{}?gemt={saved}", course.id, course.state.meetings.iter().map(|m| m.id).max().unwrap_or(0) + 1),
        Back::Plan => return family_plan::pages::submit(app, course, ops, form, saved).await,
    };
    form::submit(app, course, ops, form, to, async |now, submitted, errors| {
        Ok(match back {
            Back::Meeting(m) => meeting_page(app, now, m, submitted, errors, None).await?.into_response(),
            _ => new_meeting_page(app, now, get_kind(submitted), submitted, errors).await?.into_response(),
        })
    })
    .await
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
    /// The viewer.
    pub me: tovholder_core::ids::PersonId,
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
        me: actor.person,
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

/// The minutes' author shows them on the family's pages (`shared=ja`), or hides them again.
pub async fn share_minutes(State(app): State<App>, course: AuthorizedCourse, Path((_, meeting)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let shared = get(&form, "shared") == "ja";
    submit(&app, &course, Ok(vec![Command::ShareMinutes { meeting, shared }]), form, "referat_familie", Back::Meeting(meeting)).await
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
    let Ok(meeting) = get(&form, "back").parse::<u32>() else {
        let result = actions::perform(&app, &course, vec![op]).await;
        return crate::features::courses::pages::outcome(&app, &course, result, form, "aftale").await;
    };
    submit(&app, &course, Ok(vec![op]), form, "aftale", Back::Meeting(meeting)).await
}

pub async fn set_phase(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let on = opt_date(&form, "on", &mut errors).unwrap_or_else(|| app.clock.today());
    let result = if errors.is_empty() { actions::perform(&app, &course, vec![Command::SetPhase { phase: get(&form, "phase").to_string(), on }]).await } else { Err(AppError::Invalid(errors)) };
    crate::features::courses::pages::outcome(&app, &course, result, form, "fase").await
}
