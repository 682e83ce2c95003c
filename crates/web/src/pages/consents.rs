//! The family's consents on the course page: record one (a form per consent giver), record
//! signatures, revoke, and print the form for signature as a PDF.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
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
