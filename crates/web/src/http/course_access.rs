//! The one way in to a course: the `AuthorizedCourse` extractor loads it (`Course::load`: the
//! access policy asked for the route's action, the answer in the access log), and answers "not found" when
//! the policy says no. A handler that takes a course id any other way is a bug; the route-table
//! test requests every course route as an outsider to catch one.

use axum::extract::{FromRequestParts, MatchedPath, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use std::marker::PhantomData;
use tovholder_app::course::Course;
use tovholder_core::ids::CourseId;
use tovholder_core::model::Action;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, AppError, PageError};

/// A route's action, as a type, so the extractor knows what to ask the policy.
pub trait RouteAction: Send + Sync + 'static {
    const ACTION: Action;
}

macro_rules! route_actions {
    ($($name:ident => $action:ident),*) => {$(
        pub struct $name;
        impl RouteAction for $name {
            const ACTION: Action = Action::$action;
        }
    )*};
}

route_actions!(
    Read => Read,
    SetDates => SetDates,
    Appoint => Appoint,
    Decide => Decide,
    CompleteTask => CompleteTask,
    RecordField => RecordField,
    ProposeChange => ProposeChange,
    AnswerChange => AnswerChange,
    AddDocument => AddDocument,
    SendDocument => SendDocument,
    RecordConsent => RecordConsent,
    PlanMeeting => PlanMeeting,
    RecordPlan => RecordPlan,
    IssuePlan => IssuePlan,
    SetPhase => SetPhase
);

/// A course loaded for the route's action (see `tovholder_app::course::Course`, which it
/// derefs to), with the logged-in user of the request.
pub struct AuthorizedCourse<A> {
    pub course: Course,
    pub user: CurrentUser,
    _action: PhantomData<A>,
}

impl<A> std::ops::Deref for AuthorizedCourse<A> {
    type Target = Course;
    fn deref(&self) -> &Course {
        &self.course
    }
}

/// The course version a write was made on: `If-Match: "7"` (API) or `?version=7` (forms).
fn seen_version(parts: &Parts) -> Option<i64> {
    let header = parts.headers.get(axum::http::header::IF_MATCH).and_then(|v| v.to_str().ok()).map(|v| v.trim().trim_start_matches("W/").trim_matches('"').to_string());
    let query = parts.uri.query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("version=")).map(str::to_string));
    header.or(query).and_then(|v| v.parse().ok())
}

fn reject(api: bool, e: AppError) -> Response {
    if api { ApiError(e).into_response() } else { PageError(e).into_response() }
}

impl<A: RouteAction> AuthorizedCourse<A> {
    /// Loads a course for `user` if the policy allows the action, logging the answer either way.
    /// `what` names the route (or the internal caller) in the access log.
    pub async fn load(app: &App, user: CurrentUser, id: CourseId, what: String) -> Result<Self, AppError> {
        let course = Course::load(app, user.user.clone(), id, A::ACTION, what).await?;
        Ok(AuthorizedCourse { course, user, _action: PhantomData })
    }
}

impl<A: RouteAction> FromRequestParts<App> for AuthorizedCourse<A> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let user = CurrentUser::from_request_parts(parts, app).await?;
        let route = parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_default();
        let what = format!("{}:{} {route}", A::ACTION.as_str(), parts.method);
        let Ok(Path(params)) = Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, app).await else {
            return Err(reject(api, AppError::NotFound));
        };
        let Some(id) = params.get("id").and_then(|s| s.parse::<i64>().ok()).map(CourseId) else {
            return Err(reject(api, AppError::NotFound));
        };
        let seen = seen_version(parts);
        let mut course = Self::load(app, user, id, what).await.map_err(|e| reject(api, e))?;
        course.course.seen = seen;
        Ok(course)
    }
}
