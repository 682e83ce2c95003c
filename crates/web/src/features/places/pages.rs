//! An organisation's meeting places (name and address). Only these go into calendar
//! invitations; a meeting elsewhere says "Se mødet i Tovholder". Any staff member of the
//! organisation keeps the list (an administrator will, once there is one).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_core::commands::FieldError;
use tovholder_store::MeetingPlace;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::http::path::Path;
use crate::ui::{FormState, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "places/places.html")]
pub struct PlacesPage {
    pub layout: Layout,
    pub csrf: String,
    pub places: Vec<MeetingPlace>,
    pub name: String,
    pub address: String,
    pub errors: Vec<FieldError>,
    pub saved: Option<&'static str>,
}

crate::ui::form_state!(PlacesPage);

#[derive(serde::Deserialize, schemars::JsonSchema, Default)]
pub struct PlaceForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
}

impl PlaceForm {
    /// Name and address as they will stand in invitations: short, and no CPR number.
    pub fn check(&self) -> Result<(String, String), AppError> {
        let mut errors = Vec::new();
        let mut field = |key: &str, value: &str, max: usize, what: &str| {
            let v = value.trim();
            if v.is_empty() || v.chars().count() > max {
                errors.push(FieldError { field: key.into(), message: format!("Skriv {what} (højst {max} tegn).") });
            } else if tovholder_core::cpr::contains_cpr(v) {
                errors.push(FieldError { field: key.into(), message: "Skriv ikke CPR-numre her.".into() });
            }
            v.to_string()
        };
        let name = field("name", &self.name, 100, "mødestedets navn");
        let address = field("address", &self.address, 200, "adressen");
        if errors.is_empty() { Ok((name, address)) } else { Err(AppError::Invalid(errors)) }
    }
}

async fn page(app: &App, user: &CurrentUser, form: PlaceForm, errors: Vec<FieldError>, saved: Option<&'static str>) -> Result<PlacesPage, AppError> {
    Ok(PlacesPage {
        layout: Layout::for_user(app, user, "places").await?,
        csrf: user.csrf.clone(),
        places: app.store.meeting_places(user.user.org).await?,
        name: form.name,
        address: form.address,
        errors,
        saved,
    })
}

#[derive(serde::Deserialize)]
pub struct SavedQuery {
    gemt: Option<String>,
}

pub async fn list(State(app): State<App>, user: CurrentUser, axum::extract::Query(q): axum::extract::Query<SavedQuery>) -> Result<Response, PageError> {
    let saved = match q.gemt.as_deref() {
        Some("tilfoejet") => Some("Mødestedet er tilføjet. Det kan nu vælges, når et møde planlægges."),
        Some("fjernet") => Some("Mødestedet er fjernet. Møder, der allerede er planlagt der, beholder stedet."),
        _ => None,
    };
    Ok(page(&app, &user, PlaceForm::default(), vec![], saved).await?.into_response())
}

pub async fn add(State(app): State<App>, user: CurrentUser, Form(form): Form<PlaceForm>) -> Result<Response, PageError> {
    match form.check() {
        Ok((name, address)) => {
            app.store.add_meeting_place(user.user.org, &name, &address).await?;
            Ok(Redirect::to("/moedesteder?gemt=tilfoejet").into_response())
        }
        Err(AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&app, &user, form, errors, None).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

pub async fn remove(State(app): State<App>, user: CurrentUser, Path(place): Path<i64>) -> Result<Response, PageError> {
    app.store.remove_meeting_place(user.user.org, place).await?;
    Ok(Redirect::to("/moedesteder?gemt=fjernet").into_response())
}
