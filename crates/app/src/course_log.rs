//! "Hvem har set forløbet": every read of one course and every refusal, newest first, with when,
//! who, their organisation and on what ground (a role, a consent, the family's own pages). It is
//! read as the access log has it, for the course's coordinators (holders of a course role) and the
//! administrators of its organisations; a parent's "who has looked at my child's case?" (GDPR
//! art. 15) is answered from here.

use std::collections::HashMap;

use serde::Serialize;
use tovholder_core::calendar::format_timestamp_da;
use tovholder_core::course::CourseState;
use tovholder_core::ids::{CourseId, PersonId};
use tovholder_core::model::Model;
use tovholder_store::{AccessRecord, User};

use crate::App;
use crate::course::log;
use crate::error::AppError;

/// Records on a page.
pub const PAGE: i64 = 50;

/// One read, write or refusal.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LogLine {
    /// The log's own number (pages go on from the last one's).
    pub id: i64,
    pub at_da: String,
    pub who: String,
    pub org: String,
    /// What they did, in plain words.
    pub what: String,
    /// On what ground, or why it was refused.
    pub how: String,
    pub allowed: bool,
}

/// A page of the log; `older`: the `before` of the next page, if there is one.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LogPage {
    pub lines: Vec<LogLine>,
    pub older: Option<i64>,
}

/// On what ground `user` may read the course's log: as one of its coordinators (a role of the
/// model's `coordinators` they hold in it), or as administrator of one of its organisations or
/// of the instance (who need not read the course itself). None: they may not.
pub fn ground(model: &Model, state: &CourseState, user: &User) -> Option<String> {
    let actor = crate::actor(user);
    if let Some(role) = model.coordinators.iter().find(|r| tovholder_core::policy::holds_any(model, state, &actor, std::slice::from_ref(*r))) {
        return Some(format!("role:{role}"));
    }
    let administers = user.org_roles.iter().any(|r| r == crate::admin::ADMINISTRATOR) && state.parties.values().any(|o| *o == user.org);
    (administers || user.instance_admin).then(|| "administrator".to_string())
}

/// A page of course `id`'s log, older than `before` if given; "not found" for those who may not.
/// The reading is itself in the log.
pub async fn page(app: &App, user: &User, id: CourseId, before: Option<i64>) -> Result<LogPage, AppError> {
    let course = app.store.course(id).await?;
    if let Some(c) = &course {
        app.meet_models([c.state.as_ref()]).await?;
    }
    let found = course.as_ref().and_then(|c| app.models.of(&c.state).map(|m| (c, m))).and_then(|(c, m)| ground(&m, &c.state, user).map(|g| (m, g)));
    let rec = AccessRecord {
        at: app.clock.now(),
        person: Some(user.person),
        course: Some(id),
        action: "read:course_log".into(),
        allowed: found.is_some(),
        reason: found.as_ref().map_or_else(|| "no_relation".into(), |f| f.1.clone()),
    };
    log(app, rec).await?;
    let Some((model, _)) = found else { return Err(AppError::NotFound) };
    let rows = app.store.course_log(id, before, PAGE + 1).await?;
    let more = rows.len() as i64 > PAGE;
    let rows: Vec<(i64, AccessRecord)> = rows.into_iter().take(PAGE as usize).collect();
    let mut ids: Vec<PersonId> = rows.iter().filter_map(|(_, r)| r.person).chain(rows.iter().filter_map(|(_, r)| deputy_of(&r.reason))).collect();
    ids.sort();
    ids.dedup();
    let mut who: HashMap<PersonId, (String, String)> = HashMap::new();
    for p in app.store.persons(&ids).await? {
        let org = match app.store.user(p.id).await? {
            Some(u) => format!("{}{}", u.department.map(|d| format!("{d}, ")).unwrap_or_default(), u.org_name),
            None => "Familien".into(),
        };
        who.insert(p.id, (p.name, org));
    }
    let names: HashMap<PersonId, String> = who.iter().map(|(p, (n, _))| (*p, n.clone())).collect();
    let lines: Vec<LogLine> = rows
        .iter()
        .map(|(id, r)| {
            let (name, org) = r.person.and_then(|p| who.get(&p).cloned()).unwrap_or_else(|| ("(ukendt)".into(), String::new()));
            LogLine { id: *id, at_da: format_timestamp_da(r.at).unwrap_or_default(), who: name, org, what: what_da(&r.action), how: how_da(&model, &r.reason, r.allowed, &names), allowed: r.allowed }
        })
        .collect();
    let older = if more { lines.last().map(|l| l.id) } else { None };
    Ok(LogPage { lines, older })
}

/// The colleague a deputy's access reason names ("deputy:12:kontaktperson").
pub fn deputy_of(reason: &str) -> Option<PersonId> {
    reason.strip_prefix("deputy:")?.split(':').next()?.parse().ok().map(PersonId)
}

/// What a record's action was, in plain words: "read:GET /forloeb/{id}/moeder/{meeting}" is
/// "Så et møde".
pub fn what_da(action: &str) -> String {
    match action {
        "read:course_log" => return "Så hvem der har set forløbet".into(),
        "write:open_course" => return "Oprettede forløbet".into(),
        _ => {}
    }
    let (kind, rest) = action.split_once(':').unwrap_or((action, ""));
    let api = if rest.contains("/api/") { " (API)" } else { "" };
    let thing = [
        ("/dokumenter", "et dokument"),
        ("/documents", "et dokument"),
        ("/moeder", "et møde"),
        ("/meetings", "et møde"),
        ("/beskeder", "beskeder"),
        ("/threads", "beskeder"),
        ("/familieplan", "familieplanen"),
        ("/family-plan", "familieplanen"),
        ("/samtykker", "samtykkerne"),
        ("/consents", "samtykkerne"),
        ("/journal", "journalen"),
        ("/adgangslog", "hvem der har set forløbet"),
        ("/access-log", "hvem der har set forløbet"),
    ]
    .iter()
    .find(|(k, _)| rest.contains(k))
    .map_or("forløbet", |(_, v)| v);
    let writes = rest.starts_with("POST") || rest.starts_with("PUT") || rest.starts_with("PATCH") || rest.starts_with("DELETE");
    match kind {
        "family" => format!("På familiens sider: {}", if rest.starts_with("write") { "skrev" } else { "læste" }),
        "list" => "Så forløbet i en oversigt".into(),
        "write" => "Ændrede i forløbet".into(),
        _ if writes => format!("Ændrede i {thing}{api}"),
        _ => format!("Så {thing}{api}"),
    }
}

/// On what ground it was allowed, or why it was refused, from the record's reason.
/// `names`: the people a reason names, by id ("deputy:12:kontaktperson" names person 12).
pub fn how_da(model: &Model, reason: &str, allowed: bool, names: &HashMap<PersonId, String>) -> String {
    let (code, rest) = reason.split_once(':').unwrap_or((reason, ""));
    let numbers = |s: &str| s.split(',').map(|n| format!("nr. {n}")).collect::<Vec<_>>().join(" og ");
    match code {
        "role" => format!("Som {}", model.role_label(rest).to_lowercase()),
        "deputy" => {
            let (person, role) = rest.split_once(':').unwrap_or((rest, ""));
            let name = person.parse().ok().and_then(|p| names.get(&PersonId(p)).cloned()).unwrap_or_else(|| "en kollega".into());
            format!("Som stedfortræder for {name} ({})", model.role_label(role).to_lowercase())
        }
        "administrator" => "Som administrator".into(),
        "list" => "I organisationens liste over forløb".into(),
        "open_course" => "Som den, der oprettede forløbet".into(),
        "consent" => format!("Ved samtykke {}", numbers(rest)),
        "family" => format!("Familiemedlem ({})", rest.split(',').map(|r| model.role_label(r).to_lowercase()).collect::<Vec<_>>().join(", ")),
        "network" => format!("Familiens netværk, ved samtykke {}", numbers(rest.rsplit(':').next().unwrap_or(""))),
        "no_relation" => "Afvist: ingen tilknytning til forløbet".into(),
        "no_such_course" => "Afvist: forløbet findes ikke".into(),
        "not_permitted" => "Afvist: rollen må ikke det".into(),
        "not_shared" => "Afvist: organisationen deler ikke forløbet endnu".into(),
        "no_consent" => "Afvist: intet samtykke".into(),
        "consent_revoked" => format!("Afvist: samtykke nr. {rest} er tilbagekaldt"),
        "consent_expired" => format!("Afvist: samtykke nr. {rest} er udløbet"),
        "invalid_input" => "Afvist: fejl i det indtastede".into(),
        c if c.starts_with("consent_") => "Afvist: samtykket dækker ikke".into(),
        _ if allowed => "Tilladt".into(),
        _ => "Afvist".into(),
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_reasons_read_as_danish() {
        assert_eq!(what_da("read:GET /forloeb/{id}/moeder/{meeting}"), "Så et møde");
        assert_eq!(what_da("read:GET /api/v1/courses/{id}"), "Så forløbet (API)");
        assert_eq!(what_da("add_document:POST /forloeb/{id}/dokumenter"), "Ændrede i et dokument");
        assert_eq!(what_da("family:read_plan"), "På familiens sider: læste");
        assert_eq!(what_da("family:write"), "På familiens sider: skrev");
        assert_eq!(what_da("write:open_course"), "Oprettede forløbet");
        let m = crate::models::Models::builtin().ok().and_then(|m| m.get("familiens_fremtid")).expect("the shipped model");
        assert_eq!(how_da(&m, "consent:1,2", true, &HashMap::new()), "Ved samtykke nr. 1 og nr. 2");
        assert_eq!(how_da(&m, "role:koordinator", true, &HashMap::new()), "Som familiens koordinator");
        assert_eq!(how_da(&m, "network:1:consent:2", true, &HashMap::new()), "Familiens netværk, ved samtykke nr. 2");
        assert_eq!(how_da(&m, "consent_revoked:3", false, &HashMap::new()), "Afvist: samtykke nr. 3 er tilbagekaldt");
        assert_eq!(how_da(&m, "family:voksen", true, &HashMap::new()), "Familiemedlem (forælder)");
    }
}
