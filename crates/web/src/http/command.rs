//! A command route of the API: `POST` a JSON object to a path that names the command, and the
//! body, the path's parameters (`{meeting}`, `{doc}`, `{task}`) and the command's name make one
//! `Command`: the body is the command's own fields, so the API has no body types of its own. The route table's row names the action the course must allow, so
//! a route per command needs no handler of its own.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::routing::post;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};
use tovholder_app::actions::{self, Command};
use tovholder_app::views::{self, CourseView};

use crate::App;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{ApiError, AppError};
use crate::http::json::ApiJson;
use crate::http::path::{self, Path, TEXT_PARAMETERS};
use crate::http::route::{Guard, Route, r};

/// The route `POST path` of the command `name` (as `Command` names it: `record_minutes`, …):
/// it reads the command's fields and answers the course as it is after it.
pub fn command(path: &'static str, guard: Guard, summary: &'static str, name: &'static str) -> Route {
    let handler = post(move |State(app): State<App>, course: AuthorizedCourse, Path(params): Path<BTreeMap<String, String>>, ApiJson(body): ApiJson<Map<String, Value>>| async move {
        let op = parse(name, params, body)?;
        actions::perform(&app, &course, vec![op]).await?;
        after(&app, &course).await
    });
    r("POST", path, guard, summary, handler).command_body(name).returns::<CourseView>()
}

/// The schema of the command `name`: its fields and `action`, its name. `None` if `Command`
/// has no such command.
pub fn schema(generator: &mut SchemaGenerator, name: &str) -> Option<Value> {
    let all = Command::json_schema(generator).to_value();
    all["oneOf"].as_array()?.iter().find(|v| v["properties"]["action"]["const"] == name).cloned()
}

/// The schema of the body of the command `name` at `path`: the command's fields, less its
/// name and those the path gives.
pub fn body_schema(generator: &mut SchemaGenerator, name: &str, path: &str) -> Option<Value> {
    let mut variant = schema(generator, name)?;
    let from_path = path::parameters(path);
    for field in std::iter::once("action").chain(from_path) {
        if let Some(p) = variant["properties"].as_object_mut() {
            p.remove(field);
        }
        if let Some(r) = variant["required"].as_array_mut() {
            r.retain(|f| f != field);
        }
    }
    Some(variant)
}

/// The command from its name, the path's parameters and the body; a number parameter that is
/// not a number names nothing (404), a body that does not fit the command is refused (422).
fn parse(name: &str, params: BTreeMap<String, String>, mut body: Map<String, Value>) -> Result<Command, ApiError> {
    for (key, value) in params.into_iter().filter(|(k, _)| k != "id") {
        let value = if TEXT_PARAMETERS.contains(&key.as_str()) { Value::from(value) } else { value.parse::<u32>().map_err(|_| AppError::NotFound)?.into() };
        body.insert(key, value);
    }
    body.insert("action".into(), name.into());
    serde_json::from_value(Value::Object(body)).map_err(|e| AppError::Invalid(vec![tovholder_core::commands::FieldError { field: "body".into(), message: e.to_string() }]).into())
}

/// Answers a write with the course as it is now.
pub async fn after(app: &App, course: &AuthorizedCourse) -> Result<Json<CourseView>, ApiError> {
    let c = app.store.course(course.id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(views::course_view(app, course, c.version, &c.state).await?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_and_the_name_complete_the_body() {
        let params = [("id".to_string(), "4".to_string()), ("meeting".to_string(), "2".to_string())].into();
        let body = serde_json::json!({"meeting": 9, "action": "cancel_meeting", "note": "syg"}).as_object().cloned().unwrap();
        let Ok(Command::SendInvitations { meeting }) = parse("send_invitations", params, body) else { panic!("not the named command") };
        assert_eq!(meeting, 2, "the path wins over the body");
        assert!(parse("send_invitations", [("meeting".to_string(), "x".to_string())].into(), Map::new()).is_err());
    }
}
