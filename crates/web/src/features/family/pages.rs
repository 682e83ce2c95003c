//! The family's own pages, and the invitation staff send from the course.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::family::{self, FamilyCourse, FamilyCourseLine, FamilyView};
use tovholder_app::{family_login, text};
use tovholder_core::ids::{CourseId, PersonId};

use crate::App;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::PageError;
use crate::http::family_session::CurrentFamily;
use crate::ui::{Layout, Viewer};

fn layout(app: &App, family: &CurrentFamily) -> Layout {
    Layout { user: Some(family.frame_user()), current: "family", below: false, demo: app.config.demo }
}

#[derive(Template, WebTemplate)]
#[template(path = "family/home.html")]
struct HomePage {
    layout: Layout,
    me: String,
    courses: Vec<FamilyCourseLine>,
}

/// The family member's courses; with only one, that course at once.
pub async fn home(State(app): State<App>, family: CurrentFamily) -> Result<Response, PageError> {
    let courses = family::my_courses(&app, family.person.id).await?;
    if let [only] = courses.as_slice() {
        return Ok(Redirect::to(&format!("/familie/forloeb/{}", only.id)).into_response());
    }
    Ok(HomePage { layout: layout(&app, &family), me: family.person.name.clone(), courses }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "family/course.html")]
struct CoursePage {
    layout: Layout,
    v: FamilyView,
    csrf: String,
    notice: Option<&'static str>,
}

#[derive(serde::Deserialize)]
pub struct Notice {
    #[serde(default)]
    besked: String,
}

pub async fn course(State(app): State<App>, family: CurrentFamily, Path(id): Path<i64>, Query(q): Query<Notice>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "read").await?;
    let v = family::view(&app, &fc).await?;
    let notice = (q.besked == "tilbagekaldt").then_some(text::FAMILY_REVOKED);
    Ok(CoursePage { layout: layout(&app, &family), v, csrf: family.csrf.clone(), notice }.into_response())
}

pub async fn plan(State(app): State<App>, family: CurrentFamily, Path((id, doc)): Path<(i64, u32)>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "read_plan").await?;
    let pdf = family::plan_pdf(&app, &fc, doc).await?;
    // A neutral file name: the family's name stays out of downloads folders' listings.
    let disposition = format!("attachment; filename=\"familiens-plan-{doc}.pdf\"");
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)], pdf).into_response())
}

pub async fn withdraw(State(app): State<App>, family: CurrentFamily, Path((id, consent)): Path<(i64, u32)>) -> Result<Response, PageError> {
    let fc = FamilyCourse::load(&app, &family.person, CourseId(id), "withdraw_consent").await?;
    family::withdraw_consent(&app, &fc, consent).await?;
    Ok(Redirect::to(&format!("/familie/forloeb/{id}?besked=tilbagekaldt#samtykker")).into_response())
}

/// Staff invite a family member; back to the course, which says the invitation went.
pub async fn invite(State(app): State<App>, course: AuthorizedCourse, Path((_, person)): Path<(i64, i64)>) -> Result<Response, PageError> {
    family_login::invite(&app, &course, PersonId(person)).await?;
    Ok(Redirect::to(&format!("/forloeb/{}?gemt=inviteret#personer", course.id)).into_response())
}
