//! The pages: a course's "Opbevaring" and an organisation's rules.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::retention::{self, Format, OrgRule, Standing};
use tovholder_core::calendar::{format_date_da, format_timestamp_da};
use tovholder_core::ids::{CourseId, OrgId};
use tovholder_core::retention::{MAX_YEARS, Rule, Verdict};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, get};
use crate::http::path::Path;
use crate::ui::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "retention/course.html")]
struct CoursePage {
    layout: Layout,
    csrf: String,
    course: CourseId,
    rules: Vec<(String, String)>,
    hold: bool,
    exported_da: Option<String>,
    erase_on_da: Option<String>,
    due: bool,
    why: Vec<String>,
    may_reopen: bool,
    error: Option<String>,
}

pub async fn course(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Response, PageError> {
    Ok(course_page(&app, &user, id, None).await?)
}

async fn course_page(app: &App, user: &CurrentUser, id: i64, error: Option<String>) -> Result<Response, AppError> {
    let s: Standing = retention::course_standing(app, user, CourseId(id)).await?;
    let (due, why) = match s.verdict {
        Verdict::Erase => (true, vec![]),
        Verdict::Keep(why) => (false, why),
    };
    let status = if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let page = CoursePage {
        layout: Layout { below: true, ..Layout::for_user(app, user, "courses").await? },
        csrf: user.csrf.clone(),
        course: CourseId(id),
        rules: s.rules.iter().map(|(org, r)| (org.clone(), r.label_da())).collect(),
        hold: s.hold,
        exported_da: s.exported.and_then(|t| format_timestamp_da(t).ok()),
        erase_on_da: s.erase_on.map(format_date_da),
        due,
        why,
        may_reopen: s.may_reopen,
        error,
    };
    Ok((status, page).into_response())
}

/// An administrator of one of its organisations reopens a closed course (with the why).
pub async fn reopen(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    match retention::reopen(&app, &user, CourseId(id), get(&form, "note")).await {
        Ok(()) => Ok(Redirect::to(&format!("/forloeb/{id}/opbevaring")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(course_page(&app, &user, id, errors.into_iter().next().map(|e| e.message)).await?),
        Err(e) => Err(e.into()),
    }
}

pub async fn export(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let (format, kind, ext) = match get(&form, "format") {
        "pdf" => (Format::Pdf, "application/pdf", "pdf"),
        _ => (Format::Json, "application/json", "json"),
    };
    let bytes = retention::export_file(&app, &user, CourseId(id), format).await?;
    // The file is named by the course's number only: a name in a download's name is personal data.
    let disposition = format!("attachment; filename=\"forloeb-{id}.{ext}\"");
    Ok(([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

pub async fn hold(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    retention::set_hold(&app, &user, CourseId(id), get(&form, "on") == "ja").await?;
    Ok(Redirect::to(&format!("/forloeb/{id}/opbevaring")).into_response())
}

/// A rule line as the form shows it.
pub struct RuleLine {
    pub model: String,
    pub label: String,
    pub kind: &'static str,
    pub years: String,
    pub explicit: bool,
    pub shown: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "retention/organisation.html")]
struct OrgPage {
    layout: Layout,
    csrf: String,
    org: OrgId,
    org_name: String,
    lines: Vec<RuleLine>,
    error: Option<(String, String)>,
    max_years: u16,
}

fn line(r: &OrgRule) -> RuleLine {
    let (kind, years) = match r.rule {
        Rule::Keep => ("keep", String::new()),
        Rule::Archive => ("archive", String::new()),
        Rule::Erase { years } => ("erase", years.to_string()),
    };
    RuleLine { model: r.model.clone(), label: r.label.clone(), kind, years, explicit: r.explicit, shown: r.rule.label_da() }
}

async fn org_page(app: &App, user: &CurrentUser, org: OrgId, error: Option<(String, String)>) -> Result<Response, AppError> {
    let rules = retention::org_rules(app, user, org).await?;
    let org_name = app.store.orgs().await?.iter().find(|o| o.id == org).map(|o| o.name.clone()).unwrap_or_default();
    let status = if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let page = OrgPage {
        layout: Layout { below: true, ..Layout::for_user(app, user, "admin").await? },
        csrf: user.csrf.clone(),
        org,
        org_name,
        lines: rules.iter().map(line).collect(),
        error,
        max_years: MAX_YEARS,
    };
    Ok((status, page).into_response())
}

pub async fn org(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>) -> Result<Response, PageError> {
    Ok(org_page(&app, &user, OrgId(org), None).await?)
}

/// The rule a form line asks for: `None` to follow the organisation's rule (or keep).
pub fn rule_from(kind: &str, years: &str) -> Result<Option<Rule>, String> {
    match kind {
        "default" => Ok(None),
        "keep" => Ok(Some(Rule::Keep)),
        "archive" => Ok(Some(Rule::Archive)),
        "erase" => match years.trim().parse::<u16>() {
            Ok(y) if (1..=MAX_YEARS).contains(&y) => Ok(Some(Rule::Erase { years: y })),
            _ => Err(format!("Skriv antal år som et helt tal fra 1 til {MAX_YEARS}.")),
        },
        _ => Err("Vælg en regel.".into()),
    }
}

pub async fn set_org_rule(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let model = get(&form, "model").to_string();
    match rule_from(get(&form, "rule"), get(&form, "years")) {
        Ok(rule) => {
            retention::set_rule(&app, &user, OrgId(org), &model, rule).await?;
            Ok(Redirect::to(&format!("/admin/organisationer/{org}/opbevaring")).into_response())
        }
        Err(message) => Ok(org_page(&app, &user, OrgId(org), Some((model, message))).await?),
    }
}
