//! What every request goes through: the session and CSRF check, login, the authorized-course
//! extractor, path parameters, and errors as pages or problem documents.

pub mod auth;
pub mod command;
pub mod course_access;
pub mod error;
pub mod family_session;
pub mod form;
pub mod json;
pub mod metrics;
pub mod openapi;
pub mod path;
pub mod route;
pub mod upload;
