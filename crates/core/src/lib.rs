//! Tovholder's domain: collaboration models, courses, deadlines, the access policy and CPR
//! numbers. No I/O, no async; the clock is passed in.

pub mod activities;
pub mod calendar;
pub mod commands;
pub mod consent;
pub mod course;
pub mod cpr;
pub mod duty;
pub mod family_plan;
#[cfg(test)]
mod fuzz;
pub mod ids;
pub mod letters;
pub mod meetings;
pub mod messages;
pub mod model;
pub mod notices;
pub mod policy;
pub mod preview;
pub mod requests;
pub mod respite;
pub mod retention;
pub mod span;
pub mod stamp;
pub mod tasks;
#[cfg(test)]
pub(crate) mod testkit;
pub mod versions;
