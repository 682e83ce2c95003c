//! The pages of "Aflastning": the organisation's and a course's.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::respite::{self, CourseRespite, OrgRespite};
use tovholder_app::views;
use tovholder_core::commands::FieldError;
use tovholder_core::respite::Offer;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, get, parse_date};
use crate::http::path::Path;
use crate::ui::{FormState, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "respite/org.html")]
struct OrgPage {
    layout: Layout,
    csrf: String,
    r: OrgRespite,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(OrgPage, values);

async fn org_page(app: &App, user: &CurrentUser, errors: Vec<FieldError>, form: FormData) -> Result<Response, AppError> {
    let r = respite::org_respite(app, user, user.org).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, OrgPage { layout: Layout::for_user(app, user, "respite").await?, csrf: user.csrf.clone(), r, errors, values: form.into_iter().collect() }).into_response())
}

pub async fn org(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    Ok(org_page(&app, &user, vec![], vec![]).await?)
}

/// Both dates read, or their errors.
fn dates(form: &FormData) -> Result<(jiff::civil::Date, jiff::civil::Date), Vec<FieldError>> {
    match (parse_date("from", get(form, "from")), parse_date("to", get(form, "to"))) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(a.err().into_iter().chain(b.err()).collect()),
    }
}

pub async fn add_offer(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let capacity = get(&form, "capacity").trim().parse::<u32>().unwrap_or(0);
    let r = match dates(&form) {
        Ok((from, to)) => {
            let offer = Offer { id: 0, org: user.org, kind: get(&form, "kind").into(), title: get(&form, "title").into(), from, to, capacity };
            respite::add_offer(&app, &user, offer).await.map(|_| ())
        }
        Err(e) => Err(AppError::Invalid(e)),
    };
    match r {
        Ok(()) => Ok(Redirect::to("/aflastning").into_response()),
        Err(AppError::Invalid(errors)) => Ok(org_page(&app, &user, errors, form).await?),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "respite/course.html")]
struct CoursePage {
    layout: Layout,
    course: i64,
    title: String,
    csrf: String,
    r: CourseRespite,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(CoursePage, values);

async fn course_page(app: &App, course: &AuthorizedCourse, errors: Vec<FieldError>, form: FormData) -> Result<Response, AppError> {
    let r = respite::course_respite(app, course).await?.ok_or(AppError::NotFound)?;
    let people = views::people_of(app.store.as_ref(), &[&course.state]).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = CoursePage {
        layout: Layout::for_course(app, course, &course.user),
        course: course.id.0,
        title: views::course_title(&course.model, &course.state, &people),
        csrf: course.user.csrf.clone(),
        r,
        errors,
        values: form.into_iter().collect(),
    };
    Ok((status, page).into_response())
}

pub async fn course(State(app): State<App>, course: AuthorizedCourse) -> Result<Response, PageError> {
    Ok(course_page(&app, &course, vec![], vec![]).await?)
}

pub async fn book(State(app): State<App>, course: AuthorizedCourse, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let offer = get(&form, "offer").trim().parse::<i64>().unwrap_or(0);
    let r = match dates(&form) {
        Ok((from, to)) => respite::book(&app, &course, offer, from, to).await.map(|_| ()),
        Err(e) => Err(AppError::Invalid(e)),
    };
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/forloeb/{}/aflastning", course.id)).into_response()),
        Err(AppError::Invalid(errors)) => Ok(course_page(&app, &course, errors, form).await?),
        Err(e) => Err(e.into()),
    }
}

pub async fn cancel(State(app): State<App>, course: AuthorizedCourse, Path((_, booking)): Path<(i64, i64)>) -> Result<Response, PageError> {
    respite::cancel(&app, &course, booking).await?;
    Ok(Redirect::to(&format!("/forloeb/{}/aflastning", course.id)).into_response())
}
