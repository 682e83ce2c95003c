//! Passwords and the second factor, as users meet them: a new login's mailed link, "Glemt
//! adgangskode", changing one's own password, and TOTP with recovery codes for whoever the
//! configuration says (administrators by default).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tovholder_app::second_factor::Policy;
use tovholder_app::{AppConfig, text};

/// A staff login of the first organisation, made through the API by the administrator.
async fn add_staff(t: &TestApp, root: &reqwest::Client, csrf: &str, login: &str, password: Option<&str>) -> i64 {
    let org = t.app.store.orgs().await.unwrap()[0].id.0;
    let mut body = json!({"login": login, "name": "Bente Bruger", "email": format!("{login}@kommune.example"), "organisation": org, "roles": ["tovholder"]});
    if let Some(p) = password {
        body["password"] = json!(p);
    }
    let r = root.post(t.url("/api/v1/admin/users")).header("x-csrf-token", csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// The link in the newest mail to `to`, and the mail.
async fn link_to(t: &TestApp, to: &str) -> (String, tovholder_store::Mail) {
    let mail = outbox(t).await.into_iter().filter(|m| m.mail.to == to).max_by_key(|m| m.id).expect("a mail");
    let link = mail.mail.body.split_whitespace().find(|w| w.contains("/adgangskode/ny?t=")).expect("a link").to_string();
    (link, mail)
}

async fn anonymous() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Opens a mailed link and sends a new password twice; the answer.
async fn choose(link: &str, password: &str, repeat: &str) -> (StatusCode, String) {
    let c = anonymous().await;
    let page = c.get(link).send().await.unwrap();
    let status = page.status();
    let page = page.text().await.unwrap();
    if status != StatusCode::OK {
        return (status, page);
    }
    let token = link.split("t=").nth(1).unwrap();
    let base = link.split("/adgangskode").next().unwrap();
    let r = c.post(format!("{base}/adgangskode/ny")).form(&[("csrf", hidden_csrf(&page).as_str()), ("t", token), ("password", password), ("repeat", repeat)]).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_new_login_without_a_password_chooses_one_by_the_mailed_link() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    add_staff(&t, &root, &csrf, "bente", None).await;
    let (link, mail) = link_to(&t, "bente@kommune.example").await;
    assert_eq!(mail.mail.subject, text::WELCOME_SUBJECT);
    assert!(!mail.mail.body.contains("Bente") && !mail.mail.body.contains("bente@"), "no name in the mail: {}", mail.mail.body);
    assert!(link.starts_with(&t.base), "{link}");
    // No password works before she chooses one: not even an empty one.
    assert_eq!(t.try_login("bente", "").await.1.status(), StatusCode::UNAUTHORIZED);
    // Opening the link shows the login and uses nothing up; weak or mismatched passwords are refused.
    let (status, page) = choose(&link, "password1234", "password1234").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("mest brugte") && page.contains("bente"), "{page}");
    let (status, page) = choose(&link, "syv blå elefanter danser", "syv blå elefanter dansede").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(text::PASSWORDS_DIFFER));
    let (status, page) = choose(&link, "syv blå elefanter danser", "syv blå elefanter danser").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(text::PASSWORD_SET));
    // The link works once.
    let (status, page) = choose(&link, "en helt anden lang kode", "en helt anden lang kode").await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("Linket er brugt eller udløbet"));
    t.login_as("bente", "syv blå elefanter danser").await;
    let log = t.app.store.access_log(None, 100).await.unwrap();
    assert!(log.iter().any(|r| r.action == "admin:password_set_by_link"));
}

#[tokio::test]
async fn a_forgotten_password_link_tells_nothing_works_once_for_30_minutes_and_ends_sessions() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    add_staff(&t, &root, &csrf, "bente", Some("den første lange kode")).await;
    let (old_session, _) = t.login_as("bente", "den første lange kode").await;
    let ask = |login: &'static str| {
        let url = t.url("/adgangskode/glemt");
        async move {
            let c = anonymous().await;
            let page = c.get(&url).send().await.unwrap().text().await.unwrap();
            let r = c.post(&url).form(&[("csrf", hidden_csrf(&page).as_str()), ("username", login)]).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let before = outbox(&t).await.len();
    let (s1, known) = ask("bente").await;
    let (s2, unknown) = ask("findes.ikke").await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(known, unknown, "the answer does not tell whether the login exists");
    assert_eq!(outbox(&t).await.len(), before + 1, "one mail, to the login that exists");
    let (link, mail) = link_to(&t, "bente@kommune.example").await;
    assert_eq!(mail.mail.subject, text::RESET_SUBJECT);
    // After 31 minutes the link no longer works; a new one does, once.
    t.app.clock.advance(jiff::SignedDuration::from_mins(31));
    assert_eq!(choose(&link, "en ny og lang adgangskode", "en ny og lang adgangskode").await.0, StatusCode::GONE);
    // Asked for by the e-mail address this time, written as people write it.
    let before = outbox(&t).await.len();
    ask("Bente@Kommune.example").await;
    assert_eq!(outbox(&t).await.len(), before + 1, "found by e-mail too");
    let (link, _) = link_to(&t, "bente@kommune.example").await;
    assert_eq!(choose(&link, "en ny og lang adgangskode", "en ny og lang adgangskode").await.0, StatusCode::OK);
    assert_eq!(t.try_login("bente", "den første lange kode").await.1.status(), StatusCode::UNAUTHORIZED, "the old password is gone");
    assert_eq!(old_session.get(t.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER, "the old session ended");
    t.login_as("bente", "en ny og lang adgangskode").await;
    // Asking again and again sends at most a few mails.
    let before = outbox(&t).await.len();
    for _ in 0..6 {
        ask("bente").await;
    }
    assert!(outbox(&t).await.len() <= before + 3, "asks are throttled");
}

#[tokio::test]
async fn changing_ones_own_password_needs_the_current_one_and_logs_out_everywhere_else() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    add_staff(&t, &root, &csrf, "bente", Some("den første lange kode")).await;
    let (here, hcsrf) = t.login_as("bente", "den første lange kode").await;
    let (elsewhere, _) = t.login_as("bente", "den første lange kode").await;
    let page = here.get(t.url("/konto")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Min konto") && page.contains("Skift adgangskode"));
    let change = |current: &'static str, new: &'static str| {
        let (t, here, hcsrf) = (&t, &here, &hcsrf);
        async move { post_form(t, here, hcsrf, "/konto/adgangskode", &[("current", current), ("password", new), ("repeat", new)]).await }
    };
    let (status, page) = change("forkert", "en ny og lang adgangskode").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(text::WRONG_CURRENT_PASSWORD));
    let (status, page) = change("den første lange kode", "bentebruger123").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "her own login name");
    assert!(page.contains("Adgangskoden"), "{page}");
    let (status, location) = change("den første lange kode", "en ny og lang adgangskode").await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/konto?gemt=adgangskode"));
    let page = here.get(t.url("/konto?gemt=adgangskode")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(text::PASSWORD_CHANGED), "this browser stays logged in");
    assert_eq!(elsewhere.get(t.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER, "the other session ended");
    t.login_as("bente", "en ny og lang adgangskode").await;
}

#[tokio::test]
async fn an_administrator_sets_up_totp_and_codes_and_recovery_codes_work_once() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    // The password right, the session waits for the second factor.
    let (c, r) = t.try_login("root", ROOT_PASSWORD).await;
    assert_eq!(r.headers()["location"], "/login/kode");
    assert_eq!(c.get(t.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED, "no session yet");
    let page = c.get(t.url("/login/kode")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<svg") && page.contains("QR-kode"), "a QR code to scan");
    let secret = text_of(&page, "totp-secret").unwrap();
    let csrf = hidden_csrf(&page);
    let now = now_secs();
    let wrong = c.post(t.url("/login/kode")).form(&[("csrf", csrf.as_str()), ("secret", secret.as_str()), ("code", "000000")]).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains(&secret), "the same key is shown again");
    let code = totp_code(&secret, now);
    let r = c.post(t.url("/login/kode")).form(&[("csrf", csrf.as_str()), ("secret", secret.as_str()), ("code", code.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let recovery = recovery_codes_on(&r.text().await.unwrap());
    assert_eq!(recovery.len(), 10);
    assert_eq!(c.get(t.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::OK, "logged in");
    // The key is stored sealed, not as the app's text.
    let root = t.app.store.user_by_name("root").await.unwrap().unwrap();
    let sealed = root.totp_sealed.clone().unwrap();
    assert!(!sealed.contains(&secret));
    assert_eq!(totp_rs::Secret::from(t.app.keys.open_factor(&sealed).unwrap()).to_base32(), secret);
    // The recovery codes are stored keyed with the key file, not as a plain hash.
    let stored = t.bulk.recovery_code_hashes(root.person).await.unwrap();
    let plain: String = recovery[0].chars().filter(char::is_ascii_alphanumeric).collect();
    assert!(stored.contains(&t.app.keys.recovery_code_hash(&plain)));
    assert!(!stored.contains(&tovholder_app::login_links::token_hash(&plain)));
    // The same code again is refused (used); a recovery code works once.
    let step = |code: String| {
        let t = &t;
        async move {
            let (c, r) = t.try_login("root", ROOT_PASSWORD).await;
            assert_eq!(r.headers()["location"], "/login/kode");
            let page = c.get(t.url("/login/kode")).send().await.unwrap().text().await.unwrap();
            assert!(text_of(&page, "totp-secret").is_none(), "set up once");
            c.post(t.url("/login/kode")).form(&[("csrf", hidden_csrf(&page).as_str()), ("code", code.as_str())]).send().await.unwrap().status()
        }
    };
    assert_eq!(step(code.clone()).await, StatusCode::UNPROCESSABLE_ENTITY, "a code works once");
    assert_eq!(step(recovery[0].to_uppercase()).await, StatusCode::SEE_OTHER, "a recovery code, however typed");
    assert_eq!(step(recovery[0].clone()).await, StatusCode::UNPROCESSABLE_ENTITY, "once");
    assert_eq!(t.app.store.recovery_codes_left(root.person).await.unwrap(), 9);
    // Wrong codes are throttled.
    let mut statuses = vec![];
    for _ in 0..7 {
        statuses.push(step("123456".into()).await);
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let log = t.app.store.access_log(None, 100).await.unwrap();
    assert!(log.iter().any(|r| r.action == "admin:totp_enrolled") && log.iter().any(|r| r.action == "admin:recovery_code_used"));
}

#[tokio::test]
async fn who_must_use_a_second_factor_follows_the_configuration_and_an_administrator_can_reset_it() {
    // The default: administrators must; others need not, but may.
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    let bente = add_staff(&t, &root, &csrf, "bente", Some("den første lange kode")).await;
    let (_, r) = t.try_login("bente", "den første lange kode").await;
    assert_eq!(r.headers()["location"], "/", "no second factor asked of Bente");
    let (c, bcsrf) = t.login_as("bente", "den første lange kode").await;
    let page = c.get(t.url("/konto/totrin")).send().await.unwrap().text().await.unwrap();
    let secret = text_of(&page, "totp-secret").unwrap();
    let (status, page) = post_form(&t, &c, &bcsrf, "/konto/totrin", &[("secret", secret.as_str()), ("code", totp_code(&secret, now_secs()).as_str())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(recovery_codes_on(&page).len(), 10);
    let (_, r) = t.try_login("bente", "den første lange kode").await;
    assert_eq!(r.headers()["location"], "/login/kode", "set up, it is asked");
    // Her phone is lost: the administrator resets it, and she is not asked until she sets it up again.
    let users: Vec<Value> = root.get(t.url(&format!("/api/v1/admin/organisations/{}/users", t.app.store.orgs().await.unwrap()[0].id.0))).send().await.unwrap().json().await.unwrap();
    assert_eq!(users.iter().find(|u| u["login"] == "bente").unwrap()["second_factor"], true);
    let r = root.delete(t.url(&format!("/api/v1/admin/users/{bente}/second-factor"))).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, r) = t.try_login("bente", "den første lange kode").await;
    assert_eq!(r.headers()["location"], "/");
    // "all": everyone must set it up at their next login.
    let t = TestApp::spawn_with_empty(AppConfig { totp: Policy::All, ..AppConfig::default() }).await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    add_staff(&t, &root, &csrf, "bente", Some("den første lange kode")).await;
    let (c, r) = t.try_login("bente", "den første lange kode").await;
    assert_eq!(r.headers()["location"], "/login/kode");
    assert!(text_of(&c.get(t.url("/login/kode")).send().await.unwrap().text().await.unwrap(), "totp-secret").is_some());
    // "off": not even administrators are asked.
    let t = TestApp::spawn_with_empty(AppConfig { totp: Policy::Off, ..AppConfig::default() }).await;
    first_admin(&t).await;
    let (_, r) = t.try_login("root", ROOT_PASSWORD).await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn an_administrator_sends_a_password_link_from_the_organisation_page() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    let bente = add_staff(&t, &root, &csrf, "bente", Some("den første lange kode")).await;
    let org = t.app.store.orgs().await.unwrap()[0].id.0;
    let page = root.get(t.url(&format!("/admin/organisationer/{org}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/admin/brugere/{bente}/adgangskode")));
    let (status, location) = post_form(&t, &root, &csrf, &format!("/admin/brugere/{bente}/adgangskode"), &[]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/admin/organisationer/{org}?gemt=link")));
    let (link, mail) = link_to(&t, "bente@kommune.example").await;
    assert_eq!(mail.mail.subject, text::RESET_SUBJECT);
    assert_eq!(choose(&link, "en ny og lang adgangskode", "en ny og lang adgangskode").await.0, StatusCode::OK);
    t.login_as("bente", "en ny og lang adgangskode").await;
}

#[tokio::test]
async fn behind_https_cookies_carry_the_host_prefix_and_the_browser_is_told_to_keep_to_https() {
    let t = TestApp::spawn_with_empty(AppConfig { secure_cookies: true, totp: Policy::Off, ..AppConfig::default() }).await;
    first_admin(&t).await;
    // A client without a cookie store: Secure cookies would not go back over plain HTTP.
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = c.get(t.url("/login")).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set.starts_with("__Host-tovholder_login_csrf=") && set.contains("; Secure") && set.contains("SameSite=Strict") && set.contains("Path=/"), "{set}");
    let token = set.split(';').next().unwrap().split('=').nth(1).unwrap().to_string();
    let login = |cookie: String| {
        let (c, token) = (&c, &token);
        let url = t.url("/login");
        async move { c.post(url).header("cookie", cookie).form(&[("csrf", token.as_str()), ("username", "root"), ("password", ROOT_PASSWORD)]).send().await.unwrap() }
    };
    // The same cookie without its prefix (as a plain-HTTP page could set it) is not taken.
    assert_eq!(login(format!("tovholder_login_csrf={token}")).await.status(), StatusCode::FORBIDDEN);
    let r = login(format!("__Host-tovholder_login_csrf={token}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r.headers()["set-cookie"].to_str().unwrap();
    assert!(session.starts_with("__Host-tovholder_session=") && session.contains("; Secure") && session.contains("SameSite=Lax"), "{session}");
    let cookie = session.split(';').next().unwrap().to_string();
    assert_eq!(c.get(t.url("/api/v1/me")).header("cookie", cookie).send().await.unwrap().status(), StatusCode::OK);
}
