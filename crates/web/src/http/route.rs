//! A row of the route table: method, path, guard and summary, with its handler. Features
//! declare their rows with `r`; `routes::table()` gathers them.

use axum::routing::MethodRouter;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use tovholder_core::model::Action;

use crate::App;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// No login needed.
    Public,
    /// A logged-in staff member.
    User,
    /// A logged-in family member (the family's pages check their membership of a course).
    Family,
    /// A logged-in staff member allowed this action on the course `{id}` by the policy.
    Course(Action),
}

pub struct RouteDef {
    pub method: &'static str,
    pub path: &'static str,
    pub guard: Guard,
    pub summary: &'static str,
    /// The largest body the route reads: `FORM_BODY`, or `UPLOAD_BODY` on an upload route.
    pub body_limit: usize,
    /// The statuses of success an API route answers (the OpenAPI document names them).
    pub success: &'static [u16],
    /// The media type of an API route's request body.
    pub request_type: &'static str,
    /// What an API route's request body is (the OpenAPI document describes it).
    pub request: RequestBody,
    /// The schema of an API route's answer on success (`None`: no body, e.g. 204).
    pub response: Option<SchemaOf>,
    /// The schema of its answer with one status of success, where it differs from `response`.
    pub response_on: Option<(u16, SchemaOf)>,
    /// The schema of an API route's query string (an object: one parameter per property).
    pub query: Option<SchemaOf>,
}

/// Puts a type's schema (and those it uses) into a generator and returns a reference to it.
pub type SchemaOf = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The request body of an API route, as the route table states it.
#[derive(Clone, Copy)]
pub enum RequestBody {
    /// Not stated: a test fails for a write route of `/api/v1` left like this.
    Unstated,
    /// The route reads no body.
    Empty,
    /// A JSON body of this schema.
    Json(SchemaOf),
    /// The fields of this `Command` (by its name), less those the path gives.
    Command(&'static str),
    /// One of these commands, named by `action`.
    Commands(&'static [&'static str]),
    /// Text of the route's media type (e.g. a CSV file).
    Text,
}

/// The largest body of a form or a JSON request: a written document (200 kB of text) or a
/// meeting's minutes (up to some 100,000 characters) fit, with room; 12 MB does not.
pub const FORM_BODY: usize = 1024 * 1024;
/// The largest body of an upload route: a document of up to 10 MB and its form.
pub const UPLOAD_BODY: usize = 12 * 1024 * 1024;

pub struct Route {
    pub def: RouteDef,
    pub handler: MethodRouter<App>,
}

pub fn r(method: &'static str, path: &'static str, guard: Guard, summary: &'static str, handler: MethodRouter<App>) -> Route {
    Route {
        def: RouteDef {
            method,
            path,
            guard,
            summary,
            body_limit: FORM_BODY,
            success: &[200],
            request_type: "application/json",
            request: RequestBody::Unstated,
            response: None,
            response_on: None,
            query: None,
        },
        handler,
    }
}

impl Route {
    /// An API route answering these statuses on success (e.g. `&[201]` for one that makes something).
    pub fn answers(mut self, success: &'static [u16]) -> Route {
        self.def.success = success;
        self
    }

    /// An API route whose request body is text of this media type (not JSON).
    pub fn takes(mut self, request_type: &'static str) -> Route {
        self.def.request_type = request_type;
        self.def.request = RequestBody::Text;
        self
    }

    /// An API route that reads a JSON body of type `T`.
    pub fn body<T: JsonSchema>(mut self) -> Route {
        self.def.request = RequestBody::Json(schema_of::<T>);
        self
    }

    /// An API write route that reads no body.
    pub fn no_body(mut self) -> Route {
        self.def.request = RequestBody::Empty;
        self
    }

    /// An API route that reads the fields of the command `name`.
    pub fn command_body(mut self, name: &'static str) -> Route {
        self.def.request = RequestBody::Command(name);
        self
    }

    /// An API route that reads one of the commands `names`, named by its `action`.
    pub fn commands_body(mut self, names: &'static [&'static str]) -> Route {
        self.def.request = RequestBody::Commands(names);
        self
    }

    /// An API route that answers a `T` on success.
    pub fn returns<T: JsonSchema>(mut self) -> Route {
        self.def.response = Some(schema_of::<T>);
        self
    }

    /// An API route that answers a `T` with the status `status`, unlike its other statuses
    /// of success (which answer what `returns` names).
    pub fn returns_on<T: JsonSchema>(mut self, status: u16) -> Route {
        self.def.response_on = Some((status, schema_of::<T>));
        self
    }

    /// An API route that reads its query string as a `T`.
    pub fn query<T: JsonSchema>(mut self) -> Route {
        self.def.query = Some(schema_of::<T>);
        self
    }

    /// A route that takes uploaded files: its body may be as large as `UPLOAD_BODY`.
    pub fn uploads(mut self) -> Route {
        self.def.body_limit = UPLOAD_BODY;
        self
    }
}

/// The body limit of each route, by method and path as the router matched them: the router
/// hands it to every request, so the session middleware limits what it reads (for the CSRF
/// field) before it reads it.
#[derive(Clone, Default)]
pub struct BodyLimits(pub std::sync::Arc<std::collections::HashMap<(&'static str, &'static str), usize>>);

impl BodyLimits {
    pub fn of(&self, method: &str, matched: Option<&str>) -> usize {
        matched.and_then(|p| self.0.iter().find(|((m, path), _)| *m == method && *path == p).map(|(_, l)| *l)).unwrap_or(FORM_BODY)
    }
}
