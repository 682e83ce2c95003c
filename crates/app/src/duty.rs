//! An organisation's on-call duty (beredskab) and opening hours (core's `duty`): its staff see
//! the roster, who is on call now and the gaps ahead; its administrators (and the instance's)
//! edit it. Edits are logged.

use jiff::civil::{DateTime, Time};
use serde::Serialize;
use tovholder_core::calendar::{copenhagen, format_timestamp_da};
use tovholder_core::duty::{OpeningHours, Shift, check_shift, coverage, local_instant, on_duty};
use tovholder_core::ids::{OrgId, PersonId};
use tovholder_store::{AccessRecord, DutyShift, User};

use crate::App;
use crate::admin::{AdminScope, scope};
use crate::course::log;
use crate::error::AppError;

/// How far ahead the roster looks for gaps.
pub const AHEAD_DAYS: i64 = 14;

pub const WEEKDAYS_DA: [&str; 7] = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag"];

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ShiftView {
    pub id: i64,
    pub person: PersonId,
    pub name: String,
    pub from: jiff::Timestamp,
    pub to: jiff::Timestamp,
    pub from_da: String,
    pub to_da: String,
    pub phone: String,
}

impl ShiftView {
    /// The phone number as a `tel:` link wants it: no spaces.
    pub fn phone_digits(&self) -> String {
        self.phone.chars().filter(|c| !c.is_whitespace()).collect()
    }
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Roster {
    pub org: OrgId,
    pub org_name: String,
    /// Who is on call now (outside opening hours, the one to ring).
    pub on_call_now: Vec<ShiftView>,
    /// The shifts from now and `AHEAD_DAYS` ahead.
    pub shifts: Vec<ShiftView>,
    /// Times outside opening hours ahead with nobody on call ("lør. 27. mar. kl. 20.00 – 22.00").
    pub gaps_da: Vec<String>,
    /// Times ahead with two or more on call.
    pub overlaps_da: Vec<String>,
    /// Opening hours by weekday, Monday first: ("08:00", "16:00"), or none (closed all day).
    pub hours: Vec<Option<(String, String)>>,
    pub may_edit: bool,
    /// The organisation's active staff, who can be put on call: (person, name).
    pub staff: Vec<(PersonId, String)>,
}

fn may_edit(user: &User, org: OrgId) -> bool {
    match scope(user) {
        Some(AdminScope::Instance) => true,
        Some(AdminScope::Org(o)) => o == org,
        None => false,
    }
}

fn may_read(user: &User, org: OrgId) -> bool {
    user.org == org || may_edit(user, org)
}

fn span_da(a: jiff::Timestamp, b: jiff::Timestamp) -> String {
    format!("{} – {}", format_timestamp_da(a).unwrap_or_default(), format_timestamp_da(b).unwrap_or_default())
}

pub(crate) fn hours_of(rows: &[(i64, String, String)]) -> OpeningHours {
    let mut h = OpeningHours::default();
    for (day, opens, closes) in rows {
        if let (Some(slot), Ok(a), Ok(b)) = (usize::try_from(day - 1).ok().and_then(|i| h.0.get_mut(i)), opens.parse::<Time>(), closes.parse::<Time>()) {
            *slot = Some((a, b));
        }
    }
    h
}

pub async fn roster(app: &App, user: &User, org: OrgId) -> Result<Roster, AppError> {
    if !may_read(user, org) {
        return Err(AppError::NotFound);
    }
    let org_name = app.store.orgs().await?.iter().find(|o| o.id == org).map(|o| o.name.clone()).ok_or(AppError::NotFound)?;
    let tz = copenhagen().map_err(|e| AppError::Internal(e.to_string()))?;
    let now = app.clock.now();
    let until = now + jiff::SignedDuration::from_hours(24 * AHEAD_DAYS);
    let stored = app.store.duty_shifts(org, now, until).await?;
    let staff: Vec<(PersonId, String)> = app.store.users_of_org(org).await?.into_iter().filter(|u| u.active).map(|u| (u.person, u.name)).collect();
    let name = |p: PersonId| staff.iter().find(|(id, _)| *id == p).map_or_else(|| "(lukket login)".to_string(), |(_, n)| n.clone());
    let view = |s: &DutyShift| ShiftView {
        id: s.id,
        person: s.person,
        name: name(s.person),
        from: s.from,
        to: s.to,
        from_da: format_timestamp_da(s.from).unwrap_or_default(),
        to_da: format_timestamp_da(s.to).unwrap_or_default(),
        phone: s.phone.clone(),
    };
    let shifts: Vec<Shift> = stored.iter().map(|s| Shift { id: s.id, person: s.person, from: s.from, to: s.to }).collect();
    let hour_rows = app.store.opening_hours(org).await?;
    let hours = hours_of(&hour_rows);
    let c = coverage(&tz, &hours, &shifts, now, until);
    let on_call_now = on_duty(&shifts, now).iter().filter_map(|s| stored.iter().find(|x| x.id == s.id)).map(view).collect();
    Ok(Roster {
        org,
        org_name,
        on_call_now,
        shifts: stored.iter().map(view).collect(),
        gaps_da: c.gaps.iter().map(|(a, b)| span_da(*a, *b)).collect(),
        overlaps_da: c.overlaps.iter().map(|(a, b)| span_da(*a, *b)).collect(),
        hours: hours.0.iter().map(|h| h.map(|(a, b)| (a.strftime("%H:%M").to_string(), b.strftime("%H:%M").to_string()))).collect(),
        may_edit: may_edit(user, org),
        staff,
    })
}

/// A new shift: `person` of the organisation's active staff on call from `from` to `to`
/// (Copenhagen time) at `phone`. Refused, with the reason in Danish by its field, if not.
pub async fn add_shift(app: &App, user: &User, org: OrgId, person: PersonId, from: DateTime, to: DateTime, phone: &str) -> Result<i64, AppError> {
    if !may_edit(user, org) {
        return Err(AppError::NotFound);
    }
    let tz = copenhagen().map_err(|e| AppError::Internal(e.to_string()))?;
    let (a, b) = (local_instant(&tz, from).map_err(|e| AppError::invalid("from", &e))?, local_instant(&tz, to).map_err(|e| AppError::invalid("to", &e))?);
    check_shift(a, b).map_err(|e| AppError::invalid("to", &e))?;
    let phone = phone.trim();
    if phone.len() < 8 || !phone.chars().all(|c| c.is_ascii_digit() || c == '+' || c == ' ') {
        return Err(AppError::invalid("phone", "Skriv vagttelefonens nummer, fx +45 70 12 34 56."));
    }
    let staff = app.store.users_of_org(org).await?;
    if !staff.iter().any(|u| u.person == person && u.active) {
        return Err(AppError::invalid("person", "Vælg en medarbejder i organisationen."));
    }
    let at = app.clock.now();
    let id = app.store.add_duty_shift(&DutyShift { id: 0, org, person, from: a, to: b, phone: phone.to_string() }, user.person, at).await?;
    log(app, AccessRecord { at, person: Some(user.person), course: None, action: format!("admin:duty_shift:{}:{id}", org.0), allowed: true, reason: "administrator".into() }).await?;
    Ok(id)
}

pub async fn remove_shift(app: &App, user: &User, org: OrgId, id: i64) -> Result<(), AppError> {
    if !may_edit(user, org) {
        return Err(AppError::NotFound);
    }
    app.store.remove_duty_shift(org, id).await?;
    log(app, AccessRecord { at: app.clock.now(), person: Some(user.person), course: None, action: format!("admin:duty_shift_removed:{}:{id}", org.0), allowed: true, reason: "administrator".into() })
        .await
}

/// Replaces the opening hours: for each weekday (1 = Monday) its hours, or none (closed).
pub async fn set_hours(app: &App, user: &User, org: OrgId, hours: &[(i64, Time, Time)]) -> Result<(), AppError> {
    if !may_edit(user, org) {
        return Err(AppError::NotFound);
    }
    for (i, (day, opens, closes)) in hours.iter().enumerate() {
        if hours[..i].iter().any(|(d, _, _)| d == day) {
            return Err(AppError::invalid("weekday", "Hver ugedag må kun stå én gang."));
        }
        if !(1..=7).contains(day) {
            return Err(AppError::invalid("weekday", "Ugedagen skal være 1 (mandag) til 7 (søndag)."));
        }
        if closes <= opens {
            let name = WEEKDAYS_DA[usize::try_from(day - 1).unwrap_or(0)];
            return Err(AppError::invalid(&format!("hours.{day}"), &format!("{name}: der skal lukkes, efter der åbnes.")));
        }
    }
    let rows: Vec<(i64, String, String)> = hours.iter().map(|(d, a, b)| (*d, a.strftime("%H:%M").to_string(), b.strftime("%H:%M").to_string())).collect();
    app.store.set_opening_hours(org, &rows).await?;
    log(app, AccessRecord { at: app.clock.now(), person: Some(user.person), course: None, action: format!("admin:opening_hours:{}", org.0), allowed: true, reason: "administrator".into() }).await
}
