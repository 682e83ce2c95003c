//! Insight for a person (GDPR art. 15, as the EU Court read it in C-579/21): an administrator
//! enters a CPR number and gets every course that person is in and every read of those courses
//! by their organisation (all organisations for the instance's administrator): date,
//! organisation, course, what and on what ground; staff names only when asked for. It is a draft
//! a caseworker reviews before it is sent (some parts may be withheld). The search is logged with
//! the CPR number only as its HMAC (the blind index), never the number.

use serde::Serialize;
use tovholder_core::calendar::{format_date_da, format_timestamp_da};
use tovholder_core::cpr::Cpr;
use tovholder_store::{AccessRecord, User};

use crate::App;
use crate::admin::AdminScope;
use crate::course::log;
use crate::error::AppError;

/// The most records read per course (pages of the course's log).
const MOST_PER_COURSE: i64 = 10_000;

/// One read of one of the person's courses.
#[derive(Clone, Debug, Serialize)]
pub struct InsightRow {
    /// The access log's row: what the reviewer names to withhold it.
    pub id: i64,
    /// Withheld by the reviewer: shown in the draft, left out of the spreadsheet and the letter.
    pub withheld: bool,
    pub at_da: String,
    pub org: String,
    pub course: String,
    pub what: String,
    pub how: String,
    /// The staff member's name, when the administrator chose to include names.
    pub staff: String,
}

/// The draft: how many courses the person is in, and the reads of them.
#[derive(Clone, Debug, Serialize)]
pub struct Insight {
    pub courses: usize,
    pub rows: Vec<InsightRow>,
    pub with_staff: bool,
    /// Whose reads: the administrator's organisation, or every organisation.
    pub scope_da: String,
    /// How many rows the reviewer withholds.
    pub withheld: usize,
}

impl Insight {
    /// The rows the person gets.
    pub fn disclosed(&self) -> impl Iterator<Item = &InsightRow> {
        self.rows.iter().filter(|r| !r.withheld)
    }
}

/// The reads of the courses of the person with `cpr`, for administrator `user`; "not found" for
/// anyone else. A CPR number that is no CPR number is refused, and nothing is searched. The
/// rows named in `withhold` (access log ids) are marked withheld: a reviewer leaves out what
/// must not be disclosed (databeskyttelseslovens § 22, e.g. about the other parent).
pub async fn report(app: &App, user: &User, cpr: &str, with_staff: bool, withhold: &[i64]) -> Result<Insight, AppError> {
    let Some(scope) = crate::admin::scope(user) else { return Err(AppError::NotFound) };
    let cpr = Cpr::parse(cpr.trim()).map_err(|e| AppError::invalid("cpr", &e.to_string()))?;
    let index = app.keys.cpr_index(&cpr);
    let hmac: String = index.chars().take(16).collect();
    log(app, AccessRecord { at: app.clock.now(), person: Some(user.person), course: None, action: "admin:insight".into(), allowed: true, reason: format!("cpr_hmac:{hmac}") }).await?;
    let person = app.store.person_by_cpr_index(&index).await?;
    let ids = match &person {
        Some(p) => app.store.courses_of_member(p.id).await?,
        None => vec![],
    };
    let mut rows: Vec<(jiff::Timestamp, InsightRow)> = Vec::new();
    let mut readers = std::collections::HashMap::new();
    for id in &ids {
        let Some(course) = app.store.course(*id).await? else { continue };
        let Some(model) = app.model_of(&course.state).await? else { continue };
        let people = crate::views::title_people(app.store.as_ref(), std::iter::once((model.as_ref(), course.state.as_ref()))).await?;
        let title = crate::views::course_title(&model, &course.state, &people);
        for (log_id, r) in app.store.course_log(*id, None, MOST_PER_COURSE).await? {
            let Some(reader) = r.person.filter(|_| r.allowed) else { continue };
            if let std::collections::hash_map::Entry::Vacant(e) = readers.entry(reader) {
                e.insert(app.store.user(reader).await?.map(|u| (u.org, u.org_name, u.name)));
            }
            // Staff reads only (the family's own are not disclosures), of the administrator's part.
            let Some(Some((org, org_name, name))) = readers.get(&reader) else { continue };
            if matches!(scope, AdminScope::Org(mine) if mine != *org) {
                continue;
            }
            let row = InsightRow {
                id: log_id,
                withheld: withhold.contains(&log_id),
                at_da: format_timestamp_da(r.at).unwrap_or_default(),
                org: org_name.clone(),
                course: title.clone(),
                what: crate::course_log::what_da(&r.action),
                how: crate::course_log::how_da(&model, &r.reason, r.allowed, &deputies(app, &r.reason).await?),
                staff: if with_staff { name.clone() } else { String::new() },
            };
            rows.push((r.at, row));
        }
    }
    rows.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let scope_da = match scope {
        AdminScope::Instance => "alle organisationer i Tovholder".to_string(),
        AdminScope::Org(_) => user.org_name.clone(),
    };
    let rows: Vec<InsightRow> = rows.into_iter().map(|(_, r)| r).collect();
    let withheld = rows.iter().filter(|r| r.withheld).count();
    Ok(Insight { courses: ids.len(), rows, with_staff, scope_da, withheld })
}

/// The draft as CSV for a spreadsheet: `;`-separated, UTF-8 with a byte-order mark (Excel).
pub fn csv(i: &Insight) -> Vec<u8> {
    let field = |s: &str| if s.contains([';', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() };
    let mut out = String::from("\u{feff}Tidspunkt;Organisation;Forløb;Hvad;Grundlag");
    if i.with_staff {
        out.push_str(";Medarbejder");
    }
    out.push_str("\r\n");
    for r in i.disclosed() {
        let mut cells = vec![field(&r.at_da), field(&r.org), field(&r.course), field(&r.what), field(&r.how)];
        if i.with_staff {
            cells.push(field(&r.staff));
        }
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The draft as a PDF letter, for the caseworker to review and send.
pub async fn pdf(app: &App, i: &Insight) -> Result<Vec<u8>, AppError> {
    let data = serde_json::json!({
        "title": "Indsigt: hvem har set oplysningerne",
        "organisation": i.scope_da,
        "date": format_date_da(app.clock.today()),
        "intro": format!("Du har bedt om at få at vide, hvem der har set oplysningerne om dig i Tovholder. Du er med i {} forløb. Her er hver gang, en medarbejder i {} har set eller ændret dem, de nyeste først.", i.courses, i.scope_da),
        "with_staff": i.with_staff,
        "rows": i.disclosed().map(|r| serde_json::json!({"date": r.at_da, "course": r.course, "what": r.what, "how": r.how, "staff": r.staff})).collect::<Vec<_>>(),
        "withheld": if i.withheld == 0 { String::new() } else { format!("{} {} er undtaget fra indsigten efter databeskyttelseslovens § 22, af hensyn til andres interesser.", i.withheld, if i.withheld == 1 { "registrering" } else { "registreringer" }) },
        "closing": "Har du spørgsmål, eller mener du, at nogen har set oplysninger uden grund, så kontakt os. Du kan også klage til Datatilsynet.",
    });
    tokio::task::spawn_blocking(move || tovholder_docs::render_pdf(tovholder_docs::templates::INSIGHT, &data))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The name of the colleague a deputy's access reason names, if it names one.
async fn deputies(app: &App, reason: &str) -> Result<std::collections::HashMap<tovholder_core::ids::PersonId, String>, AppError> {
    let Some(p) = crate::course_log::deputy_of(reason) else { return Ok(Default::default()) };
    Ok(app.store.persons(&[p]).await?.into_iter().map(|x| (x.id, x.name)).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_is_semicolons_with_a_bom_and_quotes_what_needs_it() {
        let i = Insight {
            courses: 1,
            with_staff: false,
            scope_da: "Furesø Kommune".into(),
            withheld: 1,
            rows: vec![
                InsightRow {
                    id: 7,
                    withheld: false,
                    at_da: "6. dec. 2026 kl. 10.00".into(),
                    org: "Furesø Kommune".into(),
                    course: "Louise; Bak".into(),
                    what: "Så forløbet".into(),
                    how: "Ved samtykke nr. 1".into(),
                    staff: String::new(),
                },
                InsightRow {
                    id: 8,
                    withheld: true,
                    at_da: "6. dec. 2026 kl. 11.00".into(),
                    org: "Furesø Kommune".into(),
                    course: "Louise Bak".into(),
                    what: "Så et møde".into(),
                    how: "Som familiekoordinator".into(),
                    staff: String::new(),
                },
            ],
        };
        let text = String::from_utf8(csv(&i)).unwrap_or_default();
        assert!(text.starts_with("\u{feff}Tidspunkt;Organisation;Forløb;Hvad;Grundlag\r\n"), "{text}");
        assert!(text.contains(";\"Louise; Bak\";"), "{text}");
        assert!(!text.contains("Medarbejder"));
        assert!(!text.contains("Så et møde"), "a withheld row is left out");
    }
}
