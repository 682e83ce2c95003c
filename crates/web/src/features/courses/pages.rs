//! The course page and its forms. Each form posts to a route whose extractor runs the policy,
//! builds `actions::Command`s and hands them to the command layer, like the JSON API does.

use std::collections::BTreeMap;

use crate::http::path::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_core::commands::{self, FieldError};
use tovholder_core::ids::PersonId;

use crate::App;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::form::parse_date;
use crate::ui::{FormState, Layout};
use tovholder_app::actions::{self, Command};
use tovholder_app::views::{self, CourseView, JournalView};

pub struct DateInput {
    pub id: String,
    pub label: String,
    pub value: String,
    pub hint: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct SelectInput {
    pub id: String,
    pub label: String,
    pub options: Vec<Choice>,
    /// A role that asks for a hand-over note when its holder is replaced: the note as typed.
    pub handover: Option<String>,
}

pub struct TextInput {
    pub id: String,
    pub label: String,
    pub hint: String,
    pub value: String,
}

/// The forms the user may use on this course, with current (or just submitted) values.
#[derive(Default)]
pub struct Forms {
    pub dates: Vec<DateInput>,
    pub roles: Vec<SelectInput>,
    pub fields: Vec<TextInput>,
    pub decisions: Vec<SelectInput>,
    pub tasks: Vec<String>,
    /// Kinds of document the user may add, and whom they may send them to.
    pub document_kinds: Vec<Choice>,
    pub document_recipients: Vec<Choice>,
    /// Per readable document, the people it may still be sent or forwarded to.
    pub sendable: Vec<(u32, Vec<Choice>)>,
    /// Change proposals the user may make: kind, label, the dates it may move.
    pub changes: Vec<(String, String, Vec<DateInput>)>,
    /// Answers the user may record: (change, party, party label, on behalf).
    pub answers: Vec<(u32, String, String, bool)>,
    /// The user records consents (the form is a page of its own: `consents::new_consent`).
    pub consent: bool,
    /// The user closes the course (its reasons), or reopens it when closed.
    pub close: Vec<Choice>,
    /// The user corrects the family (a coordinator): the family roles one can be added in.
    pub family_roles: Vec<Choice>,
    pub plan_meeting: bool,
    pub set_phase: bool,
}

impl Forms {
    pub fn can_complete(&self, task: &str) -> bool {
        self.tasks.iter().any(|t| t == task)
    }
    pub fn send_choices(&self, doc: &u32) -> Option<&Vec<Choice>> {
        self.sendable.iter().find(|(d, c)| d == doc && !c.is_empty()).map(|(_, c)| c)
    }
    pub fn answers_for(&self, change: &u32) -> Vec<&(u32, String, String, bool)> {
        self.answers.iter().filter(|a| a.0 == *change).collect()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "courses/course.html")]
pub struct CoursePage {
    pub layout: Layout,
    pub c: CourseView,
    pub journal: std::sync::Arc<Vec<JournalView>>,
    pub forms: Forms,
    pub csrf: String,
    pub errors: Vec<FieldError>,
    pub saved: Option<&'static str>,
    pub submitted: BTreeMap<String, String>,
    /// Today as yyyy-mm-dd, for date fields.
    pub today_iso: String,
    /// The viewer sees the course only by the family's consent: no journal, and the way back
    /// is "Delt med mig".
    pub via_consent: bool,
    /// Older journal entries are left out (the page shows the newest `JOURNAL_PAGE`).
    pub journal_more: bool,
    /// Entries in the whole journal (the newest's number).
    pub journal_total: i64,
    /// The form a task's link asked to open (`?aaben=`), and the field to focus (`?felt=`).
    pub open_form: String,
    pub focus: String,
    /// Messages unread by the viewer in the threads they are in.
    pub unread: usize,
    /// The viewer may read "Hvem har set forløbet".
    pub may_read_log: bool,
}

/// Journal entries a course page shows; the whole journal is one link away. A course runs
/// for years, and the page must stay quick however long its journal grows.
const JOURNAL_PAGE: i64 = 20;

crate::ui::form_state!(CoursePage, submitted);

impl CoursePage {
    /// Whether a refused form has errors, so its fold opens again.
    pub fn errors_in(&self, form: &str) -> bool {
        let prefix = match form {
            "form-udpegning" => "role.",
            "form-oplysninger" => "field.",
            "form-beslutning" => "decision.",
            "form-datoer" => "date.",
            "form-dokument" => "doc.",
            "form-aendring" => "change.",
            _ => return false,
        };
        // A hand-over note is asked for in the appointment form.
        self.errors.iter().any(|e| e.field.starts_with(prefix) || (form == "form-udpegning" && e.field.starts_with("handover.")))
    }

    /// Whether this user has the form a task's link leads to (it may be someone else's task).
    pub fn has_form(&self, form: &str) -> bool {
        let f = &self.forms;
        match form {
            "form-udpegning" => !f.roles.is_empty(),
            "form-oplysninger" => !f.fields.is_empty(),
            "form-beslutning" => !f.decisions.is_empty(),
            "form-datoer" => !f.dates.is_empty(),
            "form-dokument" => !f.document_kinds.is_empty(),
            "dokumenter" => f.sendable.iter().any(|(_, c)| !c.is_empty()),
            _ => false,
        }
    }

    /// Whether a form's fold starts open: it was refused, or a task's link asked for it. The
    /// fields are part of the appointment form when the user also appoints.
    pub fn opens(&self, form: &str) -> bool {
        let asked = self.open_form == form || (form == "form-udpegning" && self.open_form == "form-oplysninger" && !self.forms.roles.is_empty());
        asked || self.errors_in(form)
    }
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    pub gemt: Option<String>,
    /// A task's link: the form to open and the field to focus.
    pub aaben: Option<String>,
    pub felt: Option<String>,
    /// `alle`: the whole journal.
    pub journal: Option<String>,
}

fn saved_text(what: &str) -> Option<&'static str> {
    Some(match what {
        "datoer" => "Datoerne er gemt.",
        "udpegning" => "Udpegningen er gemt.",
        "overdragelse" => "Overdragelsen er markeret som læst.",
        "oplysninger" => "Oplysningerne er gemt.",
        "beslutning" => "Beslutningen er gemt.",
        "opgave" => "Opgaven er afsluttet.",
        "oprettet" => "Ansøgningen er registreret, og forløbet er oprettet.",
        "dokument" => "Dokumentet er gemt.",
        "sendt" => "Dokumentet er sendt.",
        "aendring" => "Ændringen er foreslået. Datoerne flyttes først, når alle parter er enige.",
        "svar" => "Svaret er registreret.",
        "samtykke" => "Samtykket er registreret. Det gælder, når samtykkegiveren har skrevet under.",
        "underskrift" => "Underskriften er registreret.",
        "tilbagekaldt" => "Samtykket er tilbagekaldt. Fra nu af åbner det ikke for noget.",
        "fase" => "Fasen er skiftet.",
        "aftale" => "Aftalen er opdateret.",
        "inviteret" => tovholder_app::text::FAMILY_INVITED,
        "lukket" => "Forløbet er lukket. Det kan stadig læses, men intet kan ændres, og det er ude af opgavelisterne.",
        "genaabnet" => "Forløbet er åbent igen.",
        "familie_rettet" => "Familien er rettet. Rettelsen står i journalen med hvorfor.",
        "familie_dokument" => "Gemt: det står ved dokumentet, om familien kan se det.",
        "beskyttet" => "Markeringen er gemt: familiens sider og planen viser ikke personens navn eller e-mail til andre.",
        "beskyttelse_fjernet" => "Markeringen af navne- og adressebeskyttelse er fjernet.",
        _ => return None,
    })
}

pub async fn show(State(app): State<App>, course: AuthorizedCourse, Query(q): Query<SavedQuery>) -> Result<Response, PageError> {
    let saved = q.gemt.as_deref().and_then(saved_text);
    let mut page = render(&app, &course, &BTreeMap::new(), vec![], saved).await?;
    page.open_form = q.aaben.unwrap_or_default();
    page.focus = q.felt.unwrap_or_default();
    if q.journal.as_deref() == Some("alle") && page.journal_more {
        let all = std::sync::Arc::new(views::journal_view(app.store.as_ref(), &course.model, &app.store.journal(course.id).await?).await?);
        page.journal = views::journal_for(&course.model, &course.state, &course.user.actor(), app.clock.today(), all);
        page.journal_more = false;
    }
    Ok(page.into_response())
}

/// Renders the page; `submitted` holds values from a refused form so nothing typed is lost.
async fn render(app: &App, course: &AuthorizedCourse, submitted: &BTreeMap<String, String>, errors: Vec<FieldError>, saved: Option<&'static str>) -> Result<CoursePage, AppError> {
    let c = views::course_view(app, course, course.version, &course.state).await?;
    let via_consent = course.via_consent();
    let journal = if via_consent {
        Default::default()
    } else if let Some(page) = app.journal_pages.get(course.id, course.version) {
        page
    } else {
        // The version counts the journal's entries.
        let entries = app.store.journal_after(course.id, course.version - JOURNAL_PAGE).await?;
        let page = std::sync::Arc::new(views::journal_view(app.store.as_ref(), &course.model, &entries).await?);
        app.journal_pages.put(course.id, course.version, page.clone());
        page
    };
    let journal = views::journal_for(&course.model, &course.state, &course.user.actor(), app.clock.today(), journal);
    let journal_more = journal.last().is_some_and(|j| j.seq > 1);
    let journal_total = journal.first().map_or(0, |j| j.seq);
    let layout = Layout::for_course(app, course, &course.user);
    let forms = forms(app, course, submitted).await?;
    Ok(CoursePage {
        layout,
        c,
        journal,
        forms,
        csrf: course.user.csrf.clone(),
        errors,
        saved,
        submitted: submitted.clone(),
        today_iso: app.clock.today().to_string(),
        via_consent,
        journal_more,
        journal_total,
        open_form: String::new(),
        focus: String::new(),
        unread: tovholder_app::messages::visible(app, course).iter().map(|t| t.unread(course.user.person)).sum(),
        may_read_log: tovholder_app::course_log::ground(&course.model, &course.state, &course.viewer).is_some(),
    })
}

async fn forms(app: &App, course: &AuthorizedCourse, submitted: &BTreeMap<String, String>) -> Result<Forms, AppError> {
    let model = &course.model;
    let state = &course.state;
    let allowed = commands::allowed(model, state, &course.user.actor(), app.clock.today());
    let actor = course.user.actor();
    let mut out = Forms { tasks: allowed.tasks, plan_meeting: allowed.plan_meeting, set_phase: allowed.set_phase, consent: allowed.consent && model.consent.is_some(), ..Forms::default() };
    if allowed.family && state.closed.is_none() {
        out.family_roles = model
            .roles
            .iter()
            .filter(|(_, r)| r.scope == tovholder_core::model::Scope::Citizen)
            .map(|(k, r)| Choice { value: k.clone(), label: r.label.clone(), selected: submitted.get("role") == Some(k) })
            .collect();
    }
    if allowed.close {
        let reasons = model.closing.iter().flat_map(|c| c.reasons.iter());
        out.close = reasons.map(|(k, v)| Choice { value: k.clone(), label: v.clone(), selected: submitted.get("reason") == Some(k) }).collect();
    }
    for kind in &allowed.documents {
        let Some(def) = model.documents.get(kind) else { continue };
        out.document_kinds.push(Choice { value: kind.clone(), label: def.label.clone(), selected: submitted.get("doc.kind") == Some(kind) });
        for (r, label) in actions::recipients_for_kind(app, model, state, &actor, kind, false).await? {
            if !out.document_recipients.iter().any(|c| c.value == r.person.to_string()) {
                out.document_recipients.push(Choice { value: r.person.to_string(), label, selected: false });
            }
        }
    }
    for d in &state.documents {
        let choices = actions::recipients(app, model, state, &actor, d.meta.doc).await?.into_iter().map(|(r, label)| Choice { value: r.person.to_string(), label, selected: false }).collect();
        out.sendable.push((d.meta.doc, choices));
    }
    for kind in &allowed.changes {
        let Some(def) = model.changes.get(kind) else { continue };
        let inputs = def
            .dates
            .iter()
            .map(|id| {
                let key = format!("change.date.{id}");
                let current = state.dates.get(id).map(|d| d.to_string()).unwrap_or_default();
                DateInput { id: id.clone(), label: model.date_label(id).to_string(), value: submitted.get(&key).cloned().unwrap_or(current), hint: String::new() }
            })
            .collect();
        out.changes.push((kind.clone(), def.label.clone(), inputs));
    }
    for (change, party) in &allowed.answers {
        let Some(a) = state.change(*change).and_then(|c| model.changes.get(&c.kind)).and_then(|d| d.agree.iter().find(|a| a.id == *party)) else { continue };
        out.answers.push((*change, party.clone(), a.label.clone(), a.on_behalf));
    }
    for id in &allowed.dates {
        let Some(def) = model.dates.get(id) else { continue };
        let key = format!("date.{id}");
        let current = state.dates.get(id).map(|d| d.to_string()).unwrap_or_default();
        let mut hint = String::new();
        if let Some(rule) = def.window.as_ref().or(def.suggest.as_ref()) {
            hint = rule.describe(model.date_label(&rule.anchor)).to_string();
            hint = format!("{}{hint}.", hint.remove(0).to_uppercase());
        }
        if let Some(s) = commands::suggest_date(model, &state.dates, id, app.clock.today()) {
            hint.push_str(&format!(" Forslag: {} {}.", tovholder_core::calendar::weekday_da(s), views::date_da(s)));
        }
        out.dates.push(DateInput { id: id.clone(), label: def.label.clone(), value: submitted.get(&key).cloned().unwrap_or(current), hint: hint.trim().to_string() });
    }
    for id in &allowed.roles {
        let Some(role) = model.role(id) else { continue };
        let Some(org) = role.party.as_ref().and_then(|p| state.parties.get(p)) else { continue };
        let holder = state.holders(id).next();
        let key = format!("role.{id}");
        let chosen = submitted.get(&key).cloned().or_else(|| holder.map(|p| p.to_string())).unwrap_or_default();
        let mut options = vec![Choice { value: String::new(), label: "Vælg en person".into(), selected: chosen.is_empty() }];
        options.extend(app.store.staff(*org).await?.iter().filter(|u| role.may_be_held_by(&u.org_roles)).map(|u| Choice {
            selected: u.person.to_string() == chosen,
            value: u.person.to_string(),
            label: u.name.clone(),
        }));
        let handover = (role.handover && holder.is_some()).then(|| submitted.get(&format!("handover.{id}")).cloned().unwrap_or_default());
        out.roles.push(SelectInput { id: id.clone(), label: role.label.clone(), options, handover });
    }
    for id in &allowed.fields {
        let Some(def) = model.fields.get(id) else { continue };
        let key = format!("field.{id}");
        let current = state.fields.get(id).map(|r| r.value.clone()).unwrap_or_default();
        out.fields.push(TextInput { id: id.clone(), label: def.label.clone(), hint: def.hint.clone(), value: submitted.get(&key).cloned().unwrap_or(current) });
    }
    for id in &allowed.decisions {
        let Some(def) = model.decisions.get(id) else { continue };
        let chosen = submitted.get(&format!("decision.{id}")).map(String::as_str).or(state.decision(id)).unwrap_or_default().to_string();
        let options = def.options.iter().map(|(k, v)| Choice { selected: *k == chosen, value: k.clone(), label: v.clone() }).collect();
        out.decisions.push(SelectInput { id: id.clone(), label: def.label.clone(), options, handover: None });
    }
    Ok(out)
}

/// Turns a refused action into the page with the errors (422) and the user's input kept.
pub async fn outcome(app: &App, course: &AuthorizedCourse, result: Result<(), AppError>, form: Vec<(String, String)>, saved: &str) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/forloeb/{}?gemt={saved}#handlinger", course.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let submitted: BTreeMap<String, String> = form.into_iter().collect();
            let page = render(app, course, &submitted, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict(message)) => {
            // Show what is saved now, with who changed it.
            let now = AuthorizedCourse::load(app, course.user.clone(), course.id, tovholder_core::model::Action::Read, "read:conflict".into()).await?;
            let page = render(app, &now, &BTreeMap::new(), vec![FieldError { field: "gemt".into(), message }], None).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn prefixed<'a>(form: &'a [(String, String)], prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    form.iter().filter_map(move |(k, v)| k.strip_prefix(prefix).map(|id| (id, v.as_str())))
}

fn value<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.trim().is_empty())
}

pub async fn set_dates(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let mut dates = BTreeMap::new();
    let mut errors = Vec::new();
    for (id, text) in prefixed(&form, "date.") {
        if text.trim().is_empty() {
            continue;
        }
        match parse_date(&format!("date.{id}"), text) {
            // Only what changed: an untouched date is not re-decided.
            Ok(d) if course.state.dates.get(id) != Some(&d) => {
                dates.insert(id.to_string(), d);
            }
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    let result = if !errors.is_empty() {
        Err(AppError::Invalid(errors))
    } else if dates.is_empty() {
        Ok(())
    } else {
        actions::perform(&app, &course, vec![Command::SetDates { dates, reason: value(&form, "reason").map(str::to_string) }]).await.map_err(prefix_errors("date."))
    };
    outcome(&app, &course, result, form, "datoer").await
}

/// Core names fields by their id; the form names them `date.<id>` and so on.
pub fn prefix_errors(prefix: &'static str) -> impl Fn(AppError) -> AppError {
    move |e| match e {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|mut f| {
                    if !f.field.contains('.') {
                        f.field = format!("{prefix}{}", f.field);
                    }
                    f
                })
                .collect(),
        ),
        other => other,
    }
}

/// Appointments and, in the same form, the fields the appointing party fills in (the
/// municipality's answer to the home: who the kontaktperson is and what it offers).
pub async fn appoint(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let mut ops = Vec::new();
    for (role, person) in prefixed(&form, "role.") {
        let Ok(person) = person.parse::<i64>().map(PersonId) else { continue };
        let handover = prefixed(&form, "handover.").find(|(r, _)| *r == role).map(|(_, t)| t.to_string()).filter(|t| !t.trim().is_empty());
        ops.push(Command::Appoint { role: role.to_string(), person, handover });
    }
    ops.extend(field_ops(&course, &form));
    let result = if ops.is_empty() { Err(AppError::Invalid(vec![FieldError { field: "role".into(), message: "Vælg en person.".into() }])) } else { actions::perform(&app, &course, ops).await };
    outcome(&app, &course, result, form, "udpegning").await
}

fn field_ops(course: &AuthorizedCourse, form: &[(String, String)]) -> Vec<Command> {
    prefixed(form, "field.")
        .filter(|(id, v)| course.state.fields.get(*id).map(|r| r.value.as_str()) != Some(v.trim()))
        .map(|(id, v)| Command::RecordField { field: id.to_string(), value: v.to_string() })
        .collect()
}

pub async fn record_fields(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let ops = field_ops(&course, &form);
    let result = if ops.is_empty() { Ok(()) } else { actions::perform(&app, &course, ops).await.map_err(prefix_errors("field.")) };
    outcome(&app, &course, result, form, "oplysninger").await
}

pub async fn decide(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let note = value(&form, "note").map(str::to_string);
    let ops: Vec<Command> = prefixed(&form, "decision.").map(|(id, v)| Command::Decide { decision: id.to_string(), value: v.to_string(), note: note.clone() }).collect();
    let result = if ops.is_empty() { Ok(()) } else { actions::perform(&app, &course, ops).await.map_err(prefix_errors("decision.")) };
    outcome(&app, &course, result, form, "beslutning").await
}

pub async fn close(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let op = Command::CloseCourse { reason: value(&form, "reason").unwrap_or_default().to_string(), note: value(&form, "note").map(str::to_string) };
    let result = actions::perform(&app, &course, vec![op]).await.map_err(prefix_errors("close."));
    outcome(&app, &course, result, form, "lukket").await
}

pub async fn reopen(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let op = Command::ReopenCourse { note: value(&form, "note").unwrap_or_default().to_string() };
    let result = actions::perform(&app, &course, vec![op]).await.map_err(prefix_errors("reopen."));
    outcome(&app, &course, result, form, "genaabnet").await
}

pub async fn complete_task(State(app): State<App>, course: AuthorizedCourse, Path((_, task)): Path<(i64, String)>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let Some(outcome_value) = value(&form, "outcome") else {
        let errors = vec![FieldError { field: format!("outcome.{task}"), message: "Vælg, hvordan opgaven blev afsluttet.".into() }];
        return outcome(&app, &course, Err(AppError::Invalid(errors)), form, "opgave").await;
    };
    let op = Command::CompleteTask { task: task.clone(), outcome: outcome_value.to_string(), note: value(&form, "note").map(str::to_string) };
    let result = actions::perform(&app, &course, vec![op]).await.map_err(|e| match e {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|mut f| {
                    f.field = format!("outcome.{task}");
                    f
                })
                .collect(),
        ),
        other => other,
    });
    outcome(&app, &course, result, form, "opgave").await
}

/// The new holder of a role has read the hand-over note.
pub async fn read_handover(State(app): State<App>, course: AuthorizedCourse, Path((_, handover)): Path<(i64, u32)>) -> Result<Response, PageError> {
    let result = actions::perform(&app, &course, vec![Command::ReadHandover { handover }]).await;
    outcome(&app, &course, result, vec![], "overdragelse").await
}
