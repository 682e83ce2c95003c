//! The page "Beredskab".

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::{DateTime, Time};
use tovholder_app::duty::{self, Roster, WEEKDAYS_DA};
use tovholder_core::commands::FieldError;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, get, person};
use crate::http::path::Path;
use crate::ui::{FormState, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "duty/roster.html")]
struct RosterPage {
    layout: Layout,
    csrf: String,
    r: Roster,
    weekdays: [&'static str; 7],
    errors: Vec<FieldError>,
    form: FormData,
}

crate::ui::form_state!(RosterPage);

impl RosterPage {
    fn typed(&self, key: &str) -> String {
        get(&self.form, key).to_string()
    }
}

async fn page(app: &App, user: &CurrentUser, errors: Vec<FieldError>, form: FormData) -> Result<Response, AppError> {
    let r = duty::roster(app, user, user.org).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, RosterPage { layout: Layout::for_user(app, user, "duty").await?, csrf: user.csrf.clone(), r, weekdays: WEEKDAYS_DA, errors, form }).into_response())
}

pub async fn roster(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    Ok(page(&app, &user, vec![], vec![]).await?)
}

fn local(form: &FormData, key: &str) -> Result<DateTime, FieldError> {
    get(form, key).trim().parse::<DateTime>().map_err(|_| FieldError { field: key.into(), message: "Vælg dato og klokkeslæt.".into() })
}

async fn refused(app: &App, user: &CurrentUser, r: Result<(), AppError>, form: FormData) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to("/beredskab").into_response()),
        Err(AppError::Invalid(errors)) => Ok(page(app, user, errors, form).await?),
        Err(e) => Err(e.into()),
    }
}

pub async fn add(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = async {
        let (from, to) = (local(&form, "from").map_err(|e| AppError::Invalid(vec![e]))?, local(&form, "to").map_err(|e| AppError::Invalid(vec![e]))?);
        let who = person(get(&form, "person")).ok_or_else(|| AppError::invalid("person", "Vælg en medarbejder i organisationen."))?;
        duty::add_shift(&app, &user, user.org, who, from, to, get(&form, "phone")).await.map(|_| ())
    }
    .await;
    refused(&app, &user, r, form).await
}

pub async fn remove(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Response, PageError> {
    duty::remove_shift(&app, &user, user.org, id).await?;
    Ok(Redirect::to("/beredskab").into_response())
}

pub async fn hours(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let mut hours = Vec::new();
    let mut errors = Vec::new();
    for day in 1..=7i64 {
        let (a, b) = (get(&form, &format!("opens.{day}")).trim(), get(&form, &format!("closes.{day}")).trim());
        if a.is_empty() && b.is_empty() {
            continue;
        }
        match (a.parse::<Time>(), b.parse::<Time>()) {
            (Ok(a), Ok(b)) => hours.push((day, a, b)),
            _ => {
                errors.push(FieldError { field: format!("hours.{day}"), message: format!("{}: skriv både åbner og lukker som TT:MM, eller lad begge stå tomme.", WEEKDAYS_DA[(day - 1) as usize]) })
            }
        }
    }
    if !errors.is_empty() {
        return Ok(page(&app, &user, errors, form).await?);
    }
    refused(&app, &user, duty::set_hours(&app, &user, user.org, &hours).await, form).await
}
