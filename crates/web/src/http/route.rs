//! A row of the route table: method, path, guard and summary, with its handler. Features
//! declare their rows with `r`; `routes::table()` gathers them.

use axum::routing::MethodRouter;
use tovholder_core::model::Action;

use crate::App;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// No login needed.
    Public,
    /// A logged-in staff member.
    User,
    /// A logged-in staff member allowed this action on the course `{id}` by the policy.
    Course(Action),
}

pub struct RouteDef {
    pub method: &'static str,
    pub path: &'static str,
    pub guard: Guard,
    pub summary: &'static str,
}

pub struct Route {
    pub def: RouteDef,
    pub handler: MethodRouter<App>,
}

pub fn r(method: &'static str, path: &'static str, guard: Guard, summary: &'static str, handler: MethodRouter<App>) -> Route {
    Route { def: RouteDef { method, path, guard, summary }, handler }
}
