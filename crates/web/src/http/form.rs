//! A submitted HTML form: its fields as sent (a key may repeat), read leniently, and the one
//! way a form's commands are run: on success on to the page that shows it saved, on refused
//! input or a conflict the form's page again, with what was typed and the errors.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use tovholder_app::actions::{self, Command};
use tovholder_core::commands::FieldError;
use tovholder_core::ids::PersonId;
use tovholder_core::model::Action;

use crate::App;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};

pub type FormData = Vec<(String, String)>;

pub fn get<'a>(form: &'a FormData, key: &str) -> &'a str {
    form.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}

pub fn all<'a>(form: &'a FormData, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    form.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
}

pub fn opt_date(form: &FormData, key: &str, errors: &mut Vec<FieldError>) -> Option<jiff::civil::Date> {
    let v = get(form, key);
    if v.trim().is_empty() {
        return None;
    }
    parse_date(key, v).map_err(|e| errors.push(e)).ok()
}

pub fn person(v: &str) -> Option<PersonId> {
    v.trim().parse().ok().map(PersonId)
}

/// Reads a date typed as 2027-05-14 (a date field) or 14.05.2027 / 14-05-2027 (typed by hand).
pub fn parse_date(field: &str, text: &str) -> Result<Date, FieldError> {
    let t = text.trim();
    let parsed = t.parse::<Date>().ok().or_else(|| {
        let parts: Vec<&str> = t.split(['.', '-', '/']).collect();
        match parts.as_slice() {
            [d, m, y] if y.len() == 4 => jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok(),
            _ => None,
        }
    });
    parsed.ok_or_else(|| FieldError { field: field.to_string(), message: format!("«{t}» er ikke en gyldig dato. Skriv den som dd.mm.åååå.") })
}

/// Runs a form's commands: on success a redirect to `to`; refused input or a conflict shows the
/// form's page again (`again`), from what is saved now, with what was typed and the errors.
pub async fn submit(
    app: &App,
    course: &AuthorizedCourse,
    ops: Result<Vec<Command>, Vec<FieldError>>,
    form: FormData,
    to: String,
    again: impl AsyncFnOnce(&AuthorizedCourse, &BTreeMap<String, String>, Vec<FieldError>) -> Result<Response, AppError>,
) -> Result<Response, PageError> {
    let result = match ops {
        Ok(ops) => actions::perform(app, course, ops).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let (errors, status) = match result {
        Ok(()) => return Ok(Redirect::to(&to).into_response()),
        Err(AppError::Invalid(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict(message)) => (vec![FieldError { field: "gemt".into(), message }], StatusCode::CONFLICT),
        Err(e) => return Err(e.into()),
    };
    let submitted: BTreeMap<String, String> = form.into_iter().collect();
    // A conflict shows what is saved now.
    let now = AuthorizedCourse::load(app, course.user.clone(), course.id, Action::Read, "read:after_refusal".into()).await?;
    Ok((status, again(&now, &submitted, errors).await?).into_response())
}

/// The fuzz target of the forms' own parsing, as a property test (`scripts/fuzz` runs it
/// longer): any text typed as a date or a person is read or refused with a Danish message,
/// never a panic; a date read is the date typed.
#[cfg(test)]
mod fuzz {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn fuzz_form_dates_and_people_take_any_text(text in "\\PC{0,30}|[0-9./ -]{0,12}") {
            match parse_date("date.x", &text) {
                Ok(d) => {
                    let typed = [d.to_string(), d.strftime("%d.%m.%Y").to_string(), d.strftime("%-d-%-m-%Y").to_string()];
                    prop_assert!(typed.iter().any(|t| parse_date("x", t).ok() == Some(d)));
                }
                Err(e) => prop_assert!(e.field == "date.x" && e.message.contains("ikke en gyldig dato")),
            }
            let _ = person(&text);
        }

        #[test]
        fn fuzz_form_dates_read_every_day_as_typed(y in 1900i16..2200, m in 1i8..=12, d in 1i8..=31) {
            if let Ok(day) = jiff::civil::Date::new(y, m, d) {
                for typed in [day.to_string(), format!("{d:02}.{m:02}.{y}"), format!("{d}-{m}-{y}"), format!(" {d}/{m}/{y} ")] {
                    prop_assert_eq!(parse_date("x", &typed).ok(), Some(day), "{}", typed);
                }
            }
        }
    }
}
