//! The family's consents on the course page: record one (a form per consent giver), record
//! signatures, revoke, and print the form for signature as a PDF.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use tovholder_core::commands::FieldError;
use tovholder_core::consent::Recipient;
use tovholder_core::ids::{OrgId, PersonId};

use super::course::{outcome, parse_date};
use crate::actions::{self, Op};
use crate::course_access::{self, AuthorizedCourse};
use crate::error::{AppError, PageError};
use crate::App;

fn all<'a>(form: &'a [(String, String)], key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    form.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn one<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}

fn prefixed(errors: AppError) -> AppError {
    match errors {
        AppError::Invalid(e) => AppError::Invalid(e.into_iter().map(|mut f| {
            f.field = format!("consent.{}", f.field);
            f
        }).collect()),
        other => other,
    }
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

pub async fn record(State(app): State<App>, course: AuthorizedCourse<course_access::RecordConsent>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let date = |key: &str, errors: &mut Vec<FieldError>| match parse_date(&format!("consent.{key}"), one(&form, key)) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let from = date("valid_from", &mut errors);
    let to = date("valid_to", &mut errors);
    let result = match (from, to) {
        (Some(valid_from), Some(valid_to)) if errors.is_empty() => {
            let op = Op::RecordConsent {
                giver: PersonId(one(&form, "giver").parse().unwrap_or(-1)),
                about: all(&form, "about").filter_map(|v| v.parse().ok()).map(PersonId).collect(),
                recipients: all(&form, "recipient").filter_map(parse_recipient).collect(),
                kinds: all(&form, "kind").map(str::to_string).collect(),
                purpose: one(&form, "purpose").to_string(),
                valid_from,
                valid_to,
            };
            actions::perform(&app, &course, vec![op]).await.map_err(prefixed)
        }
        _ => Err(AppError::Invalid(errors)),
    };
    let form = form.into_iter().map(|(k, v)| (format!("consent.{k}"), v)).collect();
    outcome(&app, &course, result, form, "samtykke").await
}

pub async fn sign(
    State(app): State<App>,
    course: AuthorizedCourse<course_access::RecordConsent>,
    Path((_, consent)): Path<(i64, u32)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = format!("sign.{consent}");
    let result = match parse_date(&field, one(&form, "on")) {
        Ok(on) => {
            let op = Op::SignConsent { consent, by: PersonId(one(&form, "by").parse().unwrap_or(-1)), how: one(&form, "how").to_string(), on };
            actions::perform(&app, &course, vec![op]).await
        }
        Err(e) => Err(AppError::Invalid(vec![e])),
    };
    let result = result.map_err(|e| match e {
        AppError::Invalid(errs) => AppError::Invalid(errs.into_iter().map(|mut f| {
            f.field = field.clone();
            f
        }).collect()),
        other => other,
    });
    outcome(&app, &course, result, vec![], "underskrift").await
}

pub async fn revoke(
    State(app): State<App>,
    course: AuthorizedCourse<course_access::RecordConsent>,
    Path((_, consent)): Path<(i64, u32)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let note = Some(one(&form, "note").to_string()).filter(|n| !n.trim().is_empty());
    let result = actions::perform(&app, &course, vec![Op::RevokeConsent { consent, note }]).await;
    outcome(&app, &course, result, BTreeMap::<String, String>::new().into_iter().collect(), "tilbagekaldt").await
}

/// The consent form for signature, as a PDF: the form's choices ticked, every possible
/// recipient and kind listed, the children's CPR numbers masked, the law in force cited.
pub async fn pdf(State(app): State<App>, course: AuthorizedCourse<course_access::RecordConsent>, Path((_, consent)): Path<(i64, u32)>) -> Result<Response, PageError> {
    let model = &course.model;
    let def = model.consent.as_ref().ok_or(AppError::NotFound)?;
    let c = course.state.consents.iter().find(|c| c.id == consent).ok_or(AppError::NotFound)?;
    let mut ids = vec![c.giver];
    ids.extend(c.about.iter().copied());
    let people = app.store.persons(&ids).await?;
    let name = |p: PersonId| people.iter().find(|x| x.id == p).map_or_else(String::new, |x| x.name.clone());
    let masked = |p: PersonId| people.iter().find(|x| x.id == p).and_then(|x| x.cpr.as_ref()).and_then(|s| app.keys.open_cpr(s).ok()).map(|c| c.masked()).unwrap_or_default();
    let orgs = crate::views::org_names(app.store.as_ref()).await?;
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
        "valid_from": crate::views::date_da(c.valid_from),
        "valid_to": crate::views::date_da(c.valid_to),
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
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/pdf".to_string()), (axum::http::header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response())
}
