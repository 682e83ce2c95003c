//! The pages of "Aktiviteter": the list with the form for a new one, an activity as the organiser
//! or an invited staff member sees it, and an activity on the family's pages.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::DateTime;
use tovholder_app::activities::{self, Activities, ActivityView, Plan, Viewer as Who};
use tovholder_core::commands::FieldError;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::http::family_session::CurrentFamily;
use crate::http::form::{FormData, all, get, person};
use crate::http::path::Path;
use crate::ui::{FormState, Layout, Viewer};

/// How many dates the form offers at once.
pub const DATE_ROWS: u32 = 6;

#[derive(Template, WebTemplate)]
#[template(path = "activities/list.html")]
struct ListPage {
    layout: Layout,
    csrf: String,
    a: Activities,
    rows: Vec<u32>,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(ListPage, values);

async fn list_page(app: &App, user: &CurrentUser, errors: Vec<FieldError>, form: FormData) -> Result<Response, AppError> {
    let a = activities::list(app, user).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ListPage { layout: Layout::for_user(app, user, "activities").await?, csrf: user.csrf.clone(), a, rows: (1..=DATE_ROWS).collect(), errors, values: form.into_iter().collect() };
    Ok((status, page).into_response())
}

pub async fn list(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    Ok(list_page(&app, &user, vec![], vec![]).await?)
}

/// The form's plan, or the errors of what could not be read.
fn read_plan(form: &FormData) -> Result<Plan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let minutes = get(form, "minutes").trim().parse::<u32>().unwrap_or_else(|_| {
        errors.push(FieldError { field: "minutes".into(), message: "Skriv, hvor mange minutter hver gang varer, fx 120.".into() });
        0
    });
    let mut sessions = Vec::new();
    for n in 1..=DATE_ROWS {
        let key = format!("start{n}");
        match get(form, &key).trim() {
            "" => {}
            s => match s.parse::<DateTime>() {
                Ok(d) => sessions.push((d, minutes)),
                Err(_) => errors.push(FieldError { field: key, message: "Skriv dato og klokkeslæt, fx 2027-01-12 17:00.".into() }),
            },
        }
    }
    let capacity = get(form, "capacity").trim().parse::<u32>().unwrap_or(0);
    if errors.is_empty() { Ok(Plan { kind: get(form, "kind").into(), title: get(form, "title").into(), place: get(form, "place").into(), capacity, sessions }) } else { Err(errors) }
}

pub async fn plan(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = match read_plan(&form) {
        Ok(p) => activities::plan(&app, &user, p).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match r {
        Ok(id) => Ok(Redirect::to(&format!("/aktiviteter/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(list_page(&app, &user, errors, form).await?),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/activity.html")]
struct ActivityPage {
    layout: Layout,
    csrf: String,
    v: ActivityView,
    rows: Vec<u32>,
    /// Where its forms post: "/aktiviteter/7" or "/familie/aktiviteter/7".
    base: String,
    family: bool,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(ActivityPage, values);

impl ActivityPage {
    /// The change form's field: what was typed, or else what is saved.
    fn current(&self, key: &str) -> String {
        if let Some(typed) = self.values.get(key) {
            return typed.clone();
        }
        let session = |n: u32| self.v.sessions.iter().find(|s| s.n == n);
        match key {
            "title" => self.v.line.title.clone(),
            "place" => self.v.line.place.clone(),
            "capacity" => self.v.line.capacity.to_string(),
            "minutes" => session(1).map(|s| s.minutes.to_string()).unwrap_or_default(),
            k => k.strip_prefix("start").and_then(|n| n.parse().ok()).and_then(session).map(|s| s.start.strftime("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default(),
        }
    }

    /// Whether `person` is ticked as present at session `n` (as recorded).
    fn came(&self, n: &u32, person: &tovholder_core::ids::PersonId) -> bool {
        self.v.sessions.iter().find(|s| s.n == *n).and_then(|s| s.attended.as_ref()).is_some_and(|a| a.contains(person))
    }
}

async fn show_page(app: &App, who: Who<'_>, layout: Layout, csrf: &str, id: i64, errors: Vec<FieldError>, form: FormData) -> Result<Response, AppError> {
    let v = activities::view(app, who, id).await?;
    let family = matches!(who, Who::Family(_));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let base = if family { format!("/familie/aktiviteter/{id}") } else { format!("/aktiviteter/{id}") };
    Ok((status, ActivityPage { layout, csrf: csrf.to_string(), v, rows: (1..=DATE_ROWS).collect(), base, family, errors, values: form.into_iter().collect() }).into_response())
}

async fn staff_page(app: &App, user: &CurrentUser, id: i64, errors: Vec<FieldError>, form: FormData) -> Result<Response, AppError> {
    let mut layout = Layout::for_user(app, user, "activities").await?;
    layout.below = true;
    show_page(app, Who::Staff(user), layout, &user.csrf, id, errors, form).await
}

pub async fn show(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Response, PageError> {
    Ok(staff_page(&app, &user, id, vec![], vec![]).await?)
}

/// A staff member's change: back to the activity, or the page again with the errors.
async fn done(app: &App, user: &CurrentUser, id: i64, form: FormData, r: Result<(), AppError>) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/aktiviteter/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(staff_page(app, user, id, errors, form).await?),
        Err(e) => Err(e.into()),
    }
}

pub async fn add_invitee(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = activities::add_invitee(&app, &user, id, get(&form, "email")).await;
    done(&app, &user, id, form, r).await
}

pub async fn remove_invitee(State(app): State<App>, user: CurrentUser, Path((id, p)): Path<(i64, i64)>) -> Result<Response, PageError> {
    let r = activities::remove_invitee(&app, &user, id, tovholder_core::ids::PersonId(p)).await;
    done(&app, &user, id, vec![], r).await
}

pub async fn send(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Response, PageError> {
    let r = activities::send_invitations(&app, &user, id).await.map(|_| ());
    done(&app, &user, id, vec![], r).await
}

pub async fn answer(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = activities::answer(&app, Who::Staff(&user), id, get(&form, "svar") == "ja").await;
    done(&app, &user, id, form, r).await
}

pub async fn attendance(State(app): State<App>, user: CurrentUser, Path((id, n)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let present: Vec<_> = all(&form, "present").filter_map(person).collect();
    let r = activities::attendance(&app, &user, id, n, &present).await;
    done(&app, &user, id, vec![], r).await
}

pub async fn note(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = activities::add_note(&app, Who::Staff(&user), id, get(&form, "text")).await;
    done(&app, &user, id, form, r).await
}

pub async fn change(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = match read_plan(&form) {
        Ok(p) => activities::change_plan(&app, &user, id, p).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    done(&app, &user, id, form, r).await
}

pub async fn summary(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = activities::write_summary(&app, &user, id, get(&form, "summary")).await;
    done(&app, &user, id, form, r).await
}

pub async fn cancel(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Response, PageError> {
    let r = activities::cancel(&app, &user, id).await;
    done(&app, &user, id, vec![], r).await
}

fn family_layout(app: &App, family: &CurrentFamily) -> Layout {
    Layout { user: Some(family.frame_user()), current: "family", below: true, demo: app.config.demo }
}

pub async fn family_show(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>) -> Result<Response, PageError> {
    Ok(show_page(&app, Who::Family(&family.person), family_layout(&app, &family), &family.csrf, id, vec![], vec![]).await?)
}

async fn family_done(app: &App, family: &CurrentFamily, id: i64, form: FormData, r: Result<(), AppError>) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/familie/aktiviteter/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(show_page(app, Who::Family(&family.person), family_layout(app, family), &family.csrf, id, errors, form).await?),
        Err(e) => Err(e.into()),
    }
}

pub async fn family_answer(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = activities::answer(&app, Who::Family(&family.person), id, get(&form, "svar") == "ja").await;
    family_done(&app, &family, id, form, r).await
}

pub async fn family_note(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = activities::add_note(&app, Who::Family(&family.person), id, get(&form, "text")).await;
    family_done(&app, &family, id, form, r).await
}
