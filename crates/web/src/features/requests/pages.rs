//! The page "Henvendelser" of a course.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tovholder_app::actions::Command;
use tovholder_app::requests::{self, DutyNow, RequestLine};
use tovholder_app::views;
use tovholder_core::commands::FieldError;

use crate::App;
use crate::http::course_access::AuthorizedCourse;
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, get, submit};
use crate::http::path::Path;
use crate::ui::{FormState, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "requests/list.html")]
struct ListPage {
    layout: Layout,
    course: i64,
    title: String,
    csrf: String,
    duty: Option<DutyNow>,
    requests: Vec<RequestLine>,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(ListPage, values);

impl ListPage {
    /// The refusal of request `id`'s log, if that form was refused.
    fn error_of(&self, id: &u32) -> Option<&str> {
        self.errors.iter().find(|e| e.field == format!("text{id}") || e.field == format!("request{id}")).map(|e| e.message.as_str())
    }
    fn typed(&self, id: &u32) -> &str {
        self.value(&format!("text{id}"))
    }
}

async fn list_page(app: &App, course: &AuthorizedCourse, errors: Vec<FieldError>, values: BTreeMap<String, String>) -> Result<Response, AppError> {
    let people = views::people_of(app.store.as_ref(), &[&course.state]).await?;
    let page = ListPage {
        layout: Layout::for_course(app, course, &course.user),
        course: course.id.0,
        title: views::course_title(&course.model, &course.state, &people),
        csrf: course.user.csrf.clone(),
        duty: requests::duty_now(app, &course.model, &course.state).await?,
        requests: requests::lines(app, &course.model, &course.state, true, None).await?,
        errors,
        values,
    };
    Ok(page.into_response())
}

pub async fn list(State(app): State<App>, course: AuthorizedCourse) -> Result<Response, PageError> {
    Ok(list_page(&app, &course, vec![], BTreeMap::new()).await?)
}

/// What the person on call did about acute request `request`.
pub async fn log(State(app): State<App>, course: AuthorizedCourse, Path((_, request)): Path<(i64, u32)>, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let op = Command::LogAcute { request, text: get(&form, &format!("text{request}")).into() };
    let to = format!("/forloeb/{}/henvendelser", course.id);
    submit(&app, &course, Ok(vec![op]), form, to, async |c, values, errors| {
        // The error belongs to this request's own field.
        let errors = errors.into_iter().map(|e| FieldError { field: format!("{}{request}", e.field), ..e }).collect();
        list_page(&app, c, errors, values.clone()).await
    })
    .await
}
