//! The family plan page: the network map, goals and indicators, interventions, each person's
//! status and the plan's versions (issued as PDF and sent). Forms go through `http::form::submit`.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use tovholder_app::actions::Command;
use tovholder_app::meeting_actions::{names_data, network_entries};
use tovholder_app::meeting_views::Names;
use tovholder_app::views::date_da;
use tovholder_core::commands::{self, FieldError};
use tovholder_core::family_plan::{Intervention, Quadrant};
use tovholder_core::ids::PersonId;
use tovholder_core::meetings::Who;

use crate::App;
use crate::features::courses::pages::{Choice, SavedQuery};
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::form::{self, FormData, get, opt_date, person};
use crate::http::path::Path;
use crate::ui::{FormState, Layout};

fn saved_text(what: &str) -> Option<&'static str> {
    Some(match what {
        "aftale" => "Aftalen er gemt.",
        "netvaerk" => "Netværket er opdateret.",
        "maal" => "Målet er gemt.",
        "maaling" => "Målingen er gemt.",
        "indsats" => "Indsatsen er gemt.",
        "status" => "Status er gemt.",
        "plan" => "Den nye version af planen er udarbejdet.",
        "plan_sendt" => "Planen er sendt til deltagerne, som samtykket dækker.",
        _ => return None,
    })
}

/// Runs a plan form's commands and comes back to the plan page.
pub(crate) async fn submit(app: &App, course: &AuthorizedCourse, ops: Result<Vec<Command>, Vec<FieldError>>, form: FormData, saved: &str) -> Result<Response, PageError> {
    let to = format!("/forloeb/{}/familieplan?gemt={saved}", course.id);
    form::submit(app, course, ops, form, to, async |now, submitted, errors| Ok(plan_page(app, now, submitted, errors, None).await?.into_response())).await
}

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
#[template(path = "family_plan/plan.html")]
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

pub(crate) async fn plan_page(app: &App, course: &AuthorizedCourse, submitted: &BTreeMap<String, String>, errors: Vec<FieldError>, saved: Option<&'static str>) -> Result<PlanPage, AppError> {
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
    let family_ids = tovholder_core::commands::family::members(model, state);
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
    submit(&app, &course, ops, form, "netvaerk").await
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
    submit(&app, &course, Ok(vec![op]), form, "maal").await
}

pub async fn measure(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let on = opt_date(&form, "on", &mut errors);
    let op = Command::Measure { indicator: get(&form, "indicator").to_string(), person: person(get(&form, "person")), on, value: get(&form, "value").to_string() };
    submit(&app, &course, if errors.is_empty() { Ok(vec![op]) } else { Err(errors) }, form, "maaling").await
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
    submit(&app, &course, if errors.is_empty() { Ok(vec![Command::SetIntervention(i)]) } else { Err(errors) }, form, "indsats").await
}

pub async fn status(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let ops = match person(get(&form, "person")) {
        Some(p) => Ok(vec![Command::RecordStatus { person: p, text: get(&form, "status").to_string() }]),
        None => Err(vec![FieldError { field: "person".into(), message: "Vælg hvem i familien.".into() }]),
    };
    submit(&app, &course, ops, form, "status").await
}

/// Issues a new version, and sends it at once when asked.
pub async fn issue(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut ops = vec![Command::IssuePlan { meeting: get(&form, "meeting").parse().ok() }];
    if get(&form, "send") == "ja" {
        ops.push(Command::SendPlan { doc: 0 });
    }
    let saved = if ops.len() > 1 { "plan_sendt" } else { "plan" };
    submit(&app, &course, Ok(ops), form, saved).await
}

pub async fn send(State(app): State<App>, course: AuthorizedCourse, Path((_, doc)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    submit(&app, &course, Ok(vec![Command::SendPlan { doc }]), form, "plan_sendt").await
}
