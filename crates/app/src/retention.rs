//! Keeping and erasing closed courses (core's `retention`): each organisation's rule (per model
//! where it differs), legal holds, the export of a whole course for journalisation or the
//! archive, and the erasure of what is due, daily and by `tovholder retention run`. Nothing is
//! erased by default. What an erasure leaves: an anonymous stub and the journal's head, signed,
//! so `audit verify` proves nothing else was removed.

use std::collections::BTreeMap;

use base64::Engine as _;
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tovholder_core::calendar::{format_date_da, today_in_copenhagen};
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::model::{Model, Scope};
use tovholder_core::retention::{Facts, Rule, Verdict, erase_on, verdict};
use tovholder_store::{AccessRecord, Erasure, StoredCourse, User, erasure_bytes};

use crate::App;
use crate::admin::{AdminScope, scope};
use crate::course::log;
use crate::error::AppError;

/// An organisation's rule for a model: its rule for that model, else its rule for every
/// model, else keep.
pub fn rule_of(rules: &[tovholder_store::RetentionRule], org: OrgId, model: &str) -> Rule {
    let find = |m: &str| rules.iter().find(|r| r.org == org && r.model == m).and_then(|r| Rule::from_code(&r.rule));
    find(model).or_else(|| find("")).unwrap_or_default()
}

/// Sets `org`'s rule for `model` ("" for every model); `None` removes it (a model's rule then
/// follows the organisation's, and the organisation's is keep). The organisation's own
/// administrator or the instance's; logged.
pub async fn set_rule(app: &App, by: &User, org: OrgId, model: &str, rule: Option<Rule>) -> Result<(), AppError> {
    match scope(by) {
        Some(AdminScope::Instance) => {}
        Some(AdminScope::Org(o)) if o == org => {}
        _ => return Err(AppError::NotFound),
    }
    if !model.is_empty() && app.models.get(model).is_none() {
        return Err(AppError::invalid("model", "Ukendt samarbejdsmodel."));
    }
    let at = app.clock.now();
    let code = rule.map(|r| r.code());
    app.store.set_retention_rule(org, model, code.as_deref(), by.person, at).await?;
    let action = format!("admin:retention:{}:{}:{}", org.0, if model.is_empty() { "*" } else { model }, code.as_deref().unwrap_or("default"));
    log(app, AccessRecord { at, person: Some(by.person), course: None, action, allowed: true, reason: "administrator".into() }).await
}

/// Why `by` may export the course, put it on hold or reopen it as an administrator: one of its
/// coordinators (`role:…`), or an administrator of an organisation that takes part in it now
/// (`administrator`; the instance's administrator only for their own organisation's courses).
pub fn keeping_ground(model: &Model, state: &tovholder_core::course::CourseState, by: &User) -> Option<String> {
    let actor = crate::actor(by);
    if let Some(role) = model.coordinators.iter().find(|r| tovholder_core::policy::holds_any(model, state, &actor, std::slice::from_ref(*r))) {
        return Some(format!("role:{role}"));
    }
    let administers = by.instance_admin || by.org_roles.iter().any(|r| r == crate::admin::ADMINISTRATOR);
    let takes_part = state.parties.iter().any(|(party, org)| *org == by.org && tovholder_core::policy::party_shares(model, state, party));
    (administers && takes_part).then(|| "administrator".to_string())
}

/// The course and its model if `by` may export it and put it on hold (`keeping_ground`).
/// "Not found" otherwise.
async fn keeper(app: &App, by: &User, id: CourseId, what: &str) -> Result<(StoredCourse, std::sync::Arc<Model>), AppError> {
    let course = app.store.course(id).await?;
    let found = match course {
        Some(c) => app.model_of(&c.state).await?.map(|m| (c, m)),
        None => None,
    };
    let ground = found.as_ref().and_then(|(c, m)| keeping_ground(m, &c.state, by));
    let mut rec = AccessRecord { at: app.clock.now(), person: Some(by.person), course: Some(id), action: what.into(), allowed: false, reason: "no_keeper".into() };
    if let Some(g) = &ground {
        rec.allowed = true;
        rec.reason = g.clone();
    }
    log(app, rec).await?;
    match (found, ground) {
        (Some(f), Some(_)) => Ok(f),
        _ => Err(AppError::NotFound),
    }
}

/// Puts a course on legal hold, or lifts it: while on hold it is never erased.
pub async fn set_hold(app: &App, by: &User, id: CourseId, on: bool) -> Result<(), AppError> {
    keeper(app, by, id, if on { "write:legal_hold" } else { "write:legal_hold_lifted" }).await?;
    app.store.set_legal_hold(id, on, by.person, app.clock.now()).await?;
    Ok(())
}

/// An administrator of one of the course's organisations (or of the instance) reopens a closed
/// course, holding no role in it (its coordinators reopen it on the course page): the reason is
/// journaled in their name, under the access log's `write:reopen_admin`.
pub async fn reopen(app: &App, by: &User, id: CourseId, note: &str) -> Result<(), AppError> {
    let (course, model) = keeper(app, by, id, "write:reopen_admin").await?;
    if keeping_ground(&model, &course.state, by).as_deref() != Some("administrator") {
        // A coordinator reopens on the course page, as the course's own command.
        return Err(AppError::NotFound);
    }
    let events = tovholder_core::commands::closing::reopening(&course.state, note)?;
    crate::actions::commit_as_administrator(app, by, &course, model, events).await
}

/// Whether `by` is one of the administrators who may reopen the course here (not its coordinator).
pub fn reopens_as_administrator(model: &Model, state: &tovholder_core::course::CourseState, by: &User) -> bool {
    state.closed.is_some() && keeping_ground(model, state, by).as_deref() == Some("administrator")
}

/// A course's standing for its coordinators and the administrators of its organisations.
pub async fn course_standing(app: &App, by: &User, id: CourseId) -> Result<Standing, AppError> {
    let (course, model) = keeper(app, by, id, "read:retention").await?;
    let mut s = standing(app, &course).await?;
    s.may_reopen = reopens_as_administrator(&model, &course.state, by);
    Ok(s)
}

/// One line of an organisation's rules: for every model (`model` empty) or for one.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct OrgRule {
    /// A model's id, or empty for the organisation's rule for every model.
    pub model: String,
    pub label: String,
    pub rule: Rule,
    /// Set for this line; otherwise it follows the organisation's rule (or keep).
    pub explicit: bool,
}

/// An organisation's rules: for every model, then per model (following it where not set).
/// For its own administrator and the instance's.
pub async fn org_rules(app: &App, by: &User, org: OrgId) -> Result<Vec<OrgRule>, AppError> {
    match scope(by) {
        Some(AdminScope::Instance) => {}
        Some(AdminScope::Org(o)) if o == org => {}
        _ => return Err(AppError::NotFound),
    }
    if !app.store.orgs().await?.iter().any(|o| o.id == org) {
        return Err(AppError::NotFound);
    }
    let all = app.store.retention_rules().await?;
    let explicit = |m: &str| all.iter().any(|r| r.org == org && r.model == m);
    let mut out = vec![OrgRule { model: String::new(), label: "Alle samarbejdsmodeller".into(), rule: rule_of(&all, org, ""), explicit: explicit("") }];
    for m in app.models.all() {
        out.push(OrgRule { model: m.id.clone(), label: m.name.clone(), rule: rule_of(&all, org, &m.id), explicit: explicit(&m.id) });
    }
    Ok(out)
}

/// Where a course stands: its rules, hold, last export and the verdict.
pub struct Standing {
    /// The viewer is an administrator who may reopen it here (it is closed).
    pub may_reopen: bool,
    pub rules: Vec<(String, Rule)>,
    pub hold: bool,
    pub exported: Option<jiff::Timestamp>,
    pub erase_on: Option<Date>,
    pub verdict: Verdict,
}

pub async fn standing(app: &App, c: &StoredCourse) -> Result<Standing, AppError> {
    let all = app.store.retention_rules().await?;
    let orgs = app.store.orgs().await?;
    let rules: Vec<(String, Rule)> =
        c.state.parties.values().map(|o| (orgs.iter().find(|x| x.id == *o).map_or_else(|| format!("Organisation {}", o.0), |x| x.name.clone()), rule_of(&all, *o, &c.state.model))).collect();
    let hold = app.store.legal_hold(c.id).await?.is_some();
    let exported = app.store.last_export(c.id).await?;
    let closed = c.state.closed.as_ref().and_then(|r| today_in_copenhagen(r.stamp.at).ok());
    let exported_after_closing = matches!((exported, &c.state.closed), (Some(e), Some(r)) if e >= r.stamp.at);
    let v = verdict(&Facts { closed, rules: &rules, hold, exported_after_closing }, app.clock.today());
    Ok(Standing { may_reopen: false, erase_on: closed.and_then(|d| erase_on(d, &rules)), rules, hold, exported, verdict: v })
}

/// A course exported whole: a machine-readable JSON file (journal, state, persons, documents
/// with their content) and a PDF of the journal and the written documents.
pub struct Export {
    pub json: Vec<u8>,
    pub pdf: Vec<u8>,
}

/// Which file of the export is wanted. Only the JSON file holds the whole course (uploaded
/// files too), so only it counts as the export erasure waits for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Pdf,
}

/// The JSON file of an export: the whole course.
#[derive(Serialize, schemars::JsonSchema)]
pub struct CourseExport {
    pub course: CourseId,
    pub model: String,
    pub model_version: u32,
    /// RFC 3339.
    pub exported: String,
    /// Every journal entry, oldest first: seq, at, by (person id), event, hash.
    pub journal: Vec<serde_json::Value>,
    /// The course's current state as Tovholder keeps it.
    pub state: serde_json::Value,
    /// The family members and network persons: id, name, email, CPR number.
    pub persons: Vec<serde_json::Value>,
    /// Every document: doc, kind, title, content type, file name, sha256, content in base64.
    pub documents: Vec<serde_json::Value>,
}

/// One file of the export, logged; the JSON file is also recorded (its sha256) as the export
/// erasure waits for. For the course's coordinators and the administrators of its organisations.
pub async fn export_file(app: &App, by: &User, id: CourseId, format: Format) -> Result<Vec<u8>, AppError> {
    let e = export(app, by, id, format).await?;
    Ok(if format == Format::Json { e.json } else { e.pdf })
}

async fn export(app: &App, by: &User, id: CourseId, format: Format) -> Result<Export, AppError> {
    let (course, model) = keeper(app, by, id, if format == Format::Json { "read:export:json" } else { "read:export:pdf" }).await?;
    let entries = app.store.journal(id).await?;
    let views = crate::views::journal_view(app.store.as_ref(), &model, &entries).await?;
    let mut ids: Vec<PersonId> = course.state.members.iter().map(|m| m.person).chain(course.state.network.iter().filter_map(|e| e.person)).collect();
    ids.sort();
    ids.dedup();
    let persons = app.store.persons(&ids).await?;
    let now = app.clock.now();
    let mut documents = Vec::new();
    let mut written = Vec::new();
    for d in &course.state.documents {
        let bytes = app.store.blob(id, &d.meta.sha256).await?.unwrap_or_default();
        if d.meta.content_type.starts_with("text/") {
            written.push(
                serde_json::json!({"title": d.meta.title, "kind": model.documents.get(&d.meta.kind).map_or(d.meta.kind.as_str(), |k| k.label.as_str()), "text": String::from_utf8_lossy(&bytes)}),
            );
        }
        documents.push(serde_json::json!({"doc": d.meta.doc, "kind": d.meta.kind, "title": d.meta.title, "content_type": d.meta.content_type, "filename": d.meta.filename, "sha256": d.meta.sha256, "content_base64": base64::engine::general_purpose::STANDARD.encode(&bytes)}));
    }
    let body = CourseExport {
        course: id,
        model: course.state.model.clone(),
        model_version: course.state.model_version,
        exported: now.to_string(),
        journal: entries.iter().map(|e| serde_json::json!({"seq": e.seq, "at": e.stamp.at.to_string(), "by": e.stamp.by, "event": e.event, "hash": e.hash})).collect(),
        state: serde_json::to_value(&*course.state).map_err(|e| AppError::Internal(e.to_string()))?,
        persons: persons
            .iter()
            .map(|p| {
                let cpr = p.cpr.as_ref().and_then(|s| app.keys.open_cpr(s).ok()).map(|c| c.expose().to_string());
                serde_json::json!({"id": p.id, "name": p.name, "email": p.email, "cpr": cpr})
            })
            .collect(),
        documents,
    };
    let json = serde_json::to_vec_pretty(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    let orgs = app.store.orgs().await?;
    let org_names: Vec<&str> = course.state.parties.values().filter_map(|o| orgs.iter().find(|x| x.id == *o).map(|x| x.name.as_str())).collect();
    let data = serde_json::json!({
        "title": format!("Forløb {} – eksport til journalisering og arkiv", id.0),
        "organisation": org_names.join(", "),
        "date": format_date_da(app.clock.today()),
        "intro": format!("{} (version {}). Hele forløbets journal, ældste først, og teksten i dets skrevne dokumenter. Uploadede filer og alle data ligger i JSON-filen fra samme eksport.", model.name, course.state.model_version),
        "entries": views.iter().rev().map(|v| serde_json::json!({"seq": v.seq.to_string(), "date": v.at_da, "by": v.by, "text": v.text})).collect::<Vec<_>>(),
        "documents": written,
    });
    let pdf = tokio::task::spawn_blocking(move || tovholder_docs::render_pdf(tovholder_docs::templates::COURSE_EXPORT, &data))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if format == Format::Json {
        let sha = hex::encode(Sha256::digest(&json));
        app.store.record_export(id, by.person, now, &sha).await?;
    }
    Ok(Export { json, pdf })
}

/// Expires the access log's rows older than its keeping (`access_log_keep_years`), in whole
/// batches; how many went, or `None` when it is kept for ever.
pub async fn expire_access_log(app: &App) -> Result<Option<i64>, AppError> {
    // At least a year, whatever is configured (0 would expire what was just written).
    let Some(years) = app.config.access_log_keep_years.map(|y| y.max(1)) else { return Ok(None) };
    let now = app.clock.now();
    let before = now.to_zoned(jiff::tz::TimeZone::UTC).checked_sub(jiff::Span::new().years(years)).map_err(|e| AppError::Internal(e.to_string()))?.timestamp();
    Ok(Some(app.store.expire_access_log(before, now).await?))
}

/// One closed course in a retention run: erased (or due, in a dry run) or kept, and why.
pub struct RunLine {
    pub course: CourseId,
    pub model: String,
    pub erase_on: Option<Date>,
    pub verdict: Verdict,
    /// Due, but the erasure failed (e.g. another process erased it a moment ago).
    pub failed: Option<String>,
}

/// The instance fact that says every course closed before `closed_us` was kept has it.
const CLOSED_BACKFILLED: &str = "closed_us_backfilled";

/// Once, after the upgrade: the courses closed before the database kept when, get it (their
/// state says), so the run and the database's own check find them.
async fn backfill_closed(app: &App) -> Result<(), AppError> {
    if app.store.instance_fact(CLOSED_BACKFILLED).await?.is_some() {
        return Ok(());
    }
    let ids = app.store.course_ids().await?;
    for chunk in ids.chunks(500) {
        for c in app.store.courses(chunk).await? {
            if let Some(r) = &c.state.closed {
                app.store.set_closed_at(c.id, r.stamp.at).await?;
            }
        }
    }
    app.store.set_instance_fact(CLOSED_BACKFILLED, "1").await?;
    Ok(())
}

/// Every closed course's verdict today; without `dry_run`, those due are erased.
pub async fn run(app: &App, dry_run: bool) -> Result<Vec<RunLine>, AppError> {
    backfill_closed(app).await?;
    let mut out = Vec::new();
    for id in app.store.closed_courses().await? {
        let Some(c) = app.store.course(id).await? else { continue };
        let s = standing(app, &c).await?;
        let mut failed = None;
        if s.verdict == Verdict::Erase
            && !dry_run
            && let Err(e) = erase(app, &c).await
        {
            // Another process may have erased it a moment ago; the next run sees.
            tracing::warn!(course = id.0, error = %e, "erasing a course failed");
            failed = Some(e.to_string());
        }
        out.push(RunLine { course: id, model: c.state.model.clone(), erase_on: s.erase_on, verdict: s.verdict, failed });
    }
    Ok(out)
}

/// The anonymous stub an erased course leaves, for statistics: no names, no dates but months.
fn stub(model: Option<&Model>, c: &StoredCourse, opened: Option<jiff::Timestamp>) -> String {
    let month = |t: jiff::Timestamp| today_in_copenhagen(t).ok().map(|d| format!("{:04}-{:02}", d.year(), d.month()));
    let mut roles: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &c.state.members {
        *roles.entry(m.role.as_str()).or_default() += 1;
    }
    serde_json::json!({
        "model": c.state.model,
        "model_version": c.state.model_version,
        "organisations": c.state.parties.values().map(|o| o.0).collect::<Vec<_>>(),
        "opened": opened.and_then(month),
        "closed": c.state.closed.as_ref().and_then(|r| month(r.stamp.at)),
        "closing_reason": c.state.closed.as_ref().map(|r| r.value.clone()),
        "family": c.state.members.iter().filter(|m| model.and_then(|md| md.role(&m.role)).is_some_and(|r| r.scope == Scope::Citizen)).count(),
        "roles": roles,
        "meetings": c.state.meetings.len(),
        "documents": c.state.documents.len(),
        "plans": c.state.plans.len(),
        "agreements": c.state.agreements.len(),
    })
    .to_string()
}

async fn erase(app: &App, c: &StoredCourse) -> Result<(), AppError> {
    let model = app.model_of(&c.state).await?;
    let (head_seq, head_hash) = app.store.head(c.id).await?.ok_or(AppError::NotFound)?;
    let opened = app.store.journal(c.id).await?.first().map(|e| e.stamp.at);
    let mut e = Erasure { course: c.id, stub: stub(model.as_deref(), c, opened), head_seq, head_hash, erased: app.clock.now(), mac: String::new() };
    e.mac = app.keys.chain(&e.head_hash, &erasure_bytes(&e));
    // Family members and network persons in no other course lose their name, address, e-mail,
    // CPR number and login; staff keep theirs.
    let mut anonymize = Vec::new();
    let candidates = c.state.members.iter().map(|m| m.person).chain(c.state.network.iter().filter_map(|e| e.person));
    for p in candidates {
        let elsewhere = app.store.courses_of_member(p).await?.into_iter().any(|other| other != c.id);
        if !elsewhere && app.store.user(p).await?.is_none() && !anonymize.contains(&p) {
            anonymize.push(p);
        }
    }
    app.store.erase_course(&e, &anonymize).await?;
    // The access log keeps its rows (cutting them out would break its chain): they point at the stub.
    let rec = AccessRecord { at: e.erased, person: None, course: Some(c.id), action: "write:erased".into(), allowed: true, reason: "retention".into() };
    log(app, rec).await
}
