//! A course as one user may act on it: loaded, the access policy asked for one action, and the
//! answer written to the access log either way. Every command and view of a course starts here
//! (the web layer's extractor wraps it), so nothing reaches a course past the policy.

use std::sync::Arc;

use tovholder_core::course::CourseState;
use tovholder_core::ids::CourseId;
use tovholder_core::model::{Action, Model};
use tovholder_core::policy::{self, Actor, Decision};
use tovholder_store::{AccessRecord, User};

use crate::{App, AppError};

pub struct Course {
    pub id: CourseId,
    pub version: i64,
    pub state: Arc<CourseState>,
    pub model: Arc<Model>,
    /// Who is acting.
    pub viewer: User,
    pub decision: Decision,
    /// The version the user's form or request was made on (`?version=` or `If-Match`).
    pub seen: Option<i64>,
}

impl Course {
    /// Loads a course for `viewer` if the policy allows `action`, logging the answer either way.
    /// `what` names the route (or the internal caller) in the access log.
    pub async fn load(app: &App, viewer: User, id: CourseId, action: Action, what: String) -> Result<Course, AppError> {
        let mut rec = AccessRecord { at: app.clock.now(), person: Some(viewer.person), course: Some(id), action: what, allowed: false, reason: "no_such_course".into() };
        let course = app.store.course(id).await?;
        let loaded = match course {
            Some(c) => app.model_of(&c.state).await?.map(|m| (c, m)),
            None => None,
        };
        let Some((course, model)) = loaded else {
            log(app, rec).await?;
            return Err(AppError::NotFound);
        };
        let decision = policy::decide(&model, &course.state, &crate::actor(&viewer), action, app.clock.today());
        rec.allowed = decision.allowed;
        rec.reason = decision.reason.code();
        log(app, rec).await?;
        if !decision.allowed {
            return Err(AppError::NotFound);
        }
        Ok(Course { id, version: course.version, state: course.state, model, viewer, decision, seen: None })
    }

    pub fn actor(&self) -> Actor {
        crate::actor(&self.viewer)
    }

    /// Whether the viewer sees this course only by the family's consent (not by a role).
    pub fn via_consent(&self) -> bool {
        matches!(self.decision.reason, policy::Reason::Consent { .. })
    }
}

/// Writes an access record and waits until it is durable; fails the request if it cannot be.
pub async fn log(app: &App, rec: AccessRecord) -> Result<(), AppError> {
    if app.access.record(rec).await { Ok(()) } else { Err(AppError::Internal("access log unavailable".into())) }
}
