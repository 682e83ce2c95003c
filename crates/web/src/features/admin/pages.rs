//! The administration pages: the organisations one administers, and one organisation's
//! departments and staff, with the forms to add them and to close or reopen a login.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::admin::{self, AdminScope, NewDepartment, NewOrg, NewStaff, StaffChange, StaffRow};
use tovholder_core::commands::FieldError;
use tovholder_core::ids::{OrgId, PersonId};
use tovholder_store::{Department, Org};

use crate::App;
use crate::features::courses::pages::{Choice, SavedQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, all, get};
use crate::http::path::Path;
use crate::ui::{FormState, Layout};

fn saved_text(what: &str) -> Option<&'static str> {
    Some(match what {
        "organisation" => "Organisationen er oprettet. Tilføj dens afdelinger og brugere herunder.",
        "afdeling" => "Afdelingen er tilføjet.",
        "bruger" => "Brugeren er oprettet. Fik brugeren ingen adgangskode, er der sendt et link på e-mail til selv at vælge den.",
        "link" => "Brugeren har fået et link på e-mail til at vælge en ny adgangskode. Linket virker i 30 minutter.",
        "totrin" => "Totrinsbekræftelsen er nulstillet. Brugeren sætter den op igen ved næste login.",
        "lukket" => "Brugerens adgang er lukket, og brugeren er logget ud.",
        "aabnet" => "Brugerens adgang er åbnet igen.",
        "rettet" => "Brugeren er rettet.",
        "login" => "Login-indstillingen er gemt.",
        _ => return None,
    })
}

fn kinds(list: &[(&str, &str)], chosen: &str) -> Vec<Choice> {
    list.iter().map(|(k, l)| Choice { value: (*k).into(), label: (*l).into(), selected: *k == chosen }).collect()
}

pub struct OrgRow {
    pub org: Org,
    pub kind_da: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/index.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub csrf: String,
    pub orgs: Vec<OrgRow>,
    pub may_create: bool,
    pub kinds: Vec<Choice>,
    pub errors: Vec<FieldError>,
    pub submitted: BTreeMap<String, String>,
    pub saved: Option<&'static str>,
}

crate::ui::form_state!(IndexPage, submitted);

async fn index_page(app: &App, user: &CurrentUser, submitted: BTreeMap<String, String>, errors: Vec<FieldError>) -> Result<IndexPage, AppError> {
    let orgs = admin::organisations(app, user).await?;
    Ok(IndexPage {
        layout: Layout::for_user(app, user, "admin").await?,
        csrf: user.csrf.clone(),
        orgs: orgs.into_iter().map(|org| OrgRow { kind_da: admin::label(admin::ORG_KINDS, &org.kind), org }).collect(),
        may_create: admin::scope(user) == Some(AdminScope::Instance),
        kinds: kinds(admin::ORG_KINDS, submitted.get("kind").map_or("", String::as_str)),
        errors,
        submitted,
        saved: None,
    })
}

pub async fn index(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    Ok(index_page(&app, &user, BTreeMap::new(), vec![]).await?.into_response())
}

pub async fn create_org(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let code = |f: &str| Some(get(&form, f).to_string());
    let codes = tovholder_store::OrgCodes { cvr: code("cvr"), ean: code("ean"), sor: code("sor"), kommunekode: code("kommunekode") };
    let input = NewOrg { name: get(&form, "name").into(), kind: get(&form, "kind").into(), codes };
    match admin::create_org(&app, Some(&user), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/admin/organisationer/{id}?gemt=organisation")).into_response()),
        Err(AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, index_page(&app, &user, form.into_iter().collect(), errors).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

pub struct StaffView {
    pub row: StaffRow,
    pub roles_da: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/organisation.html")]
pub struct OrgPage {
    pub layout: Layout,
    pub csrf: String,
    pub org: Org,
    pub kind_da: String,
    pub departments: Vec<(Department, String)>,
    pub department_kinds: Vec<Choice>,
    pub department_choices: Vec<Choice>,
    pub staff: Vec<StaffView>,
    pub roles: Vec<Choice>,
    pub me: PersonId,
    /// A staff identity provider lets this organisation's staff log in.
    pub signs_on: bool,
    pub errors: Vec<FieldError>,
    pub submitted: BTreeMap<String, String>,
    pub saved: Option<&'static str>,
}

crate::ui::form_state!(OrgPage, submitted);

async fn org_page(app: &App, user: &CurrentUser, org: OrgId, form: &FormData, errors: Vec<FieldError>, saved: Option<&'static str>) -> Result<OrgPage, AppError> {
    let o = admin::organisation(app, user, org).await?;
    let departments = admin::departments(app, user, org).await?;
    let roles = admin::standing_roles(app);
    let role_label = |id: &str| roles.iter().find(|(k, _)| k == id).map_or_else(|| id.to_string(), |(_, l)| l.clone());
    let staff = admin::staff(app, user, org).await?.into_iter().map(|row| StaffView { roles_da: row.roles.iter().map(|r| role_label(r)).collect::<Vec<_>>().join(", "), row }).collect();
    let chosen_roles: Vec<&str> = all(form, "roles").collect();
    let submitted: BTreeMap<String, String> = form.iter().filter(|(k, _)| k != "password").cloned().collect();
    let chosen_department = get(form, "department");
    let signs_on = tovholder_app::single_sign_on::serves(app, &o.name);
    Ok(OrgPage {
        layout: Layout { below: true, ..Layout::for_user(app, user, "admin").await? },
        csrf: user.csrf.clone(),
        kind_da: admin::label(admin::ORG_KINDS, &o.kind),
        org: o,
        department_kinds: kinds(admin::DEPARTMENT_KINDS, get(form, "department_kind")),
        department_choices: std::iter::once(Choice { value: String::new(), label: "Ingen afdeling".into(), selected: chosen_department.is_empty() })
            .chain(departments.iter().map(|d| Choice { value: d.name.clone(), label: d.name.clone(), selected: d.name == chosen_department }))
            .collect(),
        departments: departments.into_iter().map(|d| (admin::label(admin::DEPARTMENT_KINDS, &d.kind), d)).map(|(k, d)| (d, k)).collect(),
        staff,
        roles: roles.iter().map(|(k, l)| Choice { value: k.clone(), label: l.clone(), selected: chosen_roles.contains(&k.as_str()) }).collect(),
        me: user.person,
        signs_on,
        errors,
        submitted,
        saved,
    })
}

pub async fn organisation(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>, Query(q): Query<SavedQuery>) -> Result<Response, PageError> {
    let saved = q.gemt.as_deref().and_then(saved_text);
    Ok(org_page(&app, &user, OrgId(org), &vec![], vec![], saved).await?.into_response())
}

/// On success back to the organisation's page; refused input shows it again with the errors.
async fn done<T>(app: &App, user: &CurrentUser, org: OrgId, form: FormData, result: Result<T, AppError>, saved: &str) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/admin/organisationer/{org}?gemt={saved}")).into_response()),
        Err(AppError::Invalid(errors)) => Ok((StatusCode::UNPROCESSABLE_ENTITY, org_page(app, user, org, &form, errors, None).await?).into_response()),
        Err(e) => Err(e.into()),
    }
}

/// Local passwords off (`sign_on_only` = ja) or on again for the organisation's staff.
pub async fn set_login(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let result = tovholder_app::single_sign_on::set_sign_on_only(&app, &user, OrgId(org), get(&form, "sign_on_only") == "ja").await;
    done(&app, &user, OrgId(org), form, result, "login").await
}

pub async fn add_department(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let input = NewDepartment { name: get(&form, "department_name").into(), kind: get(&form, "department_kind").into() };
    let result = admin::add_department(&app, &user, OrgId(org), &input).await.map_err(|e| rename(e, &[("name", "department_name"), ("kind", "department_kind")]));
    done(&app, &user, OrgId(org), form, result, "afdeling").await
}

pub async fn create_user(State(app): State<App>, user: CurrentUser, Path(org): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let input = NewStaff {
        login: get(&form, "login").into(),
        name: get(&form, "name").into(),
        email: get(&form, "email").into(),
        organisation: OrgId(org),
        department: Some(get(&form, "department").to_string()),
        roles: all(&form, "roles").map(str::to_string).collect(),
        password: get(&form, "password").into(),
        instance_admin: false,
    };
    let result = admin::create_user(&app, Some(&user), &input).await;
    done(&app, &user, OrgId(org), form, result, "bruger").await
}

/// Closes or reopens a login (`active` = ja/nej); the page it came from is its organisation's.
pub async fn change_user(State(app): State<App>, user: CurrentUser, Path(person): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let active = get(&form, "active") == "ja";
    let change = StaffChange { active: Some(active), roles: None, department: None };
    let result = admin::change_user(&app, &user, PersonId(person), &change).await;
    let org = match &result {
        Ok(row) => row.organisation,
        Err(AppError::Invalid(_)) => app.store.user(PersonId(person)).await.map_err(AppError::from)?.map_or(user.org, |u| u.org),
        Err(_) => user.org,
    };
    done(&app, &user, org, form, result, if active { "aabnet" } else { "lukket" }).await
}

/// Back to the organisation of the login acted on.
async fn org_of(app: &App, person: i64) -> Result<OrgId, AppError> {
    Ok(app.store.user(PersonId(person)).await?.ok_or(AppError::NotFound)?.org)
}

/// Mails a login a link to choose a new password (a forgotten one, or a first).
pub async fn password_link(State(app): State<App>, user: CurrentUser, Path(person): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let result = admin::send_password_link(&app, &user, PersonId(person)).await;
    done(&app, &user, org_of(&app, person).await?, form, result, "link").await
}

/// Removes a login's second factor (a lost phone).
pub async fn reset_second_factor(State(app): State<App>, user: CurrentUser, Path(person): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let result = tovholder_app::second_factor::reset(&app, &user, PersonId(person)).await;
    done(&app, &user, org_of(&app, person).await?, form, result, "totrin").await
}

/// The same errors, named as this page's fields are.
fn rename(e: AppError, names: &[(&str, &str)]) -> AppError {
    match e {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|mut f| {
                    if let Some((_, to)) = names.iter().find(|(from, _)| *from == f.field) {
                        f.field = (*to).into();
                    }
                    f
                })
                .collect(),
        ),
        other => other,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub rows: Vec<admin::AuditRow>,
    pub kinds: Vec<Choice>,
    pub whole_instance: bool,
}

#[derive(serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub handling: String,
}

/// The administrative acts, newest first, of one kind if chosen.
pub async fn audit(State(app): State<App>, user: CurrentUser, Query(q): Query<AuditQuery>) -> Result<Response, PageError> {
    let rows = admin::audit(&app, &user, Some(q.handling.as_str()).filter(|h| !h.is_empty())).await?;
    let kinds = std::iter::once(Choice { value: String::new(), label: "Alle handlinger".into(), selected: q.handling.is_empty() })
        .chain(admin::AUDITED.iter().map(|(k, l)| Choice { value: (*k).into(), label: (*l).into(), selected: *k == q.handling }))
        .collect();
    let page = AuditPage { layout: Layout { below: true, ..Layout::for_user(&app, &user, "admin").await? }, rows, kinds, whole_instance: admin::scope(&user) == Some(AdminScope::Instance) };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/user.html")]
pub struct UserPage {
    pub layout: Layout,
    pub csrf: String,
    pub org: Org,
    pub staff: StaffRow,
    pub department_choices: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub errors: Vec<FieldError>,
}

crate::ui::form_state!(UserPage);

/// A login's page: its roles and department to change. `chosen`: what a refused form sent.
async fn user_page(app: &App, user: &CurrentUser, person: PersonId, chosen: Option<(&str, Vec<&str>)>, errors: Vec<FieldError>) -> Result<Response, AppError> {
    let target = app.store.user(person).await?.ok_or(AppError::NotFound)?;
    let org = admin::organisation(app, user, target.org).await?;
    let staff = StaffRow::from(&target);
    let (department, roles): (String, Vec<String>) = match chosen {
        Some((d, r)) => (d.to_string(), r.into_iter().map(str::to_string).collect()),
        None => (staff.department.clone().unwrap_or_default(), staff.roles.clone()),
    };
    let department_choices = std::iter::once(Choice { value: String::new(), label: "Ingen afdeling".into(), selected: department.is_empty() })
        .chain(admin::departments(app, user, org.id).await?.into_iter().map(|d| Choice { selected: d.name == department, value: d.name.clone(), label: d.name }))
        .collect();
    let role_choices = admin::standing_roles(app).into_iter().map(|(k, l)| Choice { selected: roles.contains(&k), value: k, label: l }).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = UserPage { layout: Layout { below: true, ..Layout::for_user(app, user, "admin").await? }, csrf: user.csrf.clone(), org, staff, department_choices, roles: role_choices, errors };
    Ok((status, page).into_response())
}

pub async fn user(State(app): State<App>, user: CurrentUser, Path(person): Path<i64>) -> Result<Response, PageError> {
    Ok(user_page(&app, &user, PersonId(person), None, vec![]).await?)
}

/// Changes a login's standing roles and department; back to its organisation's page.
pub async fn change_roles(State(app): State<App>, user: CurrentUser, Path(person): Path<i64>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let roles: Vec<&str> = all(&form, "roles").collect();
    let change = StaffChange { active: None, roles: Some(roles.iter().map(|r| r.to_string()).collect()), department: Some(get(&form, "department").to_string()) };
    match admin::change_user(&app, &user, PersonId(person), &change).await {
        Ok(row) => Ok(Redirect::to(&format!("/admin/organisationer/{}?gemt=rettet", row.organisation)).into_response()),
        Err(AppError::Invalid(errors)) => Ok(user_page(&app, &user, PersonId(person), Some((get(&form, "department"), roles)), errors).await?),
        Err(e) => Err(e.into()),
    }
}
