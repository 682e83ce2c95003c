//! Logging in and out.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::text;

use crate::App;
use crate::http::auth::{self, CurrentUser, LoginForm, LoginOutcome, with_cookies};
use crate::http::error::{AppError, PageError};
use crate::http::form::{FormData, get};
use crate::ui::{FormState, Layout};
use tovholder_app::second_factor::{self, Enrolment};
use tovholder_app::single_sign_on::{self, SignedOn};
use tovholder_core::commands::FieldError;

#[derive(Template, WebTemplate)]
#[template(path = "login/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    username: String,
    error: Option<&'static str>,
    message: Option<&'static str>,
    /// "Log ind med <name>": the identity providers for staff, by number.
    providers: Vec<(usize, String)>,
}

pub async fn login_page(State(app): State<App>, headers: HeaderMap, user: Option<CurrentUser>) -> Response {
    if user.is_some() {
        return Redirect::to("/").into_response();
    }
    let (csrf, set) = auth::login_csrf(&app, &headers);
    let page = LoginPage { layout: Layout::anonymous(), csrf, username: String::new(), error: None, message: None, providers: single_sign_on::staff_providers(&app) };
    match set {
        Some(c) => ([(header::SET_COOKIE, c)], page).into_response(),
        None => page.into_response(),
    }
}

pub async fn login_submit(
    State(app): State<App>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let device = auth::app_cookie(&app, &headers, auth::DEVICE_COOKIE);
    match auth::login(&app, &form, auth::client_address(&app, &headers, peer.ip()), device.as_deref()).await {
        Ok((LoginOutcome::LoggedIn { cookie }, device)) => Ok(with_cookies(Redirect::to("/").into_response(), std::iter::once(cookie).chain(device))),
        Ok((LoginOutcome::SecondFactor { cookie }, device)) => Ok(with_cookies(Redirect::to("/login/kode").into_response(), std::iter::once(cookie).chain(device))),
        Ok((LoginOutcome::Refused(msg), _)) => {
            let (csrf, _) = auth::login_csrf(&app, &headers);
            let page = LoginPage { layout: Layout::anonymous(), csrf, username: form.username, error: Some(msg), message: None, providers: single_sign_on::staff_providers(&app) };
            Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(AppError::Throttled) => {
            let (csrf, _) = auth::login_csrf(&app, &headers);
            let page = LoginPage { layout: Layout::anonymous(), csrf, username: form.username, error: Some(text::THROTTLED), message: None, providers: single_sign_on::staff_providers(&app) };
            Ok((axum::http::StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    let cookie = auth::logout(&app, &user).await?;
    let (csrf, set) = auth::login_csrf(&app, &HeaderMap::new());
    let page = LoginPage { layout: Layout::anonymous(), csrf, username: String::new(), error: None, message: Some(text::LOGGED_OUT), providers: single_sign_on::staff_providers(&app) };
    Ok(with_cookies(page.into_response(), [Some(cookie), set].into_iter().flatten()))
}

fn login_page_with(app: &App, headers: &HeaderMap, status: axum::http::StatusCode, error: Option<&'static str>, message: Option<&'static str>) -> Response {
    let (csrf, set) = auth::login_csrf(app, headers);
    let page = LoginPage { layout: Layout::anonymous(), csrf, username: String::new(), error, message, providers: single_sign_on::staff_providers(app) };
    with_cookies((status, page).into_response(), set)
}

/// The second factor's page: a code, or at the first login the set-up (`enrol`).
#[derive(Template, WebTemplate)]
#[template(path = "login/code.html")]
pub struct CodePage {
    pub layout: Layout,
    pub csrf: String,
    pub action: &'static str,
    pub enrol: Option<Enrolment>,
    pub errors: Vec<FieldError>,
}

crate::ui::form_state!(CodePage);

#[derive(Template, WebTemplate)]
#[template(path = "login/recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
    pub next: &'static str,
}

fn code_page(app: &App, headers: &HeaderMap, user: &tovholder_store::User, secret: Option<&str>, errors: Vec<FieldError>) -> Result<Response, AppError> {
    let (csrf, set) = auth::login_csrf(app, headers);
    let enrol = match (&user.totp_sealed, secret) {
        (Some(_), _) => None,
        (None, Some(s)) => Some(second_factor::enrolment_of(user, s)?),
        (None, None) => Some(second_factor::enrolment(user)?),
    };
    let status = if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let page = CodePage { layout: Layout::anonymous(), csrf, action: "/login/kode", enrol, errors };
    Ok(with_cookies((status, page).into_response(), set))
}

pub async fn code_form(State(app): State<App>, headers: HeaderMap) -> Result<Response, PageError> {
    match auth::pending_login(&app, &headers).await? {
        Some(user) => Ok(code_page(&app, &headers, &user, None, vec![])?),
        None => Ok(Redirect::to("/login").into_response()),
    }
}

/// The second step of a login: the code (or a recovery code), or the first set-up.
pub async fn code_submit(State(app): State<App>, headers: HeaderMap, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let Some(user) = auth::pending_login(&app, &headers).await? else {
        return Ok(login_page_with(&app, &headers, axum::http::StatusCode::UNAUTHORIZED, Some(text::STEP_EXPIRED), None));
    };
    let code = get(&form, "code");
    let codes = if user.totp_sealed.is_some() {
        match second_factor::check(&app, &user, code).await {
            Ok(true) => None,
            Ok(false) => return Ok(code_page(&app, &headers, &user, None, vec![FieldError { field: "code".into(), message: text::BAD_CODE.into() }])?),
            Err(AppError::Throttled) => return Ok(login_page_with(&app, &headers, axum::http::StatusCode::TOO_MANY_REQUESTS, Some(text::THROTTLED), None)),
            Err(e) => return Err(e.into()),
        }
    } else {
        let secret = get(&form, "secret");
        match second_factor::enrol(&app, &user, secret, code).await {
            Ok(codes) => Some(codes),
            Err(AppError::Invalid(errors)) => return Ok(code_page(&app, &headers, &user, Some(secret), errors)?),
            Err(e) => return Err(e.into()),
        }
    };
    let Some(cookies) = auth::finish_login(&app, &headers, &user).await? else {
        return Ok(login_page_with(&app, &headers, axum::http::StatusCode::UNAUTHORIZED, Some(text::STEP_EXPIRED), None));
    };
    let resp = match codes {
        Some(codes) => RecoveryCodesPage { layout: Layout::anonymous(), codes, next: "/" }.into_response(),
        None => Redirect::to("/").into_response(),
    };
    Ok(with_cookies(resp, cookies))
}

#[derive(Template, WebTemplate)]
#[template(path = "login/forgotten.html")]
struct ForgottenPage {
    layout: Layout,
    csrf: String,
    message: Option<&'static str>,
}

pub async fn forgotten_form(State(app): State<App>, headers: HeaderMap) -> Response {
    let (csrf, set) = auth::login_csrf(&app, &headers);
    with_cookies(ForgottenPage { layout: Layout::anonymous(), csrf, message: None }.into_response(), set)
}

/// Answers the same whether the login exists or not.
pub async fn forgotten_submit(
    State(app): State<App>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<FormData>,
) -> Result<Response, PageError> {
    tovholder_app::login_links::forgotten(&app, get(&form, "username"), auth::client_address(&app, &headers, peer.ip())).await?;
    let (csrf, _) = auth::login_csrf(&app, &headers);
    Ok(ForgottenPage { layout: Layout::anonymous(), csrf, message: Some(text::RESET_ASKED) }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "login/new_password.html")]
struct NewPasswordPage {
    layout: Layout,
    csrf: String,
    /// Empty: the link is used or expired.
    token: String,
    login: String,
    link_used: &'static str,
    errors: Vec<FieldError>,
}

crate::ui::form_state!(NewPasswordPage);

#[derive(serde::Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    t: String,
}

async fn new_password_page(app: &App, headers: &HeaderMap, token: &str, errors: Vec<FieldError>) -> Result<Response, AppError> {
    let (csrf, set) = auth::login_csrf(app, headers);
    let owner = tovholder_app::login_links::owner(app, token).await?;
    let status = match (&owner, errors.is_empty()) {
        (None, _) => axum::http::StatusCode::GONE,
        (Some(_), true) => axum::http::StatusCode::OK,
        (Some(_), false) => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
    };
    let (token, login) = owner.map_or((String::new(), String::new()), |u| (token.to_string(), u.username));
    let page = NewPasswordPage { layout: Layout::anonymous(), csrf, token, login, link_used: text::LINK_USED, errors };
    Ok(with_cookies((status, page).into_response(), set))
}

/// The page a mailed link opens. Opening it uses nothing up (a mail scanner may open it first).
pub async fn new_password_form(State(app): State<App>, headers: HeaderMap, axum::extract::Query(q): axum::extract::Query<LinkQuery>) -> Result<Response, PageError> {
    Ok(new_password_page(&app, &headers, &q.t, vec![]).await?)
}

pub async fn new_password_submit(State(app): State<App>, headers: HeaderMap, Form(form): Form<FormData>) -> Result<Response, PageError> {
    let (token, password) = (get(&form, "t"), get(&form, "password"));
    if password != get(&form, "repeat") {
        return Ok(new_password_page(&app, &headers, token, vec![FieldError { field: "repeat".into(), message: text::PASSWORDS_DIFFER.into() }]).await?);
    }
    match tovholder_app::login_links::set_password(&app, token, password).await {
        Ok(Some(_)) => Ok(login_page_with(&app, &headers, axum::http::StatusCode::OK, None, Some(text::PASSWORD_SET))),
        Ok(None) => Ok(new_password_page(&app, &headers, "", vec![]).await?),
        Err(AppError::Invalid(errors)) => Ok(new_password_page(&app, &headers, token, errors).await?),
        Err(e) => Err(e.into()),
    }
}

/// "Log ind med <name>": off to the identity provider, with the flow's state sealed in a cookie.
pub async fn sso_start(State(app): State<App>, headers: HeaderMap, crate::http::path::Path(n): crate::http::path::Path<usize>) -> Result<Response, PageError> {
    match single_sign_on::start(&app, n).await? {
        Ok((url, sealed)) => Ok(with_cookies(Redirect::to(&url).into_response(), [auth::set_cookie(&app, auth::SSO_COOKIE, &sealed, Some(600))])),
        Err(why) => Ok(login_page_with(&app, &headers, axum::http::StatusCode::BAD_GATEWAY, Some(why.text()), None)),
    }
}

#[derive(serde::Deserialize)]
pub struct Callback {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
}

/// Back from the identity provider: the code exchanged and the ID token checked, then a
/// session (or the second factor, if required and the provider did not prove one).
pub async fn sso_callback(State(app): State<App>, headers: HeaderMap, axum::extract::Query(q): axum::extract::Query<Callback>) -> Result<Response, PageError> {
    let sealed = auth::app_cookie(&app, &headers, auth::SSO_COOKIE);
    let clear = auth::set_cookie(&app, auth::SSO_COOKIE, "", Some(0));
    let family = single_sign_on::audience_of(&app, sealed.as_deref()) == single_sign_on::CITIZEN;
    let (user, second_factor_done) = match single_sign_on::finish(&app, sealed.as_deref(), &q.code, &q.state).await? {
        Ok(SignedOn::Staff { user, second_factor_done }) => (user, second_factor_done),
        Ok(SignedOn::Family(person)) => {
            let session = crate::http::family_session::open(&app, &person).await?;
            return Ok(with_cookies(Redirect::to("/familie").into_response(), [session, clear]));
        }
        Err(why) if family => return Ok(with_cookies(crate::features::family::login::refused(&app, &headers, why.text()), [clear])),
        Err(why) => return Ok(with_cookies(login_page_with(&app, &headers, axum::http::StatusCode::UNAUTHORIZED, Some(why.text()), None), [clear])),
    };
    let resp = match auth::after_first_factor(&app, &user, second_factor_done).await? {
        LoginOutcome::LoggedIn { cookie } => with_cookies(Redirect::to("/").into_response(), [cookie]),
        LoginOutcome::SecondFactor { cookie } => with_cookies(Redirect::to("/login/kode").into_response(), [cookie]),
        LoginOutcome::Refused(msg) => login_page_with(&app, &headers, axum::http::StatusCode::UNAUTHORIZED, Some(msg), None),
    };
    Ok(with_cookies(resp, [clear]))
}
