//! Administration: organisations, their departments and staff logins. An instance administrator
//! administers every organisation; a holder of the standing role `administrator` administers
//! their own. To anyone else, and for another organisation, it all answers "not found". Every
//! act is written to the access log (`admin:…`, allowed or not), so it can be read back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tovholder_core::commands::FieldError;
use tovholder_core::ids::{OrgId, PersonId};
use tovholder_core::model::Scope;
use tovholder_store::{AccessRecord, Department, NewPerson, NewUser, Org, OrgCodes, StoreError, User, UserChange};

use crate::error::AppError;
use crate::{App, passwords};

/// The standing role that makes its holder their organisation's administrator.
pub const ADMINISTRATOR: &str = "administrator";

/// The kinds of organisation, as stored and as shown. A model's consent names some of them
/// (`outside_kinds`).
pub const ORG_KINDS: &[(&str, &str)] = &[
    ("kommune", "Kommune"),
    ("region", "Region"),
    ("julemaerkehjem", "Julemærkehjem"),
    ("doegninstitution", "Døgninstitution"),
    ("opholdssted", "Opholdssted"),
    ("plejefamilie", "Plejefamilie"),
    ("familiepleje", "Kommunal familiepleje"),
    ("skole", "Skole"),
    ("dagtilbud", "Dagtilbud"),
    ("institution", "Anden institution"),
    ("privat_leverandoer", "Privat leverandør"),
];

/// The kinds of department: what a department does, whatever its local name.
pub const DEPARTMENT_KINDS: &[(&str, &str)] = &[
    ("familieraadgivning", "Familierådgivning"),
    ("sundhedspleje", "Sundhedspleje"),
    ("jobcenter", "Jobcenter"),
    ("ppr", "PPR"),
    ("skole", "Skole"),
    ("dagtilbud", "Dagtilbud"),
    ("familiehus", "Familiehus"),
    ("handicap", "Handicap"),
    ("psykiatri", "Børne- og ungdomspsykiatri"),
    ("andet", "Andet"),
];

/// Whom a user administers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminScope {
    Instance,
    Org(OrgId),
}

/// What `user` may administer, if anything.
pub fn scope(user: &User) -> Option<AdminScope> {
    if user.instance_admin {
        Some(AdminScope::Instance)
    } else if user.org_roles.iter().any(|r| r == ADMINISTRATOR) {
        Some(AdminScope::Org(user.org))
    } else {
        None
    }
}

fn may_administer(user: &User, org: OrgId) -> bool {
    match scope(user) {
        Some(AdminScope::Instance) => true,
        Some(AdminScope::Org(o)) => o == org,
        None => false,
    }
}

/// The standing roles a login may be given: every model's organisation roles, and administrator.
pub fn standing_roles(app: &App) -> Vec<(String, String)> {
    let mut roles: BTreeMap<String, String> = BTreeMap::new();
    for model in app.models.all() {
        for (id, role) in &model.roles {
            if role.scope == Scope::Organisation {
                roles.entry(id.clone()).or_insert_with(|| role.label.clone());
            }
        }
    }
    roles.insert(ADMINISTRATOR.into(), "Administrator".into());
    roles.into_iter().collect()
}

pub fn label(list: &[(&str, &str)], id: &str) -> String {
    list.iter().find(|(k, _)| *k == id).map_or_else(|| id.to_string(), |(_, l)| l.to_string())
}

pub(crate) async fn log(app: &App, by: Option<&User>, action: &str, allowed: bool, reason: &str) -> Result<(), AppError> {
    let rec = AccessRecord { at: app.clock.now(), person: by.map(|u| u.person), course: None, action: format!("admin:{action}"), allowed, reason: reason.into() };
    crate::course::log(app, rec).await
}

/// Refuses (and logs) an act on `org` by someone who does not administer it.
pub(crate) async fn require(app: &App, user: &User, org: OrgId, action: &str) -> Result<(), AppError> {
    if may_administer(user, org) {
        return Ok(());
    }
    log(app, Some(user), action, false, "not_administrator").await?;
    Err(AppError::NotFound)
}

fn field(name: &str, message: &str) -> FieldError {
    FieldError { field: name.into(), message: message.into() }
}

/// A required text of at most `max` characters, trimmed.
fn text(errors: &mut Vec<FieldError>, name: &str, value: &str, max: usize, missing: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(field(name, missing));
    } else if v.chars().count() > max {
        errors.push(field(name, &format!("Højst {max} tegn.")));
    }
    v.to_string()
}

fn done(errors: Vec<FieldError>) -> Result<(), AppError> {
    if errors.is_empty() { Ok(()) } else { Err(AppError::Invalid(errors)) }
}

/// The organisations `user` administers, by name.
pub async fn organisations(app: &App, user: &User) -> Result<Vec<Org>, AppError> {
    let Some(scope) = scope(user) else { return Err(AppError::NotFound) };
    Ok(app.store.orgs().await?.iter().filter(|o| scope == AdminScope::Instance || scope == AdminScope::Org(o.id)).cloned().collect())
}

/// One organisation `user` administers.
pub async fn organisation(app: &App, user: &User, org: OrgId) -> Result<Org, AppError> {
    if !may_administer(user, org) {
        return Err(AppError::NotFound);
    }
    app.store.orgs().await?.iter().find(|o| o.id == org).cloned().ok_or(AppError::NotFound)
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct NewOrg {
    pub name: String,
    pub kind: String,
    #[serde(flatten)]
    pub codes: OrgCodes,
}

/// The official numbers as stored: trimmed, empty ones left out, each checked (CVR and EAN by
/// their check digits, the municipality code by the range Danish ones have).
fn check_codes(errors: &mut Vec<FieldError>, codes: &OrgCodes) -> OrgCodes {
    let clean = |v: &Option<String>| v.as_deref().map(|s| s.chars().filter(|c| !c.is_whitespace()).collect::<String>()).filter(|s| !s.is_empty());
    let digits = |s: &str| -> Option<Vec<u32>> { s.chars().map(|c| c.to_digit(10)).collect() };
    let (cvr, ean, sor, kommunekode) = (clean(&codes.cvr), clean(&codes.ean), clean(&codes.sor), clean(&codes.kommunekode));
    if let Some(c) = &cvr {
        let ok = digits(c).filter(|d| d.len() == 8).is_some_and(|d| d.iter().zip([2, 7, 6, 5, 4, 3, 2, 1]).map(|(a, w)| a * w).sum::<u32>() % 11 == 0);
        if !ok {
            errors.push(field("cvr", "Et CVR-nummer er 8 cifre (tjek cifrene)."));
        }
    }
    if let Some(e) = &ean {
        let ok = digits(e).filter(|d| d.len() == 13).is_some_and(|d| (10 - d[..12].iter().enumerate().map(|(i, x)| x * if i % 2 == 0 { 1 } else { 3 }).sum::<u32>() % 10) % 10 == d[12]);
        if !ok {
            errors.push(field("ean", "Et EAN-nummer er 13 cifre (tjek cifrene)."));
        }
    }
    if let Some(s) = &sor
        && !digits(s).is_some_and(|d| (6..=18).contains(&d.len()))
    {
        errors.push(field("sor", "En SOR-kode er 6 til 18 cifre."));
    }
    if let Some(k) = &kommunekode
        && !(k.len() == 3 && k.parse::<u32>().is_ok_and(|n| (101..=860).contains(&n)))
    {
        errors.push(field("kommunekode", "En kommunekode er 3 cifre mellem 101 og 860."));
    }
    OrgCodes { cvr, ean, sor, kommunekode }
}

/// Changes the official numbers of an organisation `user` administers; left out is removed.
pub async fn change_org_codes(app: &App, user: &User, org: OrgId, codes: &OrgCodes) -> Result<Org, AppError> {
    require(app, user, org, "change_org").await?;
    let mut errors = Vec::new();
    let codes = check_codes(&mut errors, codes);
    done(errors)?;
    app.store.set_org_codes(org, &codes).await?;
    log(app, Some(user), "change_org", true, "administrator").await?;
    organisation(app, user, org).await
}

/// Whether the new login `input` will log in only through single sign-on.
async fn signs_on_only_in(app: &App, input: &NewStaff) -> Result<bool, AppError> {
    Ok(!input.instance_admin && app.store.orgs().await?.iter().any(|o| o.id == input.organisation && o.sign_on_only))
}

/// Checks a new organisation: its name and official numbers as stored.
pub(crate) async fn check_org(app: &App, input: &NewOrg) -> Result<(String, OrgCodes), AppError> {
    let mut errors = Vec::new();
    let name = text(&mut errors, "name", &input.name, 200, "Skriv organisationens navn.");
    if !ORG_KINDS.iter().any(|(k, _)| *k == input.kind) {
        errors.push(field("kind", "Vælg hvilken slags organisation det er."));
    }
    if app.store.orgs().await?.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
        errors.push(field("name", "Der findes allerede en organisation med det navn."));
    }
    let codes = check_codes(&mut errors, &input.codes);
    done(errors)?;
    Ok((name, codes))
}

/// A new organisation; only an instance administrator makes one.
pub async fn create_org(app: &App, user: Option<&User>, input: &NewOrg) -> Result<OrgId, AppError> {
    if let Some(u) = user
        && scope(u) != Some(AdminScope::Instance)
    {
        log(app, Some(u), "create_org", false, "not_instance_administrator").await?;
        return Err(AppError::NotFound);
    }
    let (name, codes) = check_org(app, input).await?;
    let id = app.store.add_org(&name, &input.kind).await?;
    if codes != OrgCodes::default() {
        app.store.set_org_codes(id, &codes).await?;
    }
    log(app, user, "create_org", true, "administrator").await?;
    Ok(id)
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct NewDepartment {
    pub name: String,
    pub kind: String,
}

pub async fn departments(app: &App, user: &User, org: OrgId) -> Result<Vec<Department>, AppError> {
    organisation(app, user, org).await?;
    Ok(app.store.departments(org).await?)
}

/// Checks a new department of `org`: its name as stored.
pub(crate) async fn check_department(app: &App, org: OrgId, input: &NewDepartment) -> Result<String, AppError> {
    let mut errors = Vec::new();
    let name = text(&mut errors, "name", &input.name, 200, "Skriv afdelingens navn.");
    if !DEPARTMENT_KINDS.iter().any(|(k, _)| *k == input.kind) {
        errors.push(field("kind", "Vælg hvad afdelingen arbejder med."));
    }
    if app.store.departments(org).await?.iter().any(|d| d.name.eq_ignore_ascii_case(&name)) {
        errors.push(field("name", "Organisationen har allerede en afdeling med det navn."));
    }
    done(errors)?;
    Ok(name)
}

pub async fn add_department(app: &App, user: &User, org: OrgId, input: &NewDepartment) -> Result<i64, AppError> {
    require(app, user, org, "add_department").await?;
    organisation(app, user, org).await?;
    let name = check_department(app, org, input).await?;
    let id = match app.store.add_department(org, &name, &input.kind).await {
        Err(StoreError::Duplicate(_)) => return Err(AppError::Invalid(vec![field("name", "Organisationen har allerede en afdeling med det navn.")])),
        other => other?,
    };
    log(app, Some(user), "add_department", true, "administrator").await?;
    Ok(id)
}

/// A new staff login, as an administrator or the command line enters it.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
pub struct NewStaff {
    pub login: String,
    pub name: String,
    pub email: String,
    pub organisation: OrgId,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    /// Empty: the login gets a link by mail to choose their password.
    #[serde(default)]
    pub password: String,
    /// Administers every organisation (only an instance administrator, or the command line,
    /// makes one).
    #[serde(default)]
    pub instance_admin: bool,
}

/// The login name as stored: lower case, letters, digits, `.`, `-`, `_` and `@`.
fn login_name(errors: &mut Vec<FieldError>, login: &str) -> String {
    let l = login.trim().to_lowercase();
    if l.chars().count() < 2 || l.len() > 256 || !l.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@')) {
        errors.push(field("login", "Brugernavnet skal være 2 til 256 tegn: bogstaver, tal, punktum, bindestreg, understreg eller @."));
    }
    l
}

/// Checks a new staff login; the errors name the fields.
pub(crate) async fn check_staff(app: &App, input: &NewStaff) -> Result<(String, String, String, Option<String>), AppError> {
    let mut errors = Vec::new();
    let login = login_name(&mut errors, &input.login);
    let name = text(&mut errors, "name", &input.name, 200, "Skriv personens navn.");
    let email = input.email.trim().to_string();
    if !(email.contains('@') && !email.starts_with('@') && !email.ends_with('@') && !email.contains(char::is_whitespace) && email.len() <= 254) {
        errors.push(field("email", "Skriv en gyldig e-mailadresse."));
    }
    if !input.password.is_empty()
        && let Some(why) = passwords::weakness(&input.password, &[&login, &name, &email])
    {
        errors.push(field("password", why));
    }
    if !input.password.is_empty() && signs_on_only_in(app, input).await? {
        errors.push(field("password", crate::text::NO_PASSWORDS_HERE));
    }
    let known = standing_roles(app);
    if input.roles.iter().any(|r| !known.iter().any(|(k, _)| k == r)) {
        errors.push(field("roles", "Vælg roller fra listen."));
    }
    let department = input.department.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string);
    if let Some(d) = &department
        && !app.store.departments(input.organisation).await?.iter().any(|x| &x.name == d)
    {
        errors.push(field("department", "Vælg en af organisationens afdelinger."));
    }
    if app.store.user_by_name(&login).await?.is_some() {
        errors.push(field("login", "Brugernavnet er taget."));
    }
    done(errors)?;
    Ok((login, name, email, department))
}

/// A new staff login in an organisation `user` administers (the command line: `user` None).
pub async fn create_user(app: &App, user: Option<&User>, input: &NewStaff) -> Result<PersonId, AppError> {
    if let Some(u) = user {
        require(app, u, input.organisation, "create_user").await?;
        if input.instance_admin && !u.instance_admin {
            log(app, Some(u), "create_user", false, "not_instance_administrator").await?;
            return Err(AppError::NotFound);
        }
    }
    let person = insert(app, input).await?;
    log(app, user, "create_user", true, if user.is_some() { "administrator" } else { "command_line" }).await?;
    // Without a password: a link to choose one, unless the organisation signs on only.
    if input.password.is_empty() && !signs_on_only_in(app, input).await? {
        let created = app.store.user(person).await?.ok_or(AppError::NotFound)?;
        crate::login_links::send(app, &created, true).await?;
    }
    Ok(person)
}

/// Mails a login of an organisation `user` administers a link to choose a new password.
pub async fn send_password_link(app: &App, user: &User, person: PersonId) -> Result<(), AppError> {
    let Some(target) = app.store.user(person).await? else { return Err(AppError::NotFound) };
    require(app, user, target.org, "password_link").await?;
    crate::login_links::send(app, &target, false).await?;
    log(app, Some(user), "password_link", true, &format!("administrator for {}", person.0)).await
}

/// A login made at its first single sign-on (the provider may create logins): no password,
/// and no link to choose one.
pub async fn create_signed_on(app: &App, input: &NewStaff, provider: &str) -> Result<PersonId, AppError> {
    let person = insert(app, input).await?;
    log(app, None, "create_user", true, &format!("single sign-on via {provider}")).await?;
    Ok(person)
}

/// Checks and stores a new login.
async fn insert(app: &App, input: &NewStaff) -> Result<PersonId, AppError> {
    if !app.store.orgs().await?.iter().any(|o| o.id == input.organisation) {
        return Err(AppError::Invalid(vec![field("organisation", "Vælg en organisation fra listen.")]));
    }
    let (login, name, email, department) = check_staff(app, input).await?;
    // No password: none works until the login chooses one by the mailed link.
    let password_hash = if input.password.is_empty() { String::new() } else { passwords::hash_in_background(&input.password).await? };
    let person = app.store.add_person(&NewPerson { name, email: Some(email), org: Some(input.organisation), cpr: None }).await?;
    let new = NewUser { person, username: login, password_hash, org_roles: input.roles.clone(), department, instance_admin: input.instance_admin, active: true };
    match app.store.add_user(&new).await {
        Err(StoreError::Duplicate(_)) => return Err(AppError::Invalid(vec![field("login", "Brugernavnet er taget.")])),
        other => other?,
    }
    Ok(person)
}

/// What an administrator changes about a login; what is left out stays.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct StaffChange {
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    /// `Some("")`: no department.
    #[serde(default)]
    pub department: Option<String>,
}

/// A login as an administrator sees it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct StaffRow {
    pub id: PersonId,
    pub login: String,
    pub name: String,
    pub email: Option<String>,
    pub organisation: OrgId,
    pub department: Option<String>,
    pub roles: Vec<String>,
    pub active: bool,
    pub instance_admin: bool,
    /// Has set up a second factor (TOTP).
    pub second_factor: bool,
}

impl From<&User> for StaffRow {
    fn from(u: &User) -> StaffRow {
        StaffRow {
            id: u.person,
            login: u.username.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            organisation: u.org,
            department: u.department.clone(),
            roles: u.org_roles.clone(),
            active: u.active,
            instance_admin: u.instance_admin,
            second_factor: u.totp_sealed.is_some(),
        }
    }
}

/// The logins of an organisation `user` administers, deactivated ones too.
pub async fn staff(app: &App, user: &User, org: OrgId) -> Result<Vec<StaffRow>, AppError> {
    organisation(app, user, org).await?;
    Ok(app.store.users_of_org(org).await?.iter().map(StaffRow::from).collect())
}

/// Changes a login of an organisation `user` administers. Nobody deactivates themselves or
/// takes their own administrator role: an instance must keep someone who can administer it.
pub async fn change_user(app: &App, user: &User, person: PersonId, change: &StaffChange) -> Result<StaffRow, AppError> {
    let Some(target) = app.store.user(person).await? else { return Err(AppError::NotFound) };
    require(app, user, target.org, "change_user").await?;
    let mut errors = Vec::new();
    let active = change.active.unwrap_or(target.active);
    let roles = change.roles.clone().unwrap_or_else(|| target.org_roles.clone());
    let known = standing_roles(app);
    if roles.iter().any(|r| !known.iter().any(|(k, _)| k == r)) {
        errors.push(field("roles", "Vælg roller fra listen."));
    }
    let department = match &change.department {
        None => target.department.clone(),
        Some(d) if d.trim().is_empty() => None,
        Some(d) => {
            if !app.store.departments(target.org).await?.iter().any(|x| x.name == d.trim()) {
                errors.push(field("department", "Vælg en af organisationens afdelinger."));
            }
            Some(d.trim().to_string())
        }
    };
    if person == user.person && (!active || (scope(user) == Some(AdminScope::Org(user.org)) && !roles.iter().any(|r| r == ADMINISTRATOR))) {
        errors.push(field("active", "Du kan ikke lukke din egen adgang eller fjerne din egen administratorrolle."));
    }
    done(errors)?;
    app.store.update_user(person, &UserChange { active, org_roles: roles, department }).await?;
    // Also when already closed: a release cut short by an error is finished by saving again.
    if !active {
        crate::handover::release(app, user, person).await?;
    }
    let what = if active != target.active { if active { "reactivate_user" } else { "deactivate_user" } } else { "change_user" };
    log(app, Some(user), what, true, "administrator").await?;
    let changed = app.store.user(person).await?.ok_or(AppError::NotFound)?;
    Ok(StaffRow::from(&changed))
}

/// The first administrator of an instance, from the command line: the organisation is made if
/// there is none of that name.
pub async fn bootstrap(app: &App, org_name: &str, org_kind: &str, mut staff: NewStaff) -> Result<PersonId, AppError> {
    let org = match app.store.orgs().await?.iter().find(|o| o.name == org_name.trim()) {
        Some(o) => o.id,
        None => create_org(app, None, &NewOrg { name: org_name.into(), kind: org_kind.into(), codes: OrgCodes::default() }).await?,
    };
    staff.organisation = org;
    create_user(app, None, &staff).await
}

/// The administrative acts the audit log shows, as stored (`admin:…`) and as read.
pub const AUDITED: &[(&str, &str)] = &[
    ("create_org", "Organisation oprettet"),
    ("change_org", "Organisation rettet"),
    ("passwords_off", "Lokale adgangskoder slået fra"),
    ("passwords_on", "Lokale adgangskoder slået til"),
    ("add_department", "Afdeling tilføjet"),
    ("create_user", "Bruger oprettet"),
    ("change_user", "Bruger rettet"),
    ("deactivate_user", "Adgang lukket"),
    ("reactivate_user", "Adgang åbnet"),
    ("password_link", "Link til ny adgangskode sendt"),
    ("password_reset_asked", "Glemt adgangskode: link bestilt"),
    ("password_set_by_link", "Adgangskode valgt med link"),
    ("password_changed", "Adgangskode skiftet"),
    ("totp_enrolled", "Totrinsbekræftelse sat op"),
    ("totp_reset", "Totrinsbekræftelse nulstillet"),
    ("recovery_code_used", "Reservekode brugt"),
    ("recovery_codes_renewed", "Nye reservekoder"),
    ("oidc_login", "Login med login-tjeneste"),
];

/// One line of the audit log, as shown.
#[derive(Clone, Debug, Serialize)]
pub struct AuditRow {
    /// Danish, in Copenhagen time.
    pub at: String,
    pub who: String,
    pub what: String,
    pub allowed: bool,
    pub reason: String,
}

/// The newest administrative acts `user` may read (an organisation's administrator: those of
/// its own people), of one kind if `action` names one of `AUDITED`.
pub async fn audit(app: &App, user: &User, action: Option<&str>) -> Result<Vec<AuditRow>, AppError> {
    let org = match scope(user) {
        Some(AdminScope::Instance) => None,
        Some(AdminScope::Org(o)) => Some(o),
        None => return Err(AppError::NotFound),
    };
    let action = action.filter(|a| AUDITED.iter().any(|(k, _)| k == a)).map(|a| format!("admin:{a}"));
    let records = app.store.admin_log(org, action.as_deref(), 500).await?;
    let mut ids: Vec<PersonId> = records.iter().filter_map(|r| r.person).collect();
    ids.sort();
    ids.dedup();
    let names: BTreeMap<PersonId, String> = app.store.persons(&ids).await?.into_iter().map(|p| (p.id, p.name)).collect();
    Ok(records
        .into_iter()
        .map(|r| AuditRow {
            at: tovholder_core::calendar::format_timestamp_da(r.at).unwrap_or_else(|_| r.at.to_string()),
            who: r.person.and_then(|p| names.get(&p).cloned()).unwrap_or_else(|| "Ukendt (ikke logget ind)".into()),
            what: label(AUDITED, r.action.trim_start_matches("admin:")),
            allowed: r.allowed,
            reason: r.reason,
        })
        .collect())
}
