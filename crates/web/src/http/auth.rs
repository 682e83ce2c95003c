//! Staff login: argon2id passwords, server-side sessions, the CSRF token, login throttling.
//!
//! The session cookie holds a random token; the store keeps only its SHA-256, so a copy of the
//! database cannot be used to log in. A new token is issued at every login (no fixation).

use axum::body::Body;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Request, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use tovholder_core::policy::Actor;
use tovholder_store::{LoginToken, Session, User};

use tovholder_app::passwords::{hash_password, verify_password};

use crate::App;
use crate::http::error::{ApiError, AppError, PageError};
use crate::http::family_session::CurrentFamily;
use crate::ui::{LayoutUser, Viewer};
use tovholder_app::text;

pub const SESSION_COOKIE: &str = "tovholder_session";
pub const LOGIN_CSRF_COOKIE: &str = "tovholder_login_csrf";
/// Between the password and the second factor: a single-use token of a few minutes.
pub const STEP_COOKIE: &str = "tovholder_step";
const STEP_PURPOSE: &str = "second_factor";
const STEP_VALID: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);
/// While the browser is at an identity provider: the sealed state, nonce and PKCE verifier.
pub const SSO_COOKIE: &str = "tovholder_sso";
/// A browser that has logged in as someone: its id, signed for that login name. Its failures
/// are counted apart, so strangers' guesses do not hold that person back in it.
pub const DEVICE_COOKIE: &str = "tovholder_device";
const DEVICE_MAX_AGE: i64 = 365 * 24 * 3600;
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf";

/// A random token, hex-encoded (`bytes` random bytes).
pub fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    if getrandom::fill(&mut b).is_err() {
        // Without randomness no token can be safe; an empty token never matches a stored one.
        return String::new();
    }
    hex::encode(b)
}

pub(crate) fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A hash of a password nobody has, verified when the user name is unknown, so the answer
/// takes as long either way and does not reveal which user names exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token(16)).unwrap_or_default())
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).filter_map(|kv| kv.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
}

/// A cookie's name as sent: behind HTTPS with the `__Host-` prefix, which the browser accepts
/// only from this host, over HTTPS, for the whole site: no subdomain or plain-HTTP page can set
/// or shadow it.
fn cookie_name(app: &App, name: &str) -> String {
    if app.config.secure_cookies { format!("__Host-{name}") } else { name.to_string() }
}

/// A cookie of this app, read under the name it is sent with.
pub fn app_cookie(app: &App, headers: &HeaderMap, name: &str) -> Option<String> {
    cookie(headers, &cookie_name(app, name))
}

/// The session cookie is `SameSite=Lax`, so a link from an e-mail opens the page logged in, and
/// so is single sign-on's (the provider sends the browser back from its own site); the cookies
/// of the login form and its second step are `Strict` (only this site's own pages post them).
pub fn set_cookie(app: &App, name: &str, value: &str, max_age: Option<i64>) -> String {
    let secure = if app.config.secure_cookies { "; Secure" } else { "" };
    let age = max_age.map(|s| format!("; Max-Age={s}")).unwrap_or_default();
    let lax = [SESSION_COOKIE, SSO_COOKIE, crate::http::family_session::FAMILY_COOKIE];
    let same_site = if lax.contains(&name) { "Lax" } else { "Strict" };
    format!("{}={value}; Path=/; HttpOnly; SameSite={same_site}{secure}{age}", cookie_name(app, name))
}

/// A response with several cookies set.
pub fn with_cookies(mut resp: Response, cookies: impl IntoIterator<Item = String>) -> Response {
    for c in cookies {
        if let Ok(v) = c.parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// The logged-in staff member, put in the request by `session_middleware`.
#[derive(Clone)]
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
    token_hash: String,
}

/// The request's user is a `User` to the application layer.
impl std::ops::Deref for CurrentUser {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

impl Viewer for CurrentUser {
    fn frame_user(&self) -> LayoutUser {
        LayoutUser { name: self.user.name.clone(), org: self.user.org_name.clone(), csrf: self.csrf.clone(), admin: tovholder_app::admin::scope(&self.user).is_some(), family: false }
    }
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        tovholder_app::actor(&self.user)
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Loads the session (if any) and checks the CSRF token on every state-changing request:
/// the `X-CSRF-Token` header, or the `csrf` field of a form. (axum's `from_fn_with_state`.)
/// Everything after the session is read runs in the request's frame, so every error page,
/// the CSRF refusal included, keeps the user's navigation and a way back.
pub async fn session_middleware(State(app): State<App>, req: Request<Body>, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let headers = req.headers();
    let who = match current_user(&app, headers).await {
        Ok(user) => crate::http::family_session::current_family(&app, headers).await.map(|family| (user, family)),
        Err(e) => Err(e),
    };
    let mut resp = match who {
        Ok((user, family)) => {
            // The family's pages are framed for the family member, the rest for staff.
            let viewer = if req.uri().path().starts_with("/familie") { family.as_ref().map(Viewer::frame_user) } else { user.as_ref().map(Viewer::frame_user) };
            let frame = crate::ui::RequestFrame { user: viewer, demo: app.config.demo, path: req.uri().path().to_string() };
            let login_csrf = app_cookie(&app, req.headers(), LOGIN_CSRF_COOKIE);
            crate::ui::FRAME.scope(frame, checked(user, family, login_csrf, api, req, next)).await
        }
        Err(e) => fail(api, e),
    };
    // Pages and API answers carry personal data: no browser or proxy may keep a copy.
    let h = resp.headers_mut();
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    if app.config.secure_cookies {
        // Served over HTTPS: the browser keeps to HTTPS for a year.
        h.insert(header::STRICT_TRANSPORT_SECURITY, header::HeaderValue::from_static("max-age=31536000"));
    }
    h.insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    );
    resp
}

fn fail(api: bool, e: AppError) -> Response {
    if api { ApiError(e).into_response() } else { PageError(e).into_response() }
}

/// The CSRF check, the handler, and the product's own answer for what the framework refused.
async fn checked(user: Option<CurrentUser>, family: Option<CurrentFamily>, login_csrf: Option<String>, api: bool, mut req: Request<Body>, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        // A session's token, or on a login form (no session yet) its own double-submit token.
        // A browser may hold a staff and a family session at once (a test of the family's view).
        let expected: Vec<String> = [user.as_ref().map(|u| u.csrf.clone()), family.as_ref().map(|f| f.csrf.clone()), login_csrf].into_iter().flatten().filter(|t| !t.is_empty()).collect();
        // The route's body limit, kept before a byte is read: a body said to be larger is refused unread.
        let matched = req.extensions().get::<axum::extract::MatchedPath>().map(|p| p.as_str());
        let limit = req.extensions().get::<crate::http::route::BodyLimits>().map_or(crate::http::route::FORM_BODY, |l| l.of(req.method().as_str(), matched));
        let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > limit) {
            return fail(api, AppError::TooLarge);
        }
        let (parts, body) = req.into_parts();
        let (given, body) = match parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
            Some(h) => (Some(h.to_string()), body),
            None => match form_field(&parts.headers, &parts.extensions, body, CSRF_FIELD, limit).await {
                Ok(x) => x,
                Err(e) => return fail(api, e),
            },
        };
        match given {
            Some(g) if expected.iter().any(|e| constant_time_eq(e.as_bytes(), g.as_bytes())) => {}
            _ => return fail(api, AppError::Csrf),
        }
        req = Request::from_parts(parts, body);
    }
    if let Some(u) = user {
        req.extensions_mut().insert(u);
    }
    if let Some(f) = family {
        req.extensions_mut().insert(f);
    }
    let resp = next.run(req).await;
    match framework_refusal(&resp) {
        Some(e) => fail(api, e),
        None => resp,
    }
}

/// An extractor's own refusal (a path id that is no number, a form of the wrong type, a
/// method the route lacks) comes as English `text/plain` or an empty body; the product
/// answers it as every other error instead.
fn framework_refusal(resp: &Response) -> Option<AppError> {
    let status = resp.status();
    if !status.is_client_error() {
        return None;
    }
    let plain = resp.headers().get(header::CONTENT_TYPE).is_none_or(|v| v.to_str().is_ok_and(|v| v.starts_with("text/plain")));
    if !plain {
        return None;
    }
    Some(match status.as_u16() {
        404 | 405 => AppError::NotFound,
        413 => AppError::TooLarge,
        _ => AppError::Malformed(text::MALFORMED.into()),
    })
}

/// Reads a form's field (urlencoded or multipart) and hands back an identical body.
/// `extensions` are the request's: they carry the body limit (`DefaultBodyLimit`, set
/// outside this middleware), without which a multipart parse stops at axum's 2 MB default.
async fn form_field(headers: &HeaderMap, extensions: &axum::http::Extensions, body: Body, name: &str, limit: usize) -> Result<(Option<String>, Body), AppError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    if ct.starts_with("application/x-www-form-urlencoded") {
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| AppError::TooLarge)?;
        let value = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).ok().and_then(|pairs| pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v));
        return Ok((value, Body::from(bytes)));
    }
    if ct.starts_with("multipart/form-data") {
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| AppError::TooLarge)?;
        let mut req = Request::builder().header(header::CONTENT_TYPE, &ct).body(Body::from(bytes.clone())).map_err(|e| AppError::Internal(e.to_string()))?;
        *req.extensions_mut() = extensions.clone();
        let mut value = None;
        if let Ok(mut mp) = <axum::extract::Multipart as axum::extract::FromRequest<()>>::from_request(req, &()).await {
            while let Ok(Some(field)) = mp.next_field().await {
                if field.name() == Some(name) {
                    value = field.text().await.ok();
                    break;
                }
            }
        }
        return Ok((value, Body::from(bytes)));
    }
    Ok((None, body))
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The session stored under `token_hash` if it is still alive: not idle longer than `idle` nor
/// older than `max` (an expired one is dropped). Touched at most once a minute: a page view
/// should not always be a write. Staff's and the family's sessions alike.
pub(crate) async fn live_session(app: &App, token_hash: &str, idle: jiff::SignedDuration, max: jiff::SignedDuration) -> Result<Option<Session>, AppError> {
    let Some(session) = app.store.session(token_hash).await? else { return Ok(None) };
    let now = app.clock.now();
    let since = now.duration_since(session.last_seen);
    if since > idle || now.duration_since(session.created) > max {
        app.store.drop_session(token_hash).await?;
        return Ok(None);
    }
    if since > jiff::SignedDuration::from_secs(60) {
        app.store.touch_session(token_hash, now).await?;
    }
    Ok(Some(session))
}

async fn current_user(app: &App, headers: &HeaderMap) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = app_cookie(app, headers, SESSION_COOKIE) else { return Ok(None) };
    let token_hash = sha256_hex(&token);
    let Some(session) = live_session(app, &token_hash, app.config.session_idle, app.config.session_max).await? else { return Ok(None) };
    // A login deactivated since: its session ends here even before the store has dropped it.
    let Some(mut user) = app.store.user(session.person).await?.filter(|u| u.active) else { return Ok(None) };
    // Colleagues on leave whose course roles they act in today.
    user.deputy_for = tovholder_app::deputies::standing_in_for(app, &user).await?;
    Ok(Some(CurrentUser { user, csrf: session.csrf, token_hash }))
}

impl FromRequestParts<App> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _app: &App) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<CurrentUser>() {
            Some(u) => Ok(u.clone()),
            None if is_api(parts.uri.path()) => Err(ApiError(AppError::Unauthenticated).into_response()),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
}

pub enum LoginOutcome {
    LoggedIn {
        cookie: String,
    },
    /// The password was right; the second factor is asked next (`STEP_COOKIE`).
    SecondFactor {
        cookie: String,
    },
    Refused(&'static str),
}

/// The client's address: the peer, or behind a reverse proxy the address the proxy added last
/// to `X-Forwarded-For` (anything before it is the client's own claim).
pub fn client_address(app: &App, headers: &HeaderMap, peer: std::net::IpAddr) -> std::net::IpAddr {
    if !app.config.behind_proxy {
        return peer;
    }
    headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.rsplit(',').next()).and_then(|a| a.trim().parse().ok()).unwrap_or(peer)
}

/// Where an attempt comes from, for the throttle: the address, an IPv6 address by its /64 (one
/// household or office network holds a whole /64).
pub fn source_of(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The device id of `cookie` if it was signed for `login` (this browser logged in as them).
fn known_device(app: &App, cookie: Option<&str>, login: &str) -> Option<String> {
    let (id, mac) = cookie?.split_once('.')?;
    (id.len() == 32 && constant_time_eq(app.keys.device_mac(id, login).as_bytes(), mac.as_bytes())).then(|| id.to_string())
}

/// Checks the password and opens a new session (or the second factor's step). Failures are
/// counted per login name and source: the source is this browser if it has logged in as that
/// person before (`device`, the cookie), else the address. Failures from unknown browsers also
/// count per address (any login) and per login (any address). The second cookie, if any,
/// marks this browser as known for that login.
pub async fn login(app: &App, form: &LoginForm, from: std::net::IpAddr, device: Option<&str>) -> Result<(LoginOutcome, Option<String>), AppError> {
    // No login name or password is longer; a longer one is not hashed (argon2 takes its time).
    if form.username.len() > 256 || form.password.len() > tovholder_app::passwords::MAX_LENGTH {
        return Ok((LoginOutcome::Refused(text::BAD_LOGIN), None));
    }
    let username = form.username.trim().to_lowercase();
    let now = app.clock.now();
    let since = now - jiff::SignedDuration::from_mins(app.config.login_window_minutes);
    let known = known_device(app, device, &username);
    let source = match &known {
        Some(id) => format!("{username}|device:{id}"),
        None => format!("{username}|{}", source_of(from)),
    };
    // Counted before the password is checked, and the counts read after: of many guesses at
    // once only the first `login_max_failures` are checked, whatever their order.
    let mut attempts = vec![app.store.note_login(&source, false, now).await?];
    let mut throttled = false;
    if known.is_none() {
        let address = format!("address:{}", source_of(from));
        attempts.push(app.store.note_login(&username, false, now).await?);
        attempts.push(app.store.note_login(&address, false, now).await?);
        throttled = app.store.failed_logins_since(&username, since).await? > app.config.login_max_failures_per_login
            || app.store.failed_logins_since(&address, since).await? > app.config.login_max_failures_per_address;
    }
    if throttled || app.store.failed_logins_since(&source, since).await? > app.config.login_max_failures {
        return Err(AppError::Throttled);
    }
    let user = app.store.user_by_name(&username).await?;
    // A login without a password yet (its link not used) is checked against the dummy too.
    let hash = user.as_ref().map(|u| u.password_hash.as_str()).filter(|h| !h.is_empty()).unwrap_or(dummy_hash()).to_string();
    let password = form.password.clone();
    app.metrics.password_checked();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
    let user = match (ok, user) {
        (true, Some(u)) if !u.password_hash.is_empty() => u,
        _ => return Ok((LoginOutcome::Refused(text::BAD_LOGIN), None)),
    };
    for a in attempts {
        app.store.login_ok(a).await?;
    }
    if !user.active {
        return Ok((LoginOutcome::Refused(text::LOGIN_CLOSED), None));
    }
    if tovholder_app::login_links::signs_on_only(app, &user).await? {
        return Ok((LoginOutcome::Refused(text::SIGN_ON_ONLY), None));
    }
    let id = known.unwrap_or_else(|| random_token(16));
    let device = set_cookie(app, DEVICE_COOKIE, &format!("{id}.{}", app.keys.device_mac(&id, &username)), Some(DEVICE_MAX_AGE));
    Ok((after_first_factor(app, &user, false).await?, Some(device)))
}

/// The password (or an identity provider) has said who this is: a session, or first the second
/// factor if it is required and the provider did not prove one (`factor_done`).
pub async fn after_first_factor(app: &App, user: &User, factor_done: bool) -> Result<LoginOutcome, AppError> {
    if !factor_done && tovholder_app::second_factor::required(app, user) {
        let token = random_token(32);
        let now = app.clock.now();
        let step = LoginToken { token_hash: sha256_hex(&token), person: user.person, purpose: STEP_PURPOSE.into(), expires: now + STEP_VALID };
        app.store.put_login_token(&step, None, now).await?;
        return Ok(LoginOutcome::SecondFactor { cookie: set_cookie(app, STEP_COOKIE, &token, None) });
    }
    Ok(LoginOutcome::LoggedIn { cookie: open_session(app, user).await? })
}

/// A new session for `user`; its cookie.
pub async fn open_session(app: &App, user: &User) -> Result<String, AppError> {
    let token = random_token(32);
    if token.is_empty() {
        return Err(AppError::Internal("no randomness for a session token".into()));
    }
    let now = app.clock.now();
    let session = Session { token_hash: sha256_hex(&token), person: user.person, csrf: random_token(32), created: now, last_seen: now };
    app.store.put_session(&session).await?;
    Ok(set_cookie(app, SESSION_COOKIE, &token, None))
}

/// Whose login waits for its second factor in this browser (an open login), if anyone's.
pub async fn pending_login(app: &App, headers: &HeaderMap) -> Result<Option<User>, AppError> {
    let Some(token) = app_cookie(app, headers, STEP_COOKIE) else { return Ok(None) };
    let Some(person) = app.store.login_token(&sha256_hex(&token), STEP_PURPOSE, app.clock.now()).await? else { return Ok(None) };
    Ok(app.store.user(person).await?.filter(|u| u.active))
}

/// Ends the step between password and second factor and opens the session: the cookies to
/// set. None if the step was used or ran out meanwhile.
pub async fn finish_login(app: &App, headers: &HeaderMap, user: &User) -> Result<Option<[String; 2]>, AppError> {
    let Some(token) = app_cookie(app, headers, STEP_COOKIE) else { return Ok(None) };
    if app.store.take_login_token(&sha256_hex(&token), STEP_PURPOSE, app.clock.now()).await?.is_none() {
        return Ok(None);
    }
    Ok(Some([open_session(app, user).await?, set_cookie(app, STEP_COOKIE, "", Some(0))]))
}

pub async fn logout(app: &App, user: &CurrentUser) -> Result<String, AppError> {
    app.store.drop_session(&user.token_hash).await?;
    Ok(set_cookie(app, SESSION_COOKIE, "", Some(0)))
}

/// The login form's double-submit token: reuse the cookie's, or make one (and its cookie).
pub fn login_csrf(app: &App, headers: &HeaderMap) -> (String, Option<String>) {
    match app_cookie(app, headers, LOGIN_CSRF_COOKIE) {
        Some(t) if t.len() == 64 => (t, None),
        _ => {
            let t = random_token(32);
            let c = set_cookie(app, LOGIN_CSRF_COOKIE, &t, None);
            (t, Some(c))
        }
    }
}

impl axum::extract::OptionalFromRequestParts<App> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _app: &App) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
}
