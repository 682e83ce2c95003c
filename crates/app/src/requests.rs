//! Support requests and the on-call duty on a course (core's `requests` and `duty`): whom a
//! request goes to, who is on call now and how to ring them, the requests as the family and the
//! staff see them, and the notices: an e-mail with a link, and for an acute one an SMS to the
//! duty phone when a webhook is configured.

use jiff::Timestamp;
use serde::Serialize;
use tovholder_core::calendar::{copenhagen, format_date_da, format_timestamp_da};
use tovholder_core::course::CourseState;
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::model::Model;
use tovholder_core::requests::Request;
use tovholder_store::{DutyShift, NewMail};

use crate::error::AppError;
use crate::{App, text};

/// Someone on call now, with the duty phone.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct OnCall {
    pub name: String,
    pub phone: String,
    pub until_da: String,
}

impl OnCall {
    /// The number as a `tel:` link wants it: no spaces.
    pub fn phone_digits(&self) -> String {
        self.phone.chars().filter(|c| !c.is_whitespace()).collect()
    }
}

/// "Hvem har vagten nu?": the institution whose duty it is, whether it is open (then the fixed
/// contact answers), and who is on call.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct DutyNow {
    pub org_name: String,
    pub open_now: bool,
    pub on_call: Vec<OnCall>,
}

/// The organisation whose duty takes the course's acute requests.
fn duty_org(model: &Model, state: &CourseState) -> Option<OrgId> {
    model.requests.as_ref()?.duty_party.as_ref().and_then(|p| state.parties.get(p)).copied()
}

/// The shifts of `org` covering `at`.
async fn shifts_at(app: &App, org: OrgId, at: Timestamp) -> Result<Vec<DutyShift>, AppError> {
    let shifts = app.store.duty_shifts(org, at, at + jiff::SignedDuration::from_secs(1)).await?;
    Ok(shifts.into_iter().filter(|s| s.from <= at && at < s.to).collect())
}

/// Who is on call now for the course's duty organisation; None for a model without one.
pub async fn duty_now(app: &App, model: &Model, state: &CourseState) -> Result<Option<DutyNow>, AppError> {
    let Some(org) = duty_org(model, state) else { return Ok(None) };
    let now = app.clock.now();
    let org_name = app.store.orgs().await?.iter().find(|o| o.id == org).map(|o| o.name.clone()).unwrap_or_default();
    let shifts = shifts_at(app, org, now).await?;
    let names = app.store.persons(&shifts.iter().map(|s| s.person).collect::<Vec<_>>()).await?;
    let name = |p: PersonId| names.iter().find(|x| x.id == p).map_or_else(|| "(ukendt)".to_string(), |x| x.name.clone());
    let tz = copenhagen().map_err(|e| AppError::Internal(e.to_string()))?;
    let hours = crate::duty::hours_of(&app.store.opening_hours(org).await?);
    Ok(Some(DutyNow {
        org_name,
        open_now: tovholder_core::duty::is_open(&tz, &hours, now),
        on_call: shifts.iter().map(|s| OnCall { name: name(s.person), phone: s.phone.clone(), until_da: format_timestamp_da(s.to).unwrap_or_default() }).collect(),
    }))
}

/// Whom a new request goes to: the fixed contacts (or, while none is appointed, the staff of the
/// role that stands in), and for an acute one the shifts on call now.
pub async fn recipients(app: &App, model: &Model, state: &CourseState, urgency: &str) -> Result<(Vec<PersonId>, Vec<DutyShift>), AppError> {
    let Some(def) = &model.requests else { return Ok((vec![], vec![])) };
    let mut to: Vec<PersonId> = def.answered_by.iter().flat_map(|r| state.holders(r)).collect();
    if to.is_empty() {
        for role in def.answered_by.iter().filter_map(|r| model.role(r)) {
            let (Some(stands_in), Some(org)) = (&role.stands_in, role.party.as_ref().and_then(|p| state.parties.get(p))) else { continue };
            to.extend(app.store.staff(*org).await?.iter().filter(|u| u.org_roles.contains(stands_in)).map(|u| u.person));
        }
    }
    to.sort();
    to.dedup();
    let acute = def.urgencies.get(urgency).is_some_and(|u| u.acute);
    let shifts = match (acute, duty_org(model, state)) {
        (true, Some(org)) => shifts_at(app, org, app.clock.now()).await?,
        _ => vec![],
    };
    Ok((to, shifts))
}

/// A request as the family or the staff see it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct RequestLine {
    pub id: u32,
    /// Its thread: the request's text and the answers.
    pub thread: u32,
    pub topic_da: String,
    pub urgency_da: String,
    pub acute: bool,
    pub asked_by: String,
    pub made_da: String,
    /// The day the answer is due (for an acute one: the day itself).
    pub due_da: String,
    pub answered: bool,
    /// "Besvaret …", or "Venter på svar".
    pub status_da: String,
    /// Who was on call when an acute one came in.
    pub on_call: Vec<String>,
    /// What the person on call did (the staff's view only): "text (name, when)".
    pub logged: Option<String>,
    /// An acute one not yet logged: the viewer may log it here.
    pub may_log: bool,
}

/// The course's requests, newest first. `staff`: the log of acute ones is shown; `me`: a family
/// member sees only their own.
pub async fn lines(app: &App, model: &Model, state: &CourseState, staff: bool, me: Option<PersonId>) -> Result<Vec<RequestLine>, AppError> {
    let Some(def) = &model.requests else { return Ok(vec![]) };
    let mine: Vec<&Request> = state.requests.iter().rev().filter(|r| me.is_none_or(|p| r.made.by == p)).collect();
    let mut ids: Vec<PersonId> = mine.iter().flat_map(|r| std::iter::once(r.made.by).chain(r.on_duty.iter().copied()).chain(r.logged.iter().map(|(_, s)| s.by))).collect();
    ids.sort();
    ids.dedup();
    let people = app.store.persons(&ids).await?;
    let name = |p: PersonId| people.iter().find(|x| x.id == p).map_or_else(|| "(ukendt)".to_string(), |x| x.name.clone());
    Ok(mine
        .into_iter()
        .map(|r| {
            let urgency = def.urgencies.get(&r.urgency);
            let acute = urgency.is_some_and(|u| u.acute);
            let due = urgency.and_then(|u| r.due(u));
            let status_da = match &r.answered {
                Some(s) => format!("Besvaret {}", format_timestamp_da(s.at).unwrap_or_default()),
                None => "Venter på svar".to_string(),
            };
            RequestLine {
                id: r.id,
                thread: r.thread,
                topic_da: def.topics.get(&r.topic).cloned().unwrap_or_else(|| r.topic.clone()),
                urgency_da: urgency.map_or_else(|| r.urgency.clone(), |u| u.label.clone()),
                acute,
                asked_by: name(r.made.by),
                made_da: format_timestamp_da(r.made.at).unwrap_or_default(),
                due_da: due.map(|w| format_date_da(w.to)).unwrap_or_default(),
                answered: r.answered.is_some(),
                status_da,
                on_call: r.on_duty.iter().map(|p| name(*p)).collect(),
                logged: r.logged.as_ref().filter(|_| staff).map(|(t, s)| format!("{t} ({}, {})", name(s.by), format_timestamp_da(s.at).unwrap_or_default())),
                may_log: staff && acute && r.logged.is_none(),
            }
        })
        .collect())
}

/// The notices of a new request: to each fixed contact a link to the course's requests, to
/// whoever is on call an acute one's link; never the topic or a name.
pub fn mails(app: &App, id: CourseId, people: &[tovholder_store::Person], acute: bool, on_call: &[PersonId]) -> Vec<NewMail> {
    let link = format!("{}/forloeb/{id}/henvendelser", app.config.base_url);
    people
        .iter()
        .filter_map(|p| {
            let address = p.email.clone()?;
            let (subject, body) = if acute && on_call.contains(&p.id) {
                (text::ACUTE_REQUEST_SUBJECT, text::ACUTE_REQUEST_BODY)
            } else if acute {
                (text::ACUTE_REQUEST_CONTACT_SUBJECT, text::ACUTE_REQUEST_CONTACT_BODY)
            } else {
                (text::REQUEST_SUBJECT, text::REQUEST_BODY)
            };
            Some(NewMail::new(address, subject.into(), format!("{body}\n\n{link}\n\n{}", text::MAIL_FOOTER), Some(id)))
        })
        .collect()
}

/// The SMS to each duty phone of an acute request, with `sms_webhook` configured: a short notice
/// and the link, into the outbox with the request (the SMS worker sends and retries them).
pub fn texts_on_call(app: &App, id: CourseId, shifts: &[DutyShift]) -> Vec<NewMail> {
    if app.config.sms_webhook.is_none() {
        return vec![];
    }
    let message = format!("{} {}/forloeb/{id}/henvendelser", text::ACUTE_REQUEST_SMS, app.config.base_url);
    shifts.iter().map(|s| NewMail::sms(&s.phone, message.clone(), Some(id))).collect()
}
