//! Messages as the pages and the API show them: who may be asked into a thread, the threads one
//! is in, a thread with its read receipts, the read receipt itself, and the notice by e-mail
//! (a link, never the subject or a name).

use std::collections::HashMap;

use serde::Serialize;
use tovholder_core::calendar::format_timestamp_da;
use tovholder_core::course::{CourseState, Event};
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::messages::Thread;
use tovholder_core::model::Scope;
use tovholder_core::policy;
use tovholder_store::NewMail;

use crate::course::Course;
use crate::error::AppError;
use crate::{App, text};

/// Someone who may be asked into a thread.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Choice {
    pub person: PersonId,
    pub label: String,
    /// A family member: only in a thread for the family.
    pub family: bool,
}

/// Who may be in a thread of this course besides its starter: the course's staff, the staff
/// holding a party's standing roles, the staff whose department or organisation the family's
/// consent covers for messages today, and (in a thread for the family) the family.
pub async fn choices(app: &App, course: &Course) -> Result<Vec<Choice>, AppError> {
    let (model, state, today) = (course.model.as_ref(), course.state.as_ref(), app.clock.today());
    let mut staff: Vec<PersonId> = state.members.iter().filter(|m| model.role(&m.role).is_some_and(|r| r.scope == Scope::Course)).map(|m| m.person).collect();
    for (role_id, role) in &model.roles {
        let Some(party) = &role.party else { continue };
        if role.scope != Scope::Organisation || !policy::party_shares(model, state, party) {
            continue;
        }
        let Some(org) = state.parties.get(party) else { continue };
        staff.extend(app.store.staff(*org).await?.iter().filter(|u| u.org_roles.contains(role_id)).map(|u| u.person));
    }
    if let Some(kind) = model.consent.as_ref().and_then(|c| c.messages_kind.as_ref()) {
        let mut named: Vec<(OrgId, Option<String>)> = state.consents.iter().flat_map(|c| c.recipients.iter().map(|r| (r.org, r.department.clone()))).collect();
        named.sort();
        named.dedup();
        for (org, department) in named {
            if tovholder_core::consent::coverage(model, state, org, department.as_deref(), kind, today).allowed() {
                staff.extend(app.store.staff(org).await?.iter().filter(|u| department.is_none() || u.department == department).map(|u| u.person));
            }
        }
    }
    staff.sort();
    staff.dedup();
    staff.retain(|p| *p != course.viewer.person);
    let family = tovholder_core::commands::family::members(model, state);
    let mut ids = staff.clone();
    ids.extend(&family);
    let labels = labels(app, &ids).await?;
    let label = |p: &PersonId| labels.get(p).cloned().unwrap_or_else(|| "(ukendt)".into());
    let mut out: Vec<Choice> = staff.iter().map(|p| Choice { person: *p, label: label(p), family: false }).collect();
    out.extend(family.iter().map(|p| Choice { person: *p, label: format!("{} (familien)", label(p)), family: true }));
    Ok(out)
}

/// "Name (organisation)" for staff, the name for the family.
async fn labels(app: &App, ids: &[PersonId]) -> Result<HashMap<PersonId, String>, AppError> {
    let mut out = HashMap::new();
    for p in app.store.persons(ids).await? {
        let label = match app.store.user(p.id).await? {
            Some(u) => format!("{} ({}{})", p.name, u.department.map(|d| format!("{d}, ")).unwrap_or_default(), u.org_name),
            None => p.name,
        };
        out.insert(p.id, label);
    }
    Ok(out)
}

/// A thread in a list: its subject, who is in it, the last message's time, and what is unread.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ThreadLine {
    pub id: u32,
    pub subject: String,
    pub family: bool,
    pub participants: Vec<String>,
    pub last_da: String,
    pub unread: usize,
}

/// A message with who wrote it and who has read it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct MessageView {
    pub id: u32,
    pub author: String,
    pub at_da: String,
    pub text: String,
    /// "Læst af": the participants (not its author) who have read it.
    pub read_by: Vec<String>,
    /// The attached file, if any: "pdf, 12 kB".
    pub attachment: Option<String>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ThreadView {
    pub id: u32,
    pub subject: String,
    pub family: bool,
    pub participants: Vec<String>,
    pub messages: Vec<MessageView>,
}

/// Their labels; those in `hide` (protected names, on the family's pages) by `PROTECTED_NAME`.
async fn thread_people(app: &App, threads: &[&Thread], hide: &[PersonId]) -> Result<HashMap<PersonId, String>, AppError> {
    let mut ids: Vec<PersonId> = threads.iter().flat_map(|t| t.participants.iter().copied().chain(t.messages.iter().map(|m| m.stamp.by))).collect();
    ids.sort();
    ids.dedup();
    let mut out = labels(app, &ids).await?;
    for p in hide {
        out.insert(*p, crate::text::PROTECTED_NAME.into());
    }
    Ok(out)
}

/// The threads given (those the viewer is in), newest activity first.
pub async fn lines(app: &App, threads: &[&Thread], me: PersonId, hide: &[PersonId]) -> Result<Vec<ThreadLine>, AppError> {
    let labels = thread_people(app, threads, hide).await?;
    let label = |p: &PersonId| labels.get(p).cloned().unwrap_or_else(|| "(ukendt)".into());
    let mut out: Vec<(jiff::Timestamp, ThreadLine)> = threads
        .iter()
        .map(|t| {
            let at = t.last().map_or(t.started.at, |m| m.stamp.at);
            (
                at,
                ThreadLine {
                    id: t.id,
                    subject: t.subject.clone(),
                    family: t.family,
                    participants: t.participants.iter().map(label).collect(),
                    last_da: format_timestamp_da(at).unwrap_or_default(),
                    unread: t.unread(me),
                },
            )
        })
        .collect();
    out.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    Ok(out.into_iter().map(|(_, l)| l).collect())
}

pub async fn view(app: &App, t: &Thread, hide: &[PersonId]) -> Result<ThreadView, AppError> {
    let labels = thread_people(app, &[t], hide).await?;
    let label = |p: &PersonId| labels.get(p).cloned().unwrap_or_else(|| "(ukendt)".into());
    Ok(ThreadView {
        id: t.id,
        subject: t.subject.clone(),
        family: t.family,
        participants: t.participants.iter().map(label).collect(),
        messages: t
            .messages
            .iter()
            .map(|m| MessageView {
                id: m.id,
                author: label(&m.stamp.by),
                at_da: format_timestamp_da(m.stamp.at).unwrap_or_default(),
                text: m.text.clone(),
                read_by: t.participants.iter().filter(|p| **p != m.stamp.by && t.read.get(p).is_some_and(|r| *r >= m.id)).map(label).collect(),
                attachment: m.attachment.as_ref().map(|a| format!("{}, {} kB", a.content_type.split(['/', ';']).nth(1).unwrap_or("fil"), a.size.div_ceil(1024))),
            })
            .collect(),
    })
}

/// The threads `actor` is in and may read now.
pub fn visible<'a>(app: &App, course: &'a Course) -> Vec<&'a Thread> {
    tovholder_core::commands::messages::visible(&course.model, &course.state, &course.actor(), app.clock.today())
}

/// The thread `id` for `actor`, if they are in it and may read it: otherwise "not found".
pub fn thread<'a>(app: &App, course: &'a Course, id: u32) -> Result<&'a Thread, AppError> {
    visible(app, course).into_iter().find(|t| t.id == id).ok_or(AppError::NotFound)
}

/// A notice to each participant of a thread with a new message but its author: a link to the
/// thread (the family's pages for a family member), nothing about what or whom it is.
pub async fn mails(app: &App, id: CourseId, state: &CourseState, events: &[Event], author: PersonId) -> Result<Vec<NewMail>, AppError> {
    let mut out = Vec::new();
    for e in events {
        let Event::MessagePosted { thread, .. } = e else { continue };
        let Some(t) = state.threads.iter().find(|t| t.id == *thread) else { continue };
        let to: Vec<PersonId> = t.participants.iter().copied().filter(|p| *p != author).collect();
        for p in app.store.persons(&to).await? {
            let Some(address) = p.email else { continue };
            let link = if p.org.is_none() { format!("{}/familie/forloeb/{id}/beskeder/{thread}", app.config.base_url) } else { format!("{}/forloeb/{id}/beskeder/{thread}", app.config.base_url) };
            out.push(NewMail::new(address, text::NEW_MESSAGE_SUBJECT.into(), format!("{}\n\n{link}\n\n{}", text::NEW_MESSAGE_BODY, text::MAIL_FOOTER), Some(id)));
        }
    }
    Ok(out)
}

/// A thread in "Mine beskeder": which course it is in, and the thread.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct InboxLine {
    pub course: CourseId,
    pub course_title: String,
    pub thread: ThreadLine,
}

/// "Mine beskeder": the threads `user` is in across courses, the most recently active first. A
/// course the user may no longer read (a consent revoked) is left out, its refusal logged.
pub async fn inbox(app: &App, user: &tovholder_store::User) -> Result<Vec<InboxLine>, AppError> {
    const MAX: i64 = 100;
    let rows = app.store.inbox(user.person, MAX).await?;
    let mut ids: Vec<CourseId> = Vec::new();
    for r in &rows {
        if !ids.contains(&r.course) {
            ids.push(r.course);
        }
    }
    let mut out: Vec<(usize, InboxLine)> = Vec::new();
    for id in ids {
        let course = match Course::load(app, user.clone(), id, tovholder_core::model::Action::Read, "read:inbox".into()).await {
            Ok(c) => c,
            Err(AppError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        let people = crate::views::title_people(app.store.as_ref(), std::iter::once((course.model.as_ref(), course.state.as_ref()))).await?;
        let title = crate::views::course_title(&course.model, &course.state, &people);
        for line in lines(app, &visible(app, &course), user.person, &[]).await? {
            let at = rows.iter().position(|r| r.course == id && r.thread == line.id).unwrap_or(usize::MAX);
            out.push((at, InboxLine { course: id, course_title: title.clone(), thread: line }));
        }
    }
    out.sort_by_key(|(at, _)| *at);
    Ok(out.into_iter().map(|(_, l)| l).collect())
}

/// A message's attached file, for a participant of its thread: its content and type.
pub async fn attachment(app: &App, course: CourseId, t: &Thread, message: u32) -> Result<(Vec<u8>, String), AppError> {
    let a = t.messages.iter().find(|m| m.id == message).and_then(|m| m.attachment.as_ref()).ok_or(AppError::NotFound)?;
    let bytes = app.store.blob(course, &a.sha256).await?.ok_or(AppError::NotFound)?;
    Ok((bytes, a.content_type.clone()))
}
