//! The family's login: ask for a link, press "Fortsæt" on it, type the code.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::family_login::{self, CodeCheck};
use tovholder_app::single_sign_on;
use tovholder_app::text;

use crate::App;
use crate::http::auth::{self, app_cookie, set_cookie, with_cookies};
use crate::http::error::PageError;
use crate::http::family_session::{self, CurrentFamily, FAMILY_STEP_COOKIE};
use crate::http::form::{FormData, get};
use crate::ui::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "family/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    /// Family members may ask for a link by e-mail here.
    email_login: bool,
    message: Option<&'static str>,
    error: Option<&'static str>,
    demo: bool,
    demo_logins: &'static [&'static str],
    /// "Log ind med MitID": the family's identity providers, by number.
    providers: Vec<(usize, String)>,
}

fn login_with(app: &App, headers: &HeaderMap, status: StatusCode, message: Option<&'static str>, error: Option<&'static str>) -> Response {
    let (csrf, set) = auth::login_csrf(app, headers);
    let page = LoginPage {
        layout: Layout::anonymous(),
        csrf,
        email_login: app.config.family_email_login,
        message,
        error,
        demo: app.config.demo,
        demo_logins: &tovholder_app::demo::FAMILY_LOGINS,
        providers: single_sign_on::family_providers(app),
    };
    with_cookies((status, page).into_response(), set)
}

/// Back from the family's identity provider without a login: why, on the family's login page.
pub fn refused(app: &App, headers: &HeaderMap, why: &'static str) -> Response {
    login_with(app, headers, StatusCode::UNAUTHORIZED, None, Some(why))
}

pub async fn login_page(State(app): State<App>, headers: HeaderMap, family: Option<CurrentFamily>) -> Response {
    if family.is_some() {
        return Redirect::to("/familie").into_response();
    }
    login_with(&app, &headers, StatusCode::OK, None, None)
}

/// Answers the same whether the address is known or not.
pub async fn ask_link(
    State(app): State<App>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<FormData>,
) -> Result<Response, PageError> {
    family_login::ask(&app, get(&form, "email"), auth::client_address(&app, &headers, peer.ip())).await?;
    Ok(login_with(&app, &headers, StatusCode::OK, Some(text::FAMILY_LINK_SENT), None))
}

#[derive(serde::Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    t: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "family/link.html")]
struct LinkPage {
    layout: Layout,
    csrf: String,
    token: String,
}

/// The link from the e-mail: a button, so a mail scanner opening the link uses nothing up.
pub async fn link_page(State(app): State<App>, headers: HeaderMap, Query(q): Query<LinkQuery>) -> Result<Response, PageError> {
    if family_login::link_holder(&app, &q.t).await?.is_none() {
        return Ok(login_with(&app, &headers, StatusCode::GONE, None, Some(text::FAMILY_LINK_GONE)));
    }
    let (csrf, set) = auth::login_csrf(&app, &headers);
    Ok(with_cookies(LinkPage { layout: Layout::anonymous(), csrf, token: q.t }.into_response(), set))
}

pub async fn use_link(State(app): State<App>, headers: HeaderMap, Form(form): Form<FormData>) -> Result<Response, PageError> {
    match family_login::use_link(&app, get(&form, "t")).await? {
        Some(step) => Ok(with_cookies(Redirect::to("/familie/kode").into_response(), [set_cookie(&app, FAMILY_STEP_COOKIE, &step, None)])),
        None => Ok(login_with(&app, &headers, StatusCode::GONE, None, Some(text::FAMILY_LINK_GONE))),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "family/code.html")]
struct CodePage {
    layout: Layout,
    csrf: String,
    error: Option<&'static str>,
}

fn code_with(app: &App, headers: &HeaderMap, status: StatusCode, error: Option<&'static str>) -> Response {
    let (csrf, set) = auth::login_csrf(app, headers);
    with_cookies((status, CodePage { layout: Layout::anonymous(), csrf, error }).into_response(), set)
}

pub async fn code_page(State(app): State<App>, headers: HeaderMap) -> Result<Response, PageError> {
    let step = app_cookie(&app, &headers, FAMILY_STEP_COOKIE).unwrap_or_default();
    if !family_login::step_open(&app, &step).await? {
        return Ok(login_with(&app, &headers, StatusCode::GONE, None, Some(text::FAMILY_CODE_GONE)));
    }
    Ok(code_with(&app, &headers, StatusCode::OK, None))
}

pub async fn code_submit(State(app): State<App>, headers: HeaderMap, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let step = app_cookie(&app, &headers, FAMILY_STEP_COOKIE).unwrap_or_default();
    match family_login::check_code(&app, &step, get(&form, "code")).await? {
        CodeCheck::Right(person) => {
            let session = family_session::open(&app, &person).await?;
            Ok(with_cookies(Redirect::to("/familie").into_response(), [session, set_cookie(&app, FAMILY_STEP_COOKIE, "", Some(0))]))
        }
        CodeCheck::Wrong => Ok(code_with(&app, &headers, StatusCode::UNPROCESSABLE_ENTITY, Some(text::FAMILY_CODE_WRONG))),
        CodeCheck::Gone => Ok(login_with(&app, &headers, StatusCode::GONE, None, Some(text::FAMILY_CODE_GONE))),
    }
}

pub async fn logout(State(app): State<App>, headers: HeaderMap, family: CurrentFamily) -> Result<Response, PageError> {
    let cookie = family_session::close(&app, &family).await?;
    Ok(with_cookies(login_with(&app, &headers, StatusCode::OK, Some(text::LOGGED_OUT), None), [cookie]))
}
