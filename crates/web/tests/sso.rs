//! Single sign-on against a real OpenID Connect provider: panva's certified `oidc-provider`
//! (tests/oidc/provider.mjs), started once for this test binary on loopback. Each test server
//! registers its own client (dynamic registration) and a user logs in at the provider's own
//! login and consent pages: discovery, the provider's keys, the code exchange with PKCE and the
//! ID token's checks all really happen.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::BufRead;
use std::sync::OnceLock;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tovholder_app::admin::{self, NewStaff};
use tovholder_app::single_sign_on::Provider;
use tovholder_app::{AppConfig, text};
use tovholder_core::ids::OrgId;

const ORG: &str = "Nordby Kommune";

/// The provider's issuer URL; the provider runs until this test binary exits (it stops when
/// its standard input closes).
fn issuer() -> &'static str {
    static ISSUER: OnceLock<String> = OnceLock::new();
    ISSUER.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc");
        assert!(dir.join("node_modules/oidc-provider").exists(), "the test provider is not installed: run `npm ci` in tests/oidc (scripts/test does)");
        let mut child = std::process::Command::new("node")
            .arg("provider.mjs")
            .current_dir(&dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("node (Node.js >= 20)");
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        // Kept open (and the process running) for the life of the test binary.
        std::mem::forget(out);
        std::mem::forget(child);
        line.trim().to_string()
    })
}

/// A client of the provider for a test server at `base`, and the provider as configured.
async fn provider_for(base: &str, create_users: bool) -> Provider {
    let reg: Value = reqwest::Client::new()
        .post(format!("{}/reg", issuer()))
        .json(&json!({"redirect_uris": [format!("{base}/login/sso/callback")], "token_endpoint_auth_method": "client_secret_basic"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Provider {
        name: "Nordby IdP".into(),
        audience: "staff".into(),
        issuer: issuer().into(),
        client_id: reg["client_id"].as_str().unwrap().into(),
        client_secret: reg["client_secret"].as_str().unwrap().into(),
        user_claim: "email".into(),
        organisations: vec![ORG.into()],
        mfa_amr: vec![],
        mfa_acr: vec![],
        create_users: create_users.then(|| ORG.into()),
        cpr_claim: "cpr".into(),
    }
}

async fn instance(create_users: bool) -> TestApp {
    let t = TestApp::spawn_empty_configured(async move |base: String| AppConfig { oidc: vec![provider_for(&base, create_users).await], ..AppConfig::default() }).await;
    let staff = NewStaff {
        login: "anna.berg".into(),
        name: "Anna Berg".into(),
        email: "Anna@Nordby.example".into(),
        organisation: OrgId(0),
        department: None,
        roles: vec!["tovholder".into()],
        password: "annas lange adgangskode".into(),
        instance_admin: false,
    };
    admin::bootstrap(&t.app, ORG, "kommune", staff).await.unwrap();
    t
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
    Some(tag[at..].split('"').next()?.to_string())
}

/// At the provider's pages as `who` (any password), until it sends the browser back: that URL.
async fn at_provider(c: &reqwest::Client, mut url: String, who: &str) -> String {
    for _ in 0..20 {
        if url.contains("/login/sso/callback") {
            return url;
        }
        let r = c.get(&url).send().await.unwrap();
        if let Some(next) = r.headers().get("location") {
            let next = next.to_str().unwrap();
            url = if next.starts_with('/') { format!("{}{next}", issuer()) } else { next.to_string() };
            continue;
        }
        let html = r.text().await.unwrap();
        let form = html.split("<form").nth(1).unwrap_or_else(|| panic!("a form at {url}: {html}"));
        let action = attr(form.split('>').next().unwrap(), "action").unwrap();
        let mut fields: Vec<(String, String)> =
            form.split("<input").skip(1).filter(|i| i.contains("type=\"hidden\"")).filter_map(|i| Some((attr(i, "name")?, attr(i, "value").unwrap_or_default()))).collect();
        if form.contains("name=\"login\"") {
            fields.extend([("login".into(), who.into()), ("password".into(), "hos udbyderen".into())]);
        }
        let r = c.post(&action).form(&fields).send().await.unwrap();
        let next = r.headers().get("location").unwrap_or_else(|| panic!("the provider moves on from {action}")).to_str().unwrap();
        url = if next.starts_with('/') { format!("{}{next}", issuer()) } else { next.to_string() };
    }
    panic!("the provider never sent the browser back");
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// "Log ind med Nordby IdP" as `who`: the browser, and Tovholder's answer to the way back.
async fn sign_on(t: &TestApp, who: &str) -> (reqwest::Client, reqwest::Response) {
    let c = browser();
    let login = c.get(t.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(login.contains("Log ind med Nordby IdP") && login.contains("href=\"/login/sso/0\""));
    let r = c.get(t.url("/login/sso/0")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(issuer()) && to.contains("code_challenge_method=S256") && to.contains("nonce="), "{to}");
    let back = at_provider(&c, to, who).await;
    let r = c.get(&back).send().await.unwrap();
    (c, r)
}

#[tokio::test]
async fn staff_log_in_with_their_identity_provider() {
    let t = instance(false).await;
    let (c, r) = sign_on(&t, "anna").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/", "matched by e-mail, case ignored; no second factor asked of her");
    let me: Value = c.get(t.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["name"], "Anna Berg");
    let log = t.app.store.access_log(None, 50).await.unwrap();
    assert!(log.iter().any(|r| r.action == "admin:oidc_login" && r.allowed && r.reason.contains("Nordby IdP")));
}

#[tokio::test]
async fn a_changed_state_or_a_replayed_answer_is_refused() {
    let t = instance(false).await;
    let c = browser();
    let r = c.get(t.url("/login/sso/0")).send().await.unwrap();
    let back = at_provider(&c, r.headers()["location"].to_str().unwrap().to_string(), "anna").await;
    let forged = back.replace("state=", "state=x");
    let r = c.get(&forged).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains(text::SSO_STATE));
    // The flow's cookie is gone with the refusal: the true answer, sent after, is refused too.
    let r = c.get(&back).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "one answer per flow");
    // Another browser's answer (a code and state not from this browser's flow) is refused.
    let (victim, _) = (browser(), ());
    let r = victim.get(t.url("/login/sso/0")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let attacker = browser();
    let r = attacker.get(t.url("/login/sso/0")).send().await.unwrap();
    let attackers_answer = at_provider(&attacker, r.headers()["location"].to_str().unwrap().to_string(), "anna").await;
    let r = victim.get(&attackers_answer).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "login CSRF: the state is bound to the browser that started");
    assert_eq!(victim.get(t.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // A code from an earlier flow of the same browser, sent with the newer flow's state: the
    // state matches, but the code was issued for another PKCE challenge and nonce, and the
    // exchange is refused.
    let c = browser();
    let first = c.get(t.url("/login/sso/0")).send().await.unwrap().headers()["location"].to_str().unwrap().to_string();
    let second = c.get(t.url("/login/sso/0")).send().await.unwrap().headers()["location"].to_str().unwrap().to_string();
    let state_of = |url: &str| url.split("state=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let back = at_provider(&c, first.clone(), "anna").await;
    let mixed = back.replace(&format!("state={}", state_of(&first)), &format!("state={}", state_of(&second)));
    assert_ne!(mixed, back);
    let r = c.get(&mixed).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains(text::SSO_TOKEN));
    assert_eq!(c.get(t.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let log = t.app.store.access_log(None, 50).await.unwrap();
    assert!(log.iter().any(|r| r.action == "admin:oidc_login" && !r.allowed && r.reason.starts_with("state")));
    assert!(log.iter().any(|r| r.action == "admin:oidc_login" && !r.allowed && r.reason.starts_with("token")));
}

#[tokio::test]
async fn someone_unknown_is_refused_unless_the_provider_may_create_logins() {
    let t = instance(false).await;
    let (c, r) = sign_on(&t, "uma").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains(text::SSO_UNKNOWN));
    assert_eq!(c.get(t.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert!(t.app.store.user_by_email("uma@nordby.example").await.unwrap().is_none());
    // Allowed to create: Uma is made a login of the municipality, without a password or a mail.
    let t = instance(true).await;
    let mails = outbox(&t).await.len();
    let (c, r) = sign_on(&t, "uma").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let me: Value = c.get(t.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["name"], "Uma Ukendt");
    let uma = t.app.store.user_by_email("uma@nordby.example").await.unwrap().unwrap();
    assert_eq!((uma.org_name.as_str(), uma.password_hash.as_str()), (ORG, ""));
    assert_eq!(outbox(&t).await.len(), mails, "no set-password mail for a login made by single sign-on");
    assert_eq!(t.try_login(&uma.username, "").await.1.status(), StatusCode::UNAUTHORIZED, "no password works for her");
}

#[tokio::test]
async fn a_closed_login_is_refused_though_the_provider_says_yes() {
    let t = instance(false).await;
    let anna = t.app.store.user_by_name("anna.berg").await.unwrap().unwrap();
    t.app.store.update_user(anna.person, &tovholder_store::UserChange { active: false, org_roles: anna.org_roles.clone(), department: None }).await.unwrap();
    let (c, r) = sign_on(&t, "anna").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("Din adgang er lukket"));
    assert_eq!(c.get(t.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_administrator_signed_on_without_proof_of_a_second_factor_gives_the_code() {
    let t = instance(false).await;
    let anna = t.app.store.user_by_name("anna.berg").await.unwrap().unwrap();
    t.app.store.update_user(anna.person, &tovholder_store::UserChange { active: true, org_roles: vec!["administrator".into()], department: None }).await.unwrap();
    let (c, r) = sign_on(&t, "anna").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login/kode", "the provider's ID token has no amr naming a second factor");
    assert_eq!(c.get(t.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "no session before the code");
    let page = c.get(t.url("/login/kode")).send().await.unwrap().text().await.unwrap();
    assert!(text_of(&page, "totp-secret").is_some(), "she sets it up");
}

/// An organisation turns local passwords off: its staff log in only through the provider and
/// get no password links; an instance administrator keeps their password as the way in when the
/// provider is down; an organisation without a provider cannot turn them off.
#[tokio::test]
async fn local_passwords_off_leave_the_provider_and_the_break_glass_administrator() {
    let t = instance(false).await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    let orgs: Vec<Value> = root.get(t.url("/api/v1/admin/organisations")).send().await.unwrap().json().await.unwrap();
    let id_of = |name: &str| orgs.iter().find(|o| o["name"] == name).unwrap()["id"].as_i64().unwrap();
    let set = |org: i64, on: bool| {
        let (root, csrf, url) = (&root, &csrf, t.url(&format!("/api/v1/admin/organisations/{org}/login")));
        async move { root.put(url).header("x-csrf-token", csrf).json(&json!({"sign_on_only": on})).send().await.unwrap() }
    };
    let r = set(id_of("Prøvekommune"), true).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no provider serves Prøvekommune");
    assert!(r.text().await.unwrap().contains(text::SIGN_ON_FIRST));
    let nordby = id_of(ORG);
    // A break-glass administrator of the instance, in Nordby.
    let glass = NewStaff {
        login: "nød".into(),
        name: "Niels Nød".into(),
        email: "nod@nordby.example".into(),
        organisation: OrgId(nordby),
        department: None,
        roles: vec![],
        password: "nødadgangen virker altid".into(),
        instance_admin: true,
    };
    admin::create_user(&t.app, None, &glass).await.unwrap();
    let (anna_before, _) = t.login_as("anna.berg", "annas lange adgangskode").await;
    let r = set(nordby, true).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["sign_on_only"], true);
    assert_eq!(anna_before.get(t.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER, "the session her password opened ended");
    // Anna's right password is refused with the way to go; a wrong one says no more than usual.
    let (_, r) = t.try_login("anna.berg", "annas lange adgangskode").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains(text::SIGN_ON_ONLY));
    let (_, r) = t.try_login("anna.berg", "forkert men lang kode").await;
    assert!(r.text().await.unwrap().contains(text::BAD_LOGIN));
    // No password links: not asked for, not sent by an administrator, not for a new login.
    let mails = outbox(&t).await.len();
    let c = browser();
    let page = c.get(t.url("/adgangskode/glemt")).send().await.unwrap().text().await.unwrap();
    let r = c.post(t.url("/adgangskode/glemt")).form(&[("csrf", hidden_csrf(&page).as_str()), ("username", "anna.berg")]).send().await.unwrap();
    assert!(r.status().is_success() || r.status().is_redirection());
    let anna = t.app.store.user_by_name("anna.berg").await.unwrap().unwrap();
    let r = root.post(t.url(&format!("/api/v1/admin/users/{}/password-link", anna.person.0))).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let new = |password: &str| json!({"login": "bo.berg", "name": "Bo Berg", "email": "bo@nordby.example", "organisation": nordby, "roles": [], "password": password});
    let r = root.post(t.url("/api/v1/admin/users")).header("x-csrf-token", &csrf).json(&new("bos egen lange kode")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no password for a login that signs on");
    let r = root.post(t.url("/api/v1/admin/users")).header("x-csrf-token", &csrf).json(&new("")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(outbox(&t).await.len(), mails, "no mail with a link");
    // Anna signs on; the break-glass administrator still logs in with the password.
    let (_, r) = sign_on(&t, "anna").await;
    assert_eq!(r.headers()["location"], "/");
    t.login_as("nød", "nødadgangen virker altid").await;
    // On again: Anna's password works.
    assert_eq!(set(nordby, false).await.status(), StatusCode::OK);
    t.login_as("anna.berg", "annas lange adgangskode").await;
    let log = t.app.store.access_log(None, 100).await.unwrap();
    assert!(log.iter().any(|r| r.action == "admin:passwords_off" && r.allowed));
    assert!(log.iter().any(|r| r.action == "admin:passwords_on" && r.allowed));
}

/// MitID through a broker: a provider with `audience = "citizen"` on the family's login page; the
/// family member is found by the CPR number it vouches for (through the blind index) and lands on
/// their course; someone with a CPR number who is in no course is refused on the family's page.
#[tokio::test]
async fn a_family_member_logs_in_through_a_citizen_provider() {
    let t = TestApp::spawn_configured(async move |base: String| {
        let citizen = Provider { name: "MitID (test)".into(), audience: "citizen".into(), organisations: vec![], ..provider_for(&base, false).await };
        AppConfig { oidc: vec![citizen], ..AppConfig::default() }
    })
    .await;
    let staff_login = t.anonymous().get(t.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(!staff_login.contains("MitID (test)"), "not offered to staff");
    for (who, lands) in [("louise", "/familie"), ("ukendt", "")] {
        let c = browser();
        let page = c.get(t.url("/familie/login")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Log ind med MitID (test)") && page.contains("href=\"/login/sso/0\""), "{page}");
        let r = c.get(t.url("/login/sso/0")).send().await.unwrap();
        let back = at_provider(&c, r.headers()["location"].to_str().unwrap().to_string(), who).await;
        let r = c.get(&back).send().await.unwrap();
        if lands.is_empty() {
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            assert!(r.text().await.unwrap().contains(tovholder_app::text::SSO_NO_FAMILY));
            assert_eq!(c.get(t.url("/familie")).send().await.unwrap().headers()["location"], "/familie/login");
            continue;
        }
        assert_eq!(r.headers()["location"], lands);
        let bak = t.course("Sofie");
        assert_eq!(c.get(t.url("/familie")).send().await.unwrap().headers()["location"].to_str().unwrap(), format!("/familie/forloeb/{bak}"));
        let page = c.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Du er logget ind som Louise Bak"), "{page}");
        assert_eq!(c.get(t.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "no staff session");
    }
}
