//! Reads that span courses ("Mine opgaver"), shared by pages and the API. Every course shown
//! passes the access policy and is written to the access log.

use std::collections::BTreeMap;

use tovholder_core::ids::CourseId;
use tovholder_core::model::Action;
use tovholder_core::policy;
use tovholder_core::tasks::Owner;
use tovholder_store::AccessRecord;

use crate::App;
use crate::error::AppError;
use crate::views::{self, TaskView};
use tovholder_store::User;

pub async fn my_tasks(app: &App, user: &User, what: &str) -> Result<Vec<TaskView>, AppError> {
    let u = user;
    let rows = app.store.open_tasks_for(u.person, u.org, &u.org_roles).await?;
    // A deputy has the colleague's own tasks too, for the period.
    let mut deputy_rows = Vec::new();
    for p in &u.deputy_for {
        let theirs = app.store.open_tasks_for(*p, u.org, &[]).await?;
        deputy_rows.extend(theirs.into_iter().filter(|r| matches!(r.owner, Owner::Person { person, .. } if person == *p)).map(|r| (*p, r)));
    }
    let mut ids: Vec<CourseId> = rows.iter().map(|r| r.course).chain(deputy_rows.iter().map(|(_, r)| r.course)).collect();
    ids.sort();
    ids.dedup();
    let actor = crate::actor(user);
    let now = app.clock.now();
    let mut courses = BTreeMap::new();
    let mut records = Vec::new();
    let loaded = app.store.courses(&ids).await?;
    app.meet_models(loaded.iter().map(|c| c.state.as_ref())).await?;
    for c in loaded {
        let Some(model) = app.models.of(&c.state) else { continue };
        // The projection already limits rows to the user's tasks; the policy has the last word.
        let d = policy::decide(&model, &c.state, &actor, Action::Read, app.clock.today());
        records.push(AccessRecord { at: now, person: Some(u.person), course: Some(c.id), action: what.to_string(), allowed: d.allowed, reason: d.reason.code() });
        if d.allowed {
            courses.insert(c.id, (c, model));
        }
    }
    if !app.access.record_view(records).await {
        return Err(AppError::Internal("access log unavailable".into()));
    }
    let people = views::title_people(app.store.as_ref(), courses.values().map(|(c, m)| (&**m, &*c.state))).await?;
    let today = app.clock.today();
    let mut out = views::task_views(&rows, &courses, &people, today);
    let colleagues = app.store.persons(&u.deputy_for).await?;
    for (p, r) in deputy_rows {
        let name = colleagues.iter().find(|x| x.id == p).map_or("en kollega", |x| x.name.as_str());
        out.extend(views::task_views(std::slice::from_ref(&r), &courses, &people, today).into_iter().map(|v| TaskView { owner_da: format!("Som stedfortræder for {name}"), ..v }));
    }
    out.sort_by(|a, b| (a.due_to, a.course, &a.task).cmp(&(b.due_to, b.course, &b.task)));
    out.dedup_by(|a, b| a.course == b.course && a.task == b.task);
    Ok(out)
}

/// A course shared with the user by consent, as listed.
#[derive(Clone, Debug, serde::Serialize, schemars::JsonSchema)]
pub struct SharedCourse {
    pub course: CourseId,
    pub title: String,
    pub model: String,
    /// Why: "ifølge samtykke … gyldigt til …".
    pub until_da: String,
}

pub async fn shared_with_me(app: &App, user: &User, what: &str) -> Result<Vec<SharedCourse>, AppError> {
    let u = user;
    let ids = app.store.courses_shared_with(u.org, u.department.as_deref(), 500).await?;
    let actor = crate::actor(user);
    let today = app.clock.today();
    let now = app.clock.now();
    let mut shown = Vec::new();
    let mut records = Vec::new();
    let loaded = app.store.courses(&ids).await?;
    app.meet_models(loaded.iter().map(|c| c.state.as_ref())).await?;
    for c in loaded {
        let Some(model) = app.models.of(&c.state) else { continue };
        let d = policy::decide(&model, &c.state, &actor, Action::Read, today);
        // Only courses opened by consent are listed here; the denials (expired, revoked …) are logged.
        let by_consent = matches!(d.reason, policy::Reason::Consent { .. });
        if !by_consent {
            continue;
        }
        records.push(AccessRecord { at: now, person: Some(u.person), course: Some(c.id), action: what.to_string(), allowed: d.allowed, reason: d.reason.code() });
        if let (true, policy::Reason::Consent { coverage: tovholder_core::consent::Coverage::Covered { until, .. } }) = (d.allowed, &d.reason) {
            shown.push((c, model, *until));
        }
    }
    if !app.access.record_view(records).await {
        return Err(AppError::Internal("access log unavailable".into()));
    }
    let people = views::title_people(app.store.as_ref(), shown.iter().map(|(c, m, _)| (&**m, &*c.state))).await?;
    Ok(shown.iter().map(|(c, model, until)| SharedCourse { course: c.id, title: views::course_title(model, &c.state, &people), model: model.name.clone(), until_da: views::date_da(*until) }).collect())
}

/// A course in the course list.
#[derive(Clone, Debug, serde::Serialize, schemars::JsonSchema)]
pub struct CourseRow {
    pub course: CourseId,
    pub title: String,
    pub model: String,
    /// The next date of the course, if any is ahead ("Opholdets start 22. feb. 2027").
    pub next_da: Option<String>,
    pub open_tasks: usize,
    pub overdue_tasks: usize,
    /// The course is closed (read-only, no tasks).
    pub closed: bool,
}

/// Courses a list shows at a time (a page of the list, or a search's hits); a municipality
/// holds thousands, and every course shown is loaded, checked and logged.
pub const LIST_PAGE: i64 = 50;

/// A page of the course list.
#[derive(Clone, Debug, serde::Serialize, schemars::JsonSchema)]
pub struct CourseList {
    pub rows: Vec<CourseRow>,
    /// There are older courses: the next page starts before this one.
    pub older: Option<CourseId>,
}

/// The courses the user takes part in through their organisation, newest first, `LIST_PAGE`
/// at a time from `before`; or those whose title contains `query` (case-insensitive, the
/// newest `LIST_PAGE` with a member of that name). Each course shown is logged.
pub async fn course_list(app: &App, user: &User, query: Option<&str>, before: Option<CourseId>, what: &str) -> Result<CourseList, AppError> {
    let u = user;
    let needle = query.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    // A search asks the store for the courses with a member of that name (by index), so it
    // reaches every course of the organisation; the title check below keeps to the child's name.
    let ids = match &needle {
        Some(n) => app.store.search_courses_of_org(u.org, n, LIST_PAGE).await?,
        None => app.store.courses_of_org(u.org, before, LIST_PAGE).await?,
    };
    let older = if ids.len() as i64 == LIST_PAGE && needle.is_none() { ids.last().copied() } else { None };
    let actor = crate::actor(user);
    let today = app.clock.today();
    let mut allowed = Vec::new();
    let loaded = app.store.courses(&ids).await?;
    app.meet_models(loaded.iter().map(|c| c.state.as_ref())).await?;
    for c in loaded {
        let Some(model) = app.models.of(&c.state) else { continue };
        if policy::decide(&model, &c.state, &actor, Action::Read, today).allowed {
            allowed.push((c, model));
        }
    }
    let people = views::title_people(app.store.as_ref(), allowed.iter().map(|(c, m)| (&**m, &*c.state))).await?;
    let mut rows = Vec::new();
    let now = app.clock.now();
    let mut records = Vec::new();
    for (c, model) in allowed.iter().rev() {
        let title = views::course_title(model, &c.state, &people);
        if needle.as_ref().is_some_and(|n| !title.to_lowercase().contains(n.as_str())) {
            continue;
        }
        records.push(AccessRecord { at: now, person: Some(u.person), course: Some(c.id), action: what.to_string(), allowed: true, reason: "list".into() });
        let tasks = if c.state.closed.is_some() { vec![] } else { tovholder_core::tasks::tasks(model, &c.state) };
        let status: Vec<_> = tasks.iter().map(|t| t.status(today)).collect();
        let next = c.state.dates.iter().filter(|(_, d)| **d >= today).min_by_key(|(_, d)| **d);
        rows.push(CourseRow {
            course: c.id,
            title,
            model: model.name.clone(),
            next_da: next.map(|(k, d)| format!("{} {}", model.date_label(k), views::date_da(*d))),
            open_tasks: status.iter().filter(|s| matches!(s, tovholder_core::tasks::Status::Open | tovholder_core::tasks::Status::Upcoming)).count(),
            overdue_tasks: status.iter().filter(|s| matches!(s, tovholder_core::tasks::Status::Overdue)).count(),
            closed: c.state.closed.is_some(),
        });
    }
    if !app.access.record_view(records).await {
        return Err(AppError::Internal("access log unavailable".into()));
    }
    Ok(CourseList { rows, older })
}
