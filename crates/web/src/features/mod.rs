//! One folder per feature: its page handlers, its API handlers and its rows of the route
//! table (`routes()`); its templates are in `templates/<feature>/`.

pub mod accessibility;
pub mod account;
pub mod activities;
pub mod admin;
pub mod changes;
pub mod consents;
pub mod course_log;
pub mod courses;
pub mod deputies;
pub mod documents;
pub mod duty;
pub mod family;
pub mod family_plan;
pub mod login;
pub mod meetings;
pub mod messages;
pub mod outbox;
pub mod places;
pub mod requests;
pub mod respite;
pub mod retention;
pub mod shared;
pub mod tasks;
