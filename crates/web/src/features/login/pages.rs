//! Logging in and out.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use tovholder_app::text;

use crate::App;
use crate::http::auth::{self, CurrentUser, LoginForm, LoginOutcome};
use crate::http::error::{AppError, PageError};
use crate::ui::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "login/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    username: String,
    error: Option<&'static str>,
    message: Option<&'static str>,
}

pub async fn login_page(State(app): State<App>, headers: HeaderMap, user: Option<CurrentUser>) -> Response {
    if user.is_some() {
        return Redirect::to("/").into_response();
    }
    let (csrf, set) = auth::login_csrf(&app, &headers);
    let page = LoginPage { layout: Layout::anonymous(), csrf, username: String::new(), error: None, message: None };
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
    match auth::login(&app, &form, auth::client_address(&app, &headers, peer.ip())).await {
        Ok(LoginOutcome::LoggedIn { cookie }) => Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()),
        Ok(LoginOutcome::Refused(msg)) => {
            let (csrf, _) = auth::login_csrf(&app, &headers);
            let page = LoginPage { layout: Layout::anonymous(), csrf, username: form.username, error: Some(msg), message: None };
            Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(AppError::Throttled) => {
            let (csrf, _) = auth::login_csrf(&app, &headers);
            let page = LoginPage { layout: Layout::anonymous(), csrf, username: form.username, error: Some(text::THROTTLED), message: None };
            Ok((axum::http::StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(app): State<App>, user: CurrentUser) -> Result<Response, PageError> {
    let cookie = auth::logout(&app, &user).await?;
    let (csrf, set) = auth::login_csrf(&app, &HeaderMap::new());
    let page = LoginPage { layout: Layout::anonymous(), csrf, username: String::new(), error: None, message: Some(text::LOGGED_OUT) };
    let mut resp = page.into_response();
    for c in [Some(cookie), set].into_iter().flatten() {
        if let Ok(v) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}
