//! Registering an application: the form the model asks for at opening (the family, the other
//! parties, the opening dates and decisions).

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_core::commands::FieldError;
use tovholder_core::ids::OrgId;
use tovholder_core::model::{Model, Scope};
use tovholder_core::policy;

use crate::App;
use crate::features::courses::pages::{Choice, SelectInput};
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::http::form::parse_date;
use crate::ui::{FormState, Layout};
use tovholder_app::actions::{self, MemberInput, RegistrationInput};

pub struct MemberFields {
    pub key: String,
    pub legend: String,
    pub cpr: bool,
    pub email: bool,
    pub custody: bool,
    pub required: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "courses/register.html")]
pub struct RegisterPage {
    pub layout: Layout,
    pub csrf: String,
    pub model_name: String,
    pub members: Vec<MemberFields>,
    pub parties: Vec<SelectInput>,
    pub dates: Vec<(String, String)>,
    pub decisions: Vec<SelectInput>,
    pub values: BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
}

crate::ui::form_state!(RegisterPage, values);

impl RegisterPage {
    /// A checkbox is ticked when submitted ticked, or on a fresh form.
    pub fn ticked(&self, key: &str) -> bool {
        self.values.is_empty() || self.values.contains_key(key)
    }
}

/// The first model this user may open courses of.
fn model_for(app: &App, user: &CurrentUser) -> Option<std::sync::Arc<Model>> {
    let actor = user.actor();
    app.models.all().into_iter().find(|m| policy::may_open(m, &actor).allowed)
}

async fn page(app: &App, user: &CurrentUser, model: &Model, values: BTreeMap<String, String>, errors: Vec<FieldError>) -> Result<RegisterPage, AppError> {
    let mut members = Vec::new();
    for (role_id, role) in &model.roles {
        let Some(reg) = &role.register else { continue };
        for i in 0..reg.count {
            let legend = if reg.count == 1 { role.label.clone() } else { format!("{} {}", role.label, i + 1) };
            members.push(MemberFields { key: format!("member.{role_id}.{i}"), legend, cpr: reg.cpr, email: reg.email, custody: reg.custody, required: i < reg.required });
        }
    }
    let orgs = app.store.orgs().await?;
    let parties = model
        .parties
        .iter()
        .filter(|(id, _)| **id != model.opened_by)
        .map(|(id, p)| {
            let key = format!("party.{id}");
            let chosen = values.get(&key).cloned().unwrap_or_default();
            let mut options = vec![Choice { value: String::new(), label: format!("Vælg {}", p.label.to_lowercase()), selected: chosen.is_empty() }];
            options.extend(orgs.iter().filter(|o| p.takes(&o.kind)).map(|o| Choice { selected: o.id.to_string() == chosen, value: o.id.to_string(), label: o.name.clone() }));
            SelectInput { id: id.clone(), label: p.label.clone(), options, handover: None }
        })
        .collect();
    let dates = model.opening.dates.iter().map(|d| (d.clone(), model.date_label(d).to_string())).collect();
    let decisions = model
        .opening
        .decisions
        .iter()
        .filter_map(|d| {
            let def = model.decisions.get(d)?;
            let chosen = values.get(&format!("decision.{d}")).cloned().unwrap_or_default();
            let options = def.options.iter().map(|(k, v)| Choice { selected: *k == chosen, value: k.clone(), label: v.clone() }).collect();
            Some(SelectInput { id: d.clone(), label: def.label.clone(), options, handover: None })
        })
        .collect();
    let mut values = values;
    for d in &model.opening.dates {
        values.entry(format!("date.{d}")).or_insert_with(|| app.clock.today().to_string());
    }
    Ok(RegisterPage {
        layout: Layout { below: true, ..Layout::for_user(app, user, "courses").await? },
        csrf: user.csrf.clone(),
        model_name: model.name.clone(),
        members,
        parties,
        dates,
        decisions,
        values,
        errors,
    })
}

pub async fn form(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    match model_for(&app, &user) {
        Some(model) => Ok(page(&app, &user, &model, BTreeMap::new(), vec![]).await?.into_response()),
        None => Ok((StatusCode::FORBIDDEN, not_yours(&app, &user).await?).into_response()),
    }
}

/// A user whose organisation registers no applications is told who does, not "not found".
async fn not_yours(app: &App, user: &CurrentUser) -> Result<crate::ui::NoticePage, AppError> {
    let mut lines = vec!["Du kan ikke selv registrere ansøgninger i Tovholder.".to_string()];
    lines.extend(app.models.all().iter().map(|m| {
        let by = m.parties.get(&m.opened_by).map_or(m.opened_by.as_str(), |p| p.label.as_str()).to_lowercase();
        format!("Ansøgninger til {} registreres af {by}. Forløbet vises under «Forløb», når det er oprettet, og du har en rolle i det.", m.name)
    }));
    let layout = Layout { below: true, ..Layout::for_user(app, user, "courses").await? };
    Ok(crate::ui::NoticePage { layout, title: "Ny ansøgning".into(), lines, back: ("/forloeb".into(), "Til listen over forløb") })
}

pub async fn submit(State(app): State<App>, user: CurrentUser, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let model = model_for(&app, &user).ok_or(AppError::NotFound)?;
    let values: BTreeMap<String, String> = form.into_iter().filter(|(k, _)| k != "csrf").collect();
    let result = match input_from_form(&model, &user, &values) {
        Ok(input) => match input.check(&model) {
            Ok(reg) => actions::open_course(&app, &user, reg).await,
            Err(e) => Err(e),
        },
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/forloeb/{id}?gemt=oprettet")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let p = page(&app, &user, &model, values, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn input_from_form(model: &Model, user: &CurrentUser, v: &BTreeMap<String, String>) -> Result<RegistrationInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut input = RegistrationInput { model: model.id.clone(), ..RegistrationInput::default() };
    input.parties.insert(model.opened_by.clone(), user.user.org);
    for id in model.parties.keys().filter(|id| **id != model.opened_by) {
        match v.get(&format!("party.{id}")).and_then(|s| s.parse::<i64>().ok()) {
            Some(org) => {
                input.parties.insert(id.clone(), OrgId(org));
            }
            None => errors.push(FieldError { field: format!("party.{id}"), message: format!("Vælg {}.", model.parties[id].label.to_lowercase()) }),
        }
    }
    for (role_id, role) in &model.roles {
        let (Some(reg), Scope::Citizen) = (&role.register, role.scope) else { continue };
        for i in 0..reg.count {
            let get = |f: &str| v.get(&format!("member.{role_id}.{i}.{f}")).cloned().filter(|s| !s.trim().is_empty());
            let custody = reg.custody.then(|| get("custody").is_some());
            input.family.push(MemberInput { role: role_id.clone(), name: get("name").unwrap_or_default(), email: get("email"), cpr: get("cpr"), custody, protected: get("protected").is_some() });
        }
    }
    for d in &model.opening.dates {
        let key = format!("date.{d}");
        match v.get(&key).filter(|s| !s.trim().is_empty()).map(|s| parse_date(&key, s)) {
            Some(Ok(date)) => {
                input.dates.insert(d.clone(), date);
            }
            Some(Err(e)) => errors.push(e),
            None => {}
        }
    }
    for d in &model.opening.decisions {
        if let Some(val) = v.get(&format!("decision.{d}")) {
            input.decisions.insert(d.clone(), val.clone());
        }
    }
    if errors.is_empty() { Ok(input) } else { Err(errors) }
}
