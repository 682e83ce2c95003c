//! The family's consents: record one (a form per consent giver, on a page of its own: it lists
//! every organisation a consent may open the course to), record signatures and revoke (on the
//! course page), and print the form for signature as a PDF.

use std::collections::BTreeMap;

use crate::http::path::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_core::commands::{ConsentInput, FieldError};
use tovholder_core::consent::Recipient;
use tovholder_core::ids::{CourseId, OrgId, PersonId};

use crate::App;
use crate::features::courses::pages::{Choice, outcome};
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::form::parse_date;
use crate::ui::{FormState, Layout};
use tovholder_app::actions::{self, Command};

fn all<'a>(form: &'a [(String, String)], key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    form.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn one<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}

/// A recipient as the form sends it: "org:ID" or "dept:ID:NAME".
pub fn parse_recipient(v: &str) -> Option<Recipient> {
    let mut parts = v.splitn(3, ':');
    match (parts.next(), parts.next().and_then(|o| o.parse().ok()), parts.next()) {
        (Some("org"), Some(org), None) => Some(Recipient { org: OrgId(org), department: None }),
        (Some("dept"), Some(org), Some(d)) => Some(Recipient { org: OrgId(org), department: Some(d.to_string()) }),
        _ => None,
    }
}

pub fn recipient_value(r: &Recipient) -> String {
    match &r.department {
        Some(d) => format!("dept:{}:{d}", r.org),
        None => format!("org:{}", r.org),
    }
}

pub struct ConsentInputs {
    pub givers: Vec<Choice>,
    pub children: Vec<Choice>,
    pub recipients: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub purpose: String,
    pub valid_from: String,
    pub valid_to: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "consents/new.html")]
pub struct NewConsentPage {
    pub layout: Layout,
    pub course: CourseId,
    pub version: i64,
    pub title: String,
    pub inputs: ConsentInputs,
    pub csrf: String,
    pub errors: Vec<FieldError>,
}

crate::ui::form_state!(NewConsentPage);

/// The form to record a consent.
pub async fn new_consent(State(app): State<App>, course: AuthorizedCourse) -> Result<Response, PageError> {
    Ok(new_consent_page(&app, &course, &[], vec![]).await?.into_response())
}

/// The page, with `submitted` (a refused form's values, checkboxes too) so nothing typed is lost.
async fn new_consent_page(app: &App, course: &AuthorizedCourse, submitted: &[(String, String)], errors: Vec<FieldError>) -> Result<NewConsentPage, AppError> {
    let (model, state) = (&course.model, &course.state);
    let names = tovholder_app::views::people_of(app.store.as_ref(), &[state]).await?;
    Ok(NewConsentPage {
        layout: Layout::for_course(app, course, &course.user),
        course: course.id,
        version: course.version,
        title: tovholder_app::views::course_title(model, state, &names),
        inputs: consent_inputs(app, model, state, &names, submitted).await?,
        csrf: course.user.csrf.clone(),
        errors,
    })
}

/// The consent form's choices (the family's pages use it too): the givers and children of the
/// course, every recipient and kind the model allows, and `submitted`'s values after a refusal.
pub async fn consent_inputs(
    app: &App,
    model: &tovholder_core::model::Model,
    state: &tovholder_core::course::CourseState,
    names: &std::collections::HashMap<PersonId, tovholder_store::Person>,
    submitted: &[(String, String)],
) -> Result<ConsentInputs, AppError> {
    let def = model.consent.as_ref().ok_or(AppError::NotFound)?;
    let refused = !submitted.is_empty();
    let ticked = |key: &str, value: &str, default: bool| if refused { all(submitted, key).any(|v| v == value) } else { default };
    let member_choices = |roles: &[String], key: &str, default: bool| -> Vec<Choice> {
        state
            .members
            .iter()
            .filter(|m| roles.contains(&m.role))
            .map(|m| {
                let value = m.person.to_string();
                Choice { selected: ticked(key, &value, default), label: names.get(&m.person).map_or_else(String::new, |p| p.name.clone()), value }
            })
            .collect()
    };
    let orgs = app.store.orgs().await?;
    let mut recipients = Vec::new();
    if let Some(org) = def.department_party.as_ref().and_then(|p| state.parties.get(p)) {
        let org_name = orgs.iter().find(|o| o.id == *org).map_or(String::new(), |o| o.name.clone());
        for d in &def.departments {
            let value = recipient_value(&Recipient { org: *org, department: Some(d.clone()) });
            recipients.push(Choice { selected: ticked("recipient", &value, false), label: format!("{d}, {org_name}"), value });
        }
    }
    for o in orgs.iter().filter(|o| def.outside_kinds.contains(&o.kind)) {
        let value = recipient_value(&Recipient { org: o.id, department: None });
        recipients.push(Choice { selected: ticked("recipient", &value, false), label: o.name.clone(), value });
    }
    // Persons of the family's network with an address (how they log in and get the plan).
    for e in state.network.iter().filter(|e| !e.email.is_empty()) {
        let value = format!("net:{}", e.entry);
        recipients.push(Choice { selected: ticked("recipient", &value, false), label: format!("{} ({}, familiens netværk)", e.name, e.relation), value });
    }
    let today = app.clock.today();
    let typed = |key: &str, default: String| if refused { one(submitted, key).to_string() } else { default };
    Ok(ConsentInputs {
        givers: member_choices(&def.giver_roles, "giver", false),
        children: member_choices(&def.about_roles, "about", true),
        recipients,
        kinds: def.kinds.iter().map(|(k, v)| Choice { selected: ticked("kind", k, false), value: k.clone(), label: v.clone() }).collect(),
        purpose: typed("purpose", def.purpose.clone()),
        valid_from: typed("valid_from", today.to_string()),
        valid_to: typed("valid_to", today.checked_add(jiff::ToSpan::months(6)).unwrap_or(today).to_string()),
    })
}

/// The consent form as sent (staff's and the family's): the dates must parse; the rest core checks.
pub fn parse_consent(form: &[(String, String)]) -> Result<ConsentInput, AppError> {
    let mut errors = Vec::new();
    let mut date = |key: &str| match parse_date(&format!("consent.{key}"), one(form, key)) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let (from, to) = (date("valid_from"), date("valid_to"));
    let (Some(valid_from), Some(valid_to)) = (from, to) else { return Err(AppError::Invalid(errors)) };
    Ok(ConsentInput {
        giver: PersonId(one(form, "giver").parse().unwrap_or(-1)),
        about: all(form, "about").filter_map(|v| v.parse().ok()).map(PersonId).collect(),
        recipients: all(form, "recipient").filter_map(parse_recipient).collect(),
        network: all(form, "recipient").filter_map(|v| v.strip_prefix("net:")?.parse().ok()).collect(),
        kinds: all(form, "kind").map(str::to_string).collect(),
        purpose: one(form, "purpose").to_string(),
        valid_from,
        valid_to,
    })
}

/// Core's field names, as the form's ids have them ("consent.purpose").
pub fn prefixed(errors: AppError) -> AppError {
    match errors {
        AppError::Invalid(e) => AppError::Invalid(
            e.into_iter()
                .map(|mut f| {
                    if !f.field.starts_with("consent.") {
                        f.field = format!("consent.{}", f.field);
                    }
                    f
                })
                .collect(),
        ),
        other => other,
    }
}

pub async fn record(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let result = match parse_consent(&form) {
        Ok(i) => {
            let op = Command::RecordConsent {
                giver: i.giver,
                about: i.about,
                recipients: i.recipients,
                network: i.network,
                kinds: i.kinds,
                purpose: i.purpose,
                valid_from: i.valid_from,
                valid_to: i.valid_to,
            };
            actions::perform(&app, &course, vec![op]).await.map_err(prefixed)
        }
        Err(e) => Err(e),
    };
    let (errors, status) = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/forloeb/{}?gemt=samtykke#adgang", course.id)).into_response()),
        Err(AppError::Invalid(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict(message)) => (vec![FieldError { field: "gemt".into(), message }], StatusCode::CONFLICT),
        Err(e) => return Err(e.into()),
    };
    let page = if status == StatusCode::CONFLICT {
        // Someone else changed the course meanwhile: the form again on what is saved now.
        let now = AuthorizedCourse::load(&app, course.user.clone(), course.id, tovholder_core::model::Action::RecordConsent, "read:conflict".into()).await?;
        new_consent_page(&app, &now, &form, errors).await?
    } else {
        new_consent_page(&app, &course, &form, errors).await?
    };
    Ok((status, page).into_response())
}

pub async fn sign(State(app): State<App>, course: AuthorizedCourse, Path((_, consent)): Path<(i64, u32)>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let field = format!("sign.{consent}");
    let result = match parse_date(&field, one(&form, "on")) {
        Ok(on) => {
            let op = Command::SignConsent { consent, by: PersonId(one(&form, "by").parse().unwrap_or(-1)), how: one(&form, "how").to_string(), on };
            actions::perform(&app, &course, vec![op]).await
        }
        Err(e) => Err(AppError::Invalid(vec![e])),
    };
    let result = result.map_err(|e| match e {
        AppError::Invalid(errs) => AppError::Invalid(
            errs.into_iter()
                .map(|mut f| {
                    f.field = field.clone();
                    f
                })
                .collect(),
        ),
        other => other,
    });
    outcome(&app, &course, result, vec![], "underskrift").await
}

pub async fn revoke(State(app): State<App>, course: AuthorizedCourse, Path((_, consent)): Path<(i64, u32)>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let note = Some(one(&form, "note").to_string()).filter(|n| !n.trim().is_empty());
    let result = actions::perform(&app, &course, vec![Command::RevokeConsent { consent, note }]).await;
    outcome(&app, &course, result, BTreeMap::<String, String>::new().into_iter().collect(), "tilbagekaldt").await
}

/// The consent form for signature, as a PDF: the form's choices ticked, every possible
/// recipient and kind listed, the children's CPR numbers masked, the law in force cited.
pub async fn pdf(State(app): State<App>, course: AuthorizedCourse, Path((_, consent)): Path<(i64, u32)>) -> Result<Response, PageError> {
    let model = &course.model;
    let def = model.consent.as_ref().ok_or(AppError::NotFound)?;
    let c = course.state.consents.iter().find(|c| c.id == consent).ok_or(AppError::NotFound)?;
    let mut ids = vec![c.giver];
    ids.extend(c.about.iter().copied());
    let people = app.store.persons(&ids).await?;
    let name = |p: PersonId| people.iter().find(|x| x.id == p).map_or_else(String::new, |x| x.name.clone());
    let masked = |p: PersonId| people.iter().find(|x| x.id == p).and_then(|x| x.cpr.as_ref()).and_then(|s| app.keys.open_cpr(s).ok()).map(|c| c.masked()).unwrap_or_default();
    let orgs = tovholder_app::views::org_names(app.store.as_ref()).await?;
    let today = app.clock.today();
    let mut recipients = Vec::new();
    if let Some(org) = def.department_party.as_ref().and_then(|p| course.state.parties.get(p)) {
        for d in &def.departments {
            let r = Recipient { org: *org, department: Some(d.clone()) };
            recipients.push(serde_json::json!({"name": d, "org": orgs.get(org).cloned().unwrap_or_default(), "checked": c.recipients.contains(&r)}));
        }
    }
    for r in c.recipients.iter().filter(|r| r.department.is_none()) {
        recipients.push(serde_json::json!({"name": orgs.get(&r.org).cloned().unwrap_or_default(), "org": "", "checked": true}));
    }
    let children: Vec<serde_json::Value> = c
        .about
        .iter()
        .map(|p| {
            let born = course.state.members.iter().find(|m| m.person == *p).and_then(|m| m.born);
            serde_json::json!({"name": name(*p), "cpr": masked(*p), "youth": tovholder_core::consent::is_youth(born, today)})
        })
        .collect();
    let home = model.parties.get(&model.opened_by).and_then(|_| course.state.parties.get(&model.opened_by)).and_then(|o| orgs.get(o)).cloned().unwrap_or_default();
    let mut data = serde_json::json!({
        "title": "Samtykkeerklæring",
        "organisation": home,
        "course": model.name,
        "giver": {"name": name(c.giver), "cpr": masked(c.giver)},
        "children": children,
        "recipients": recipients,
        "kinds": def.kinds.iter().map(|(k, v)| serde_json::json!({"label": v, "checked": c.kinds.contains(k)})).collect::<Vec<_>>(),
        "purpose": c.purpose,
        "valid_from": tovholder_app::views::date_da(c.valid_from),
        "valid_to": tovholder_app::views::date_da(c.valid_to),
    });
    let law: serde_json::Value = serde_json::from_str(tovholder_docs::templates::CONSENT_LAW).map_err(|e| AppError::Internal(e.to_string()))?;
    if let (Some(d), Some(l)) = (data.as_object_mut(), law.as_object()) {
        d.extend(l.clone());
    }
    let bytes = tokio::task::spawn_blocking(move || tovholder_docs::render_pdf(tovholder_docs::templates::CONSENT, &data))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let disposition = format!("inline; filename=\"samtykke-{consent}.pdf\"");
    Ok(([(axum::http::header::CONTENT_TYPE, "application/pdf".to_string()), (axum::http::header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
