//! The JSON API of administration (under `/api/v1/admin`), for scripted set-up.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tovholder_app::admin::{self, NewDepartment, NewOrg, NewStaff, StaffChange, StaffRow};
use tovholder_core::ids::{OrgId, PersonId};
use tovholder_store::{Department, Org};

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::http::json::{ApiJson, Created};
use crate::http::path::Path;

pub async fn organisations(State(app): State<App>, user: CurrentUser) -> Result<Json<Vec<Org>>, ApiError> {
    Ok(Json(admin::organisations(&app, &user).await?))
}

pub async fn create_org(State(app): State<App>, user: CurrentUser, ApiJson(input): ApiJson<NewOrg>) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = admin::create_org(&app, Some(&user), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

pub async fn departments(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>) -> Result<Json<Vec<Department>>, ApiError> {
    Ok(Json(admin::departments(&app, &user, OrgId(org)).await?))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct DepartmentBody {
    pub name: String,
    /// What the department does (`tovholder_app::admin::DEPARTMENT_KINDS`); "andet" if left out.
    #[serde(default)]
    pub kind: Option<String>,
}

pub async fn add_department(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>, ApiJson(b): ApiJson<DepartmentBody>) -> Result<(StatusCode, Json<Created>), ApiError> {
    let input = NewDepartment { name: b.name, kind: b.kind.unwrap_or_else(|| "andet".into()) };
    let id = admin::add_department(&app, &user, OrgId(org), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

pub async fn users(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>) -> Result<Json<Vec<StaffRow>>, ApiError> {
    Ok(Json(admin::staff(&app, &user, OrgId(org)).await?))
}

pub async fn create_user(State(app): State<App>, user: CurrentUser, ApiJson(input): ApiJson<NewStaff>) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = admin::create_user(&app, Some(&user), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

pub async fn change_user(State(app): State<App>, user: CurrentUser, Path(person): Path<i64>, ApiJson(change): ApiJson<StaffChange>) -> Result<Json<StaffRow>, ApiError> {
    Ok(Json(admin::change_user(&app, &user, PersonId(person), &change).await?))
}

pub async fn password_link(State(app): State<App>, user: CurrentUser, Path(person): Path<i64>) -> Result<StatusCode, ApiError> {
    admin::send_password_link(&app, &user, PersonId(person)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset_second_factor(State(app): State<App>, user: CurrentUser, Path(person): Path<i64>) -> Result<StatusCode, ApiError> {
    tovholder_app::second_factor::reset(&app, &user, PersonId(person)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn change_org(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>, ApiJson(codes): ApiJson<tovholder_store::OrgCodes>) -> Result<Json<Org>, ApiError> {
    Ok(Json(admin::change_org_codes(&app, &user, OrgId(org), &codes).await?))
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct LoginBody {
    pub sign_on_only: bool,
}

pub async fn set_login(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>, ApiJson(b): ApiJson<LoginBody>) -> Result<Json<Org>, ApiError> {
    Ok(Json(tovholder_app::single_sign_on::set_sign_on_only(&app, &user, OrgId(org), b.sign_on_only).await?))
}
