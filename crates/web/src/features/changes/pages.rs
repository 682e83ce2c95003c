//! Changes that need several parties' agreement: proposing one (with new dates and a reason)
//! and recording a party's answer.

use std::collections::BTreeMap;

use crate::http::path::Path;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use tovholder_core::commands::FieldError;

use crate::App;
use crate::features::courses::pages::outcome;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::form::parse_date;
use tovholder_app::actions::{self, Command};

fn get<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}

pub async fn propose(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let mut dates = BTreeMap::new();
    let mut errors = Vec::new();
    for (k, v) in &form {
        let Some(id) = k.strip_prefix("change.date.") else { continue };
        if v.trim().is_empty() {
            continue;
        }
        match parse_date(k, v) {
            Ok(d) => {
                dates.insert(id.to_string(), d);
            }
            Err(e) => errors.push(e),
        }
    }
    let result = if errors.is_empty() {
        let op = Command::ProposeChange { kind: get(&form, "kind").to_string(), dates, reason: get(&form, "reason").to_string() };
        actions::perform(&app, &course, vec![op]).await.map_err(|e| match e {
            AppError::Invalid(errs) => AppError::Invalid(
                errs.into_iter()
                    .map(|mut f| {
                        f.field = if f.field == "reason" { "change.reason".into() } else { format!("change.date.{}", f.field) };
                        f
                    })
                    .collect(),
            ),
            other => other,
        })
    } else {
        Err(AppError::Invalid(errors))
    };
    outcome(&app, &course, result, form, "aendring").await
}

pub async fn answer(State(app): State<App>, course: AuthorizedCourse, Path((_, change)): Path<(i64, u32)>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, PageError> {
    let party = get(&form, "party").to_string();
    let field = format!("answer.{change}.{party}");
    let result = match get(&form, "agreed") {
        "ja" | "nej" => {
            let note = Some(get(&form, "note").to_string()).filter(|n| !n.trim().is_empty());
            let op = Command::AnswerChange { change, party: party.clone(), agreed: get(&form, "agreed") == "ja", note };
            actions::perform(&app, &course, vec![op]).await
        }
        _ => Err(AppError::Invalid(vec![FieldError { field: "agreed".into(), message: "Vælg enig eller ikke enig.".into() }])),
    };
    // The note's own error goes next to the note; anything else to the answer as a whole.
    let result = result.map_err(|e| match e {
        AppError::Invalid(errs) => AppError::Invalid(
            errs.into_iter()
                .map(|mut f| {
                    f.field = if f.field == "note" { format!("{field}.note") } else { field.clone() };
                    f
                })
                .collect(),
        ),
        other => other,
    });
    let form: Vec<(String, String)> = form.into_iter().map(|(k, v)| if k == "agreed" || k == "note" { (format!("{field}.{k}"), v) } else { (k, v) }).collect();
    outcome(&app, &course, result, form, "svar").await
}
