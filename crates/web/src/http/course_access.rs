//! The one way in to a course: the `AuthorizedCourse` extractor loads it (`Course::load`: the
//! access policy asked for the action its route's row names, the answer in the access log), and
//! answers "not found" when the policy says no. A handler names no action of its own, so it cannot
//! ask for a different one. A handler that takes a course id any other way is a bug; the
//! route-table test requests every course route as an outsider to catch one.

use axum::extract::{FromRequestParts, MatchedPath, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tovholder_app::course::Course;
use tovholder_core::ids::CourseId;
use tovholder_core::model::Action;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, AppError, PageError};

/// The action a course route requires, put on each request by the route table (`routes::router`
/// layers it onto the row's handler): the row is the only place a route's action is named.
#[derive(Clone, Copy, Debug)]
pub struct CourseAction(pub Action);

/// A course loaded for the route's action (see `tovholder_app::course::Course`, which it
/// derefs to), with the logged-in user of the request.
pub struct AuthorizedCourse {
    pub course: Course,
    pub user: CurrentUser,
}

impl std::ops::Deref for AuthorizedCourse {
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

impl AuthorizedCourse {
    /// Loads a course for `user` if the policy allows `action`, logging the answer either way.
    /// `what` names the route (or the internal caller) in the access log.
    pub async fn load(app: &App, user: CurrentUser, id: CourseId, action: Action, what: String) -> Result<Self, AppError> {
        let course = Course::load(app, user.user.clone(), id, action, what).await?;
        Ok(AuthorizedCourse { course, user })
    }
}

impl FromRequestParts<App> for AuthorizedCourse {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let user = CurrentUser::from_request_parts(parts, app).await?;
        let route = parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_default();
        // A handler that takes a course on a route whose row names no course action is a bug.
        let Some(CourseAction(action)) = parts.extensions.get::<CourseAction>().copied() else {
            return Err(reject(api, AppError::Internal(format!("the route {route} names no course action"))));
        };
        let what = format!("{}:{} {route}", action.as_str(), parts.method);
        let Ok(Path(params)) = Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, app).await else {
            return Err(reject(api, AppError::NotFound));
        };
        let Some(id) = params.get("id").and_then(|s| s.parse::<i64>().ok()).map(CourseId) else {
            return Err(reject(api, AppError::NotFound));
        };
        let seen = seen_version(parts);
        let mut course = Self::load(app, user, id, action, what).await.map_err(|e| reject(api, e))?;
        course.course.seen = seen;
        Ok(course)
    }
}
