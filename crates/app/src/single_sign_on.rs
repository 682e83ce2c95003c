//! Single sign-on: staff log in with their organisation's own identity provider (Entra ID,
//! ADFS, Keycloak, …) by OpenID Connect: the authorization code flow with PKCE, the state and
//! nonce checked, and the ID token's signature, issuer, audience and expiry verified against
//! the provider's published keys (the `openidconnect` crate). The user is found by a claim the
//! configuration names; someone unknown is refused unless the provider may create logins.
//!
//! Family members log in the same way through a provider with `audience = "citizen"` (MitID
//! through a broker): they are found by the CPR number the provider vouches for, through the
//! blind index, never by e-mail or name, and only if they are in a course.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse};
use serde::{Deserialize, Serialize};
use tovholder_store::{AccessRecord, Person, User};

use crate::error::AppError;
use crate::{App, admin, text};

/// One `[[oidc]]` provider of the configuration.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Shown on the login page: "Log ind med <name>".
    pub name: String,
    /// Who logs in with it: `"staff"`, or `"citizen"` (the family, e.g. MitID through a broker).
    #[serde(default = "staff")]
    pub audience: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The claim that names the user: `"email"` (matched to the login's e-mail address),
    /// `"preferred_username"` or `"sub"` (matched to the login name).
    #[serde(default = "email")]
    pub user_claim: String,
    /// The organisations (by name) whose staff may log in with it (a staff provider).
    #[serde(default)]
    pub organisations: Vec<String>,
    /// A citizen provider: the claim (in the ID token or the user info) with the CPR number.
    #[serde(default = "cpr")]
    pub cpr_claim: String,
    /// `amr` values that prove the provider asked for a second factor (then Tovholder does not).
    #[serde(default)]
    pub mfa_amr: Vec<String>,
    /// `acr` values that prove the same.
    #[serde(default)]
    pub mfa_acr: Vec<String>,
    /// Someone unknown is created as a login of this organisation (one of `organisations`);
    /// without it they are refused.
    #[serde(default)]
    pub create_users: Option<String>,
}

fn staff() -> String {
    "staff".into()
}
fn email() -> String {
    "email".into()
}
fn cpr() -> String {
    "cpr".into()
}

pub const STAFF: &str = "staff";
pub const CITIZEN: &str = "citizen";

/// `Debug` never shows the client secret.
impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider").field("name", &self.name).field("issuer", &self.issuer).field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

/// What the browser carries (sealed) while it is at the provider.
#[derive(Serialize, Deserialize)]
struct Pending {
    provider: usize,
    state: String,
    nonce: String,
    verifier: String,
    /// Unix seconds: a flow left for longer than `PENDING_VALID` is not finished.
    at: i64,
}

const PENDING_VALID: i64 = 10 * 60;

/// The page the provider sends the browser back to.
pub fn redirect_url(app: &App) -> String {
    format!("{}/login/sso/callback", app.config.base_url)
}

/// The staff providers, by their place in the configuration, for the login page.
pub fn staff_providers(app: &App) -> Vec<(usize, String)> {
    providers_for(app, STAFF)
}

/// The family's providers (MitID through a broker), for the family's login page.
pub fn family_providers(app: &App) -> Vec<(usize, String)> {
    providers_for(app, CITIZEN)
}

fn providers_for(app: &App, audience: &str) -> Vec<(usize, String)> {
    app.config.oidc.iter().enumerate().filter(|(_, p)| p.audience == audience).map(|(i, p)| (i, p.name.clone())).collect()
}

/// Whether a staff provider lets the staff of the organisation named `org` log in.
pub fn serves(app: &App, org: &str) -> bool {
    app.config.oidc.iter().any(|p| p.audience == STAFF && p.organisations.iter().any(|o| o == org))
}

/// An HTTP client for the provider (`http_client`: no redirects followed).
fn http_client() -> Result<Http, AppError> {
    Ok(Http(crate::http_client::client()?))
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// openidconnect's HTTP client, with a boxed `Send` future (a closure's borrowed future would
/// not be `Send` for every lifetime, which axum's handlers need).
struct Http(crate::http_client::Client);

impl<'c> openidconnect::AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<openidconnect::HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: openidconnect::HttpRequest) -> Self::Future {
        Box::pin(send(&self.0, request))
    }
}

/// One request, given 10 seconds in all.
async fn send(http: &crate::http_client::Client, request: openidconnect::HttpRequest) -> Result<openidconnect::HttpResponse, HttpError> {
    use http_body_util::BodyExt;
    let request = request.map(|body| http_body_util::Full::new(bytes::Bytes::from(body)));
    let exchange = async {
        let response = http.request(request).await.map_err(|e| HttpError(e.to_string()))?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| HttpError(e.to_string()))?.to_bytes().to_vec();
        Ok(openidconnect::http::Response::from_parts(parts, body))
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), exchange).await.map_err(|_| HttpError("no answer within 10 seconds".into()))?
}

type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// Discovery: the provider's endpoints and keys, read fresh at every login (keys rotate).
async fn client(app: &App, provider: &Provider, http: &Http) -> Result<Client, Refusal> {
    let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|_| Refusal::Provider)?;
    let metadata = CoreProviderMetadata::discover_async(issuer, http).await.map_err(|e| {
        tracing::warn!(provider = %provider.name, error = %e, "single sign-on: discovery failed");
        Refusal::Provider
    })?;
    let redirect = RedirectUrl::new(redirect_url(app)).map_err(|_| Refusal::Provider)?;
    Ok(CoreClient::from_provider_metadata(metadata, ClientId::new(provider.client_id.clone()), Some(ClientSecret::new(provider.client_secret.clone()))).set_redirect_uri(redirect))
}

/// Why a single sign-on did not log anyone in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The provider could not be reached or answered wrongly (logged).
    Provider,
    /// The browser came back with another state than it left with, or too late.
    State,
    /// The token exchange or the ID token's checks (signature, issuer, audience, nonce) failed.
    Token,
    /// Nobody of that name here, and the provider may not create logins.
    Unknown,
    Closed,
    /// The login's organisation does not use this provider.
    WrongOrganisation,
    /// A citizen provider vouched for someone who is not a family member of any course here.
    NoFamily,
}

impl Refusal {
    pub fn text(self) -> &'static str {
        match self {
            Refusal::Provider => text::SSO_PROVIDER,
            Refusal::State => text::SSO_STATE,
            Refusal::Token => text::SSO_TOKEN,
            Refusal::Unknown => text::SSO_UNKNOWN,
            Refusal::Closed => text::LOGIN_CLOSED,
            Refusal::WrongOrganisation => text::SSO_WRONG_ORGANISATION,
            Refusal::NoFamily => text::SSO_NO_FAMILY,
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Refusal::Provider => "provider",
            Refusal::State => "state",
            Refusal::Token => "token",
            Refusal::Unknown => "unknown_user",
            Refusal::Closed => "closed",
            Refusal::WrongOrganisation => "wrong_organisation",
            Refusal::NoFamily => "no_family",
        }
    }
}

/// Where to send the browser, and the sealed state it carries meanwhile (a cookie).
pub async fn start(app: &App, n: usize) -> Result<Result<(String, String), Refusal>, AppError> {
    let Some(provider) = app.config.oidc.get(n) else { return Err(AppError::NotFound) };
    let http = http_client()?;
    let client = match client(app, provider, &http).await {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = Pending { provider: n, state: state.secret().clone(), nonce: nonce.secret().clone(), verifier: verifier.secret().clone(), at: app.clock.now().as_second() };
    let bytes = serde_json::to_vec(&pending).map_err(|e| AppError::Internal(e.to_string()))?;
    let sealed = app.keys.seal_login_state(&bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Ok((url.to_string(), sealed)))
}

/// Whom the provider logged in: a staff member, and whether it proved a second factor, or a
/// family member.
pub enum SignedOn {
    Staff { user: User, second_factor_done: bool },
    Family(Person),
}

/// Whom the provider the browser left for serves (`STAFF` or `CITIZEN`), for the page to come
/// back to; staff's if the sealed state cannot be read.
pub fn audience_of(app: &App, sealed: Option<&str>) -> &'static str {
    let pending = sealed.and_then(|s| app.keys.open_login_state(s).ok()).and_then(|b| serde_json::from_slice::<Pending>(&b).ok());
    match pending.and_then(|p| app.config.oidc.get(p.provider)) {
        Some(p) if p.audience == CITIZEN => CITIZEN,
        _ => STAFF,
    }
}

/// The browser is back with `code` and `state`; `sealed` is what it left with.
pub async fn finish(app: &App, sealed: Option<&str>, code: &str, state: &str) -> Result<Result<SignedOn, Refusal>, AppError> {
    let pending = sealed
        .and_then(|s| app.keys.open_login_state(s).ok())
        .and_then(|b| serde_json::from_slice::<Pending>(&b).ok())
        .filter(|p| app.clock.now().as_second() - p.at <= PENDING_VALID && crate::passwords::same(p.state.as_bytes(), state.as_bytes()));
    let Some(pending) = pending else { return refuse(app, None, Refusal::State).await };
    let Some(provider) = app.config.oidc.get(pending.provider) else { return refuse(app, None, Refusal::State).await };
    let http = http_client()?;
    let client = match client(app, provider, &http).await {
        Ok(c) => c,
        Err(r) => return refuse(app, Some(provider), r).await,
    };
    let exchange = match client.exchange_code(AuthorizationCode::new(code.to_string())) {
        Ok(x) => x,
        Err(_) => return refuse(app, Some(provider), Refusal::Provider).await,
    };
    let tokens = match exchange.set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone())).request_async(&http).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(provider = %provider.name, error = %e, "single sign-on: the code exchange failed");
            return refuse(app, Some(provider), Refusal::Token).await;
        }
    };
    let Some(id_token) = tokens.id_token() else { return refuse(app, Some(provider), Refusal::Token).await };
    let claims = match id_token.claims(&client.id_token_verifier(), &Nonce::new(pending.nonce.clone())) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(provider = %provider.name, error = %e, "single sign-on: the ID token was refused");
            return refuse(app, Some(provider), Refusal::Token).await;
        }
    };
    let citizen = provider.audience == CITIZEN;
    let mut cpr = if citizen { id_token_claim(id_token, &provider.cpr_claim) } else { None };
    let mut email = claims.email().map(|e| e.as_str().to_lowercase());
    let mut username = claims.preferred_username().map(|u| u.as_str().to_lowercase());
    let mut name = claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_string());
    // Many providers put e-mail and name in the user info, not the ID token: asked there, for
    // the same subject (openidconnect checks it).
    if email.is_none() || name.is_none() || (username.is_none() && provider.user_claim == "preferred_username") || (citizen && cpr.is_none()) {
        let info = match client.user_info(tokens.access_token().clone(), Some(claims.subject().clone())) {
            Ok(request) => request.request_async(&http).await.ok(),
            Err(_) => None,
        };
        let info: Option<openidconnect::UserInfoClaims<OtherClaims, openidconnect::core::CoreGenderClaim>> = info;
        if let Some(info) = info {
            email = email.or_else(|| info.email().map(|e| e.as_str().to_lowercase()));
            username = username.or_else(|| info.preferred_username().map(|u| u.as_str().to_lowercase()));
            name = name.or_else(|| info.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_string()));
            cpr = cpr.or_else(|| info.additional_claims().text(&provider.cpr_claim));
        }
    }
    if citizen {
        return family_member(app, provider, cpr).await;
    }
    let named = match provider.user_claim.as_str() {
        "email" => email.clone(),
        "preferred_username" => username,
        _ => Some(claims.subject().as_str().to_lowercase()),
    };
    let Some(named) = named else { return refuse(app, Some(provider), Refusal::Unknown).await };
    let found = if provider.user_claim == "email" { app.store.user_by_email(&named).await? } else { app.store.user_by_name(&named).await? };
    let user = match found {
        Some(u) => u,
        None => match create(app, provider, &named, name, email).await? {
            Some(u) => u,
            None => return refuse(app, Some(provider), Refusal::Unknown).await,
        },
    };
    if !user.active {
        return refuse(app, Some(provider), Refusal::Closed).await;
    }
    if !provider.organisations.contains(&user.org_name) {
        return refuse(app, Some(provider), Refusal::WrongOrganisation).await;
    }
    let amr = claims.auth_method_refs().map(|v| v.iter().map(|a| a.as_str().to_string()).collect::<Vec<_>>()).unwrap_or_default();
    let acr = claims.auth_context_ref().map(|a| a.as_str().to_string());
    let second_factor_done = amr.iter().any(|a| provider.mfa_amr.contains(a)) || acr.is_some_and(|a| provider.mfa_acr.contains(&a));
    log(app, Some(user.person), provider, true, if second_factor_done { "mfa_by_provider" } else { "signed_on" }).await?;
    Ok(Ok(SignedOn::Staff { user, second_factor_done }))
}

/// Claims a provider adds beyond the standard ones (a broker's CPR number).
#[derive(Debug, Deserialize, Serialize)]
struct OtherClaims(std::collections::HashMap<String, serde_json::Value>);

impl openidconnect::AdditionalClaims for OtherClaims {}

impl OtherClaims {
    fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).and_then(|v| v.as_str()).map(str::to_string)
    }
}

/// A claim of the ID token as text. Read from the token itself, whose signature, issuer,
/// audience and nonce `claims()` has just verified: the typed claims keep only the standard ones.
fn id_token_claim(token: &openidconnect::core::CoreIdToken, name: &str) -> Option<String> {
    use base64::Engine;
    let jwt = serde_json::to_value(token).ok()?;
    let payload = jwt.as_str()?.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice::<OtherClaims>(&bytes).ok()?.text(name)
}

/// The family member the provider vouches for, by CPR number through the blind index; refused
/// unless they are a family member of a course here.
async fn family_member(app: &App, provider: &Provider, cpr: Option<String>) -> Result<Result<SignedOn, Refusal>, AppError> {
    let person = match cpr.as_deref().map(tovholder_core::cpr::Cpr::parse) {
        Some(Ok(cpr)) => app.store.person_by_cpr_index(&app.keys.cpr_index(&cpr)).await?,
        _ => None,
    };
    let Some(person) = person.filter(|p| p.org.is_none()) else { return refuse(app, Some(provider), Refusal::NoFamily).await };
    if crate::family::my_courses(app, person.id).await?.is_empty() {
        return refuse(app, Some(provider), Refusal::NoFamily).await;
    }
    log(app, Some(person.id), provider, true, "family").await?;
    Ok(Ok(SignedOn::Family(person)))
}

/// Creates someone the provider knows and this instance does not, if the provider may.
async fn create(app: &App, provider: &Provider, named: &str, name: Option<String>, email: Option<String>) -> Result<Option<User>, AppError> {
    let Some(org_name) = provider.create_users.as_ref().filter(|o| provider.organisations.contains(o)) else { return Ok(None) };
    let Some(org) = app.store.orgs().await?.iter().find(|o| o.name == *org_name).map(|o| o.id) else { return Ok(None) };
    let (Some(name), Some(email)) = (name, email) else { return Ok(None) };
    let staff = admin::NewStaff { login: named.to_string(), name, email, organisation: org, department: None, roles: vec![], password: String::new(), instance_admin: false };
    let person = admin::create_signed_on(app, &staff, &provider.name).await?;
    Ok(app.store.user(person).await?)
}

async fn log(app: &App, person: Option<tovholder_core::ids::PersonId>, provider: &Provider, allowed: bool, reason: &str) -> Result<(), AppError> {
    let rec = AccessRecord { at: app.clock.now(), person, course: None, action: "admin:oidc_login".into(), allowed, reason: format!("{reason} via {}", provider.name) };
    crate::course::log(app, rec).await
}

async fn refuse(app: &App, provider: Option<&Provider>, why: Refusal) -> Result<Result<SignedOn, Refusal>, AppError> {
    let rec = AccessRecord {
        at: app.clock.now(),
        person: None,
        course: None,
        action: "admin:oidc_login".into(),
        allowed: false,
        reason: format!("{}{}", why.reason(), provider.map(|p| format!(" via {}", p.name)).unwrap_or_default()),
    };
    crate::course::log(app, rec).await?;
    Ok(Err(why))
}

/// Turns local passwords off (`on`: staff log in only through single sign-on) or on again for an
/// organisation `user` administers. Off only when a staff identity provider serves it.
pub async fn set_sign_on_only(app: &App, user: &User, org: tovholder_core::ids::OrgId, on: bool) -> Result<tovholder_store::Org, AppError> {
    admin::require(app, user, org, "change_org").await?;
    let found = admin::organisation(app, user, org).await?;
    if on && !serves(app, &found.name) {
        return Err(AppError::invalid("sign_on_only", crate::text::SIGN_ON_FIRST));
    }
    app.store.set_sign_on_only(org, on).await?;
    admin::log(app, Some(user), if on { "passwords_off" } else { "passwords_on" }, true, "administrator").await?;
    admin::organisation(app, user, org).await
}
