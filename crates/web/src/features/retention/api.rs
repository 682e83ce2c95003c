//! The API: a course's standing, its export and legal hold; an organisation's rules.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tovholder_app::retention::{self, Format, OrgRule};
use tovholder_core::ids::{CourseId, OrgId};
use tovholder_core::retention::{Rule, Verdict};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, AppError};
use crate::http::path::Path;

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct OrgRuleOut {
    pub organisation: String,
    pub rule: Rule,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct StandingOut {
    /// Each participating organisation's rule for the course's model.
    pub rules: Vec<OrgRuleOut>,
    pub legal_hold: bool,
    /// The latest export (the JSON file), RFC 3339.
    pub exported: Option<String>,
    /// When every organisation's period has passed, if every one erases.
    pub erase_on: Option<jiff::civil::Date>,
    /// Due for erasure today.
    pub due: bool,
    /// Why it is kept (Danish), when it is.
    pub kept_because: Vec<String>,
}

async fn standing_out(app: &App, user: &CurrentUser, id: CourseId) -> Result<StandingOut, AppError> {
    let s = retention::course_standing(app, user, id).await?;
    let (due, kept_because) = match s.verdict {
        Verdict::Erase => (true, vec![]),
        Verdict::Keep(why) => (false, why),
    };
    Ok(StandingOut {
        rules: s.rules.into_iter().map(|(organisation, rule)| OrgRuleOut { organisation, rule }).collect(),
        legal_hold: s.hold,
        exported: s.exported.map(|t| t.to_string()),
        erase_on: s.erase_on,
        due,
        kept_because,
    })
}

pub async fn standing(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Json<StandingOut>, ApiError> {
    Ok(Json(standing_out(&app, &user, CourseId(id)).await?))
}

pub async fn export(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let bytes = retention::export_file(&app, &user, CourseId(id), Format::Json).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct HoldBody {
    pub on: bool,
}

pub async fn hold(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>, Json(body): Json<HoldBody>) -> Result<Json<StandingOut>, ApiError> {
    retention::set_hold(&app, &user, CourseId(id), body.on).await?;
    Ok(Json(standing_out(&app, &user, CourseId(id)).await?))
}

pub async fn org_rules(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>) -> Result<Json<Vec<OrgRule>>, ApiError> {
    Ok(Json(retention::org_rules(&app, &user, OrgId(org)).await?))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct RuleBody {
    /// A model's id, or empty for every model.
    #[serde(default)]
    pub model: String,
    /// None: follow the organisation's rule (for a model), or keep.
    pub rule: Option<Rule>,
}

pub async fn set_org_rule(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>, Json(body): Json<RuleBody>) -> Result<Json<Vec<OrgRule>>, ApiError> {
    if let Some(Rule::Erase { years }) = body.rule
        && !(1..=tovholder_core::retention::MAX_YEARS).contains(&years)
    {
        return Err(AppError::invalid("rule.years", "Antal år skal være fra 1 til 100.").into());
    }
    retention::set_rule(&app, &user, OrgId(org), &body.model, body.rule).await?;
    Ok(Json(retention::org_rules(&app, &user, OrgId(org)).await?))
}
