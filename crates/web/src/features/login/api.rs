//! The JSON API of this feature (under `/api/v1`).

use axum::Json;
use serde::Serialize;

use crate::http::auth::CurrentUser;

#[derive(Serialize, schemars::JsonSchema)]
pub struct Me {
    pub person: tovholder_core::ids::PersonId,
    pub name: String,
    pub org: tovholder_core::ids::OrgId,
    pub org_roles: Vec<String>,
    /// The token to send in `X-CSRF-Token` on writes.
    pub csrf: String,
}

pub async fn me(user: CurrentUser) -> Json<Me> {
    let u = user.user.clone();
    Json(Me { person: u.person, name: u.name, org: u.org, org_roles: u.org_roles, csrf: user.csrf })
}
