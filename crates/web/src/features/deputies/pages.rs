//! The page "Stedfortræder".

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::deputies::{self, Deputies};
use tovholder_core::commands::FieldError;

use crate::App;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, get, parse_date, person};
use crate::http::path::Path;
use crate::ui::{FormState, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "deputies/page.html")]
struct DeputyPage {
    layout: Layout,
    csrf: String,
    d: Deputies,
    errors: Vec<FieldError>,
    values: BTreeMap<String, String>,
}

crate::ui::form_state!(DeputyPage, values);

async fn render(app: &App, user: &CurrentUser, errors: Vec<FieldError>, form: FormData) -> Result<Response, AppError> {
    let d = deputies::mine(app, user).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, DeputyPage { layout: Layout::for_user(app, user, "account").await?, csrf: user.csrf.clone(), d, errors, values: form.into_iter().collect() }).into_response())
}

pub async fn page(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    Ok(render(&app, &user, vec![], vec![]).await?)
}

pub async fn name(State(app): State<App>, user: CurrentUser, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let r = async {
        let deputy = person(get(&form, "deputy")).ok_or_else(|| AppError::invalid("deputy", "Vælg en kollega fra din egen organisation."))?;
        let (from, to) = match (parse_date("from", get(&form, "from")), parse_date("to", get(&form, "to"))) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => return Err(AppError::Invalid(a.err().into_iter().chain(b.err()).collect())),
        };
        deputies::name(&app, &user, deputy, from, to).await.map(|_| ())
    }
    .await;
    match r {
        Ok(()) => Ok(Redirect::to("/stedfortraeder").into_response()),
        Err(AppError::Invalid(errors)) => Ok(render(&app, &user, errors, form).await?),
        Err(e) => Err(e.into()),
    }
}

pub async fn end(State(app): State<App>, user: CurrentUser, Path(id): Path<i64>) -> Result<Response, PageError> {
    deputies::end(&app, &user, id).await?;
    Ok(Redirect::to("/stedfortraeder").into_response())
}
