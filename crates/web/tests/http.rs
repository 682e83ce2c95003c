//! HTTP tests: sessions, login and CSRF; the route table, OpenAPI and every error as the product answers it; the page frame; the demo.
//! A real server on port 0 over a fresh store with the demo data (SQLite, or PostgreSQL with
//! TOVHOLDER_TEST_STORE=postgres), driven by real HTTP as the demo's users.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use tovholder_app::{AppConfig, demo};
use tovholder_web::routes::{self, Guard};

#[tokio::test]
async fn healthz_and_login_flow() {
    let t = TestApp::spawn().await;
    let c = t.anonymous();
    assert_eq!(c.get(t.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    // Not logged in: pages redirect to the login page, the API answers 401 as problem+json.
    let r = c.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");
    let r = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    let page = c.get(t.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<html lang=\"da\">"));
    let csrf = hidden_csrf(&page);
    let r = c.post(t.url("/login")).form(&[("csrf", csrf.as_str()), ("username", "tove"), ("password", "forkert")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("Forkert brugernavn eller adgangskode."));
    let r = c.post(t.url("/login")).form(&[("csrf", csrf.as_str()), ("username", "tove"), ("password", demo::PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let home = c.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Mine opgaver") && home.contains("Tove Lund"));
}

#[tokio::test]
async fn login_without_the_forms_token_is_refused() {
    let t = TestApp::spawn().await;
    let c = t.anonymous();
    let r = c.post(t.url("/login")).form(&[("username", "tove"), ("password", demo::PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Formularen er udløbet"));
}

#[tokio::test]
async fn a_new_session_each_login_and_logout_ends_it() {
    let t = TestApp::spawn().await;
    let (a, csrf) = t.login("tove").await;
    let (b, _) = t.login("tove").await;
    // Two logins, two sessions: logging one out leaves the other.
    let r = a.post(t.url("/logout")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(a.get(t.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(b.get(t.url("/")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn sessions_expire_when_idle() {
    let t = TestApp::spawn().await;
    let (c, _) = t.login("tove").await;
    assert_eq!(c.get(t.url("/")).send().await.unwrap().status(), StatusCode::OK);
    t.app.clock.advance_days(1);
    assert_eq!(c.get(t.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn logins_are_throttled_per_user_name() {
    let t = TestApp::spawn_with(AppConfig { login_max_failures: 3, ..AppConfig::default() }).await;
    let c = t.anonymous();
    let csrf = hidden_csrf(&c.get(t.url("/login")).send().await.unwrap().text().await.unwrap());
    for _ in 0..3 {
        let r = c.post(t.url("/login")).form(&[("csrf", csrf.as_str()), ("username", "tove"), ("password", "x")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right password is refused for a while, with a Danish message.
    let r = c.post(t.url("/login")).form(&[("csrf", csrf.as_str()), ("username", "tove"), ("password", demo::PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("For mange forkerte login-forsøg"));
    // Another user from the same address is not affected.
    let r = c.post(t.url("/login")).form(&[("csrf", csrf.as_str()), ("username", "lars"), ("password", demo::PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

/// One password tried against many user names from one address is slowed down too.
#[tokio::test]
async fn logins_are_throttled_per_address() {
    let t = TestApp::spawn_with(AppConfig { login_max_failures_per_address: 4, ..AppConfig::default() }).await;
    let c = t.anonymous();
    let csrf = hidden_csrf(&c.get(t.url("/login")).send().await.unwrap().text().await.unwrap());
    for user in ["tove", "lars", "nina", "karim"] {
        let r = c.post(t.url("/login")).form(&[("csrf", csrf.as_str()), ("username", user), ("password", "Sommer2026")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = c.post(t.url("/login")).form(&[("csrf", csrf.as_str()), ("username", "sara"), ("password", demo::PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn state_changing_requests_need_the_csrf_token() {
    let t = TestApp::spawn().await;
    let (c, csrf) = t.login("tove").await;
    let r = c.post(t.url("/logout")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c.post(t.url("/logout")).form(&[("csrf", "0".repeat(64).as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c.post(t.url("/logout")).header("x-csrf-token", csrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// Walks the route table: every course route answers an outsider "not found" and logs the
/// denial; every user route wants a login; every write wants the CSRF token.
#[tokio::test]
async fn every_route_in_the_table_goes_through_the_policy() {
    let t = TestApp::spawn().await;
    let course = t.course("William"); // Egeskov; lars is Lindeby's tovholder
    let (lars, _) = t.login("lars").await;
    let anon = t.anonymous();
    let routes = routes::table();
    assert!(routes.iter().any(|r| matches!(r.def.guard, Guard::Course(_))), "the table has course routes");
    for route in &routes {
        let d = &route.def;
        let path = d
            .path
            .replace("{id}", &course.to_string())
            .replace("{*path}", "app.css")
            .replace("{task}", "kontakt_efter_opfoelgning")
            .replace("{change}", "1")
            .replace("{doc}", "1")
            .replace("{meeting}", "1")
            .replace("{agreement}", "1")
            .replace("{consent}", "1")
            .replace("{thread}", "1")
            .replace("{message}", "1")
            .replace("{person}", "1");
        let method = reqwest::Method::from_bytes(d.method.as_bytes()).unwrap();
        match d.guard {
            Guard::Course(_) => {
                let before = t.denials(course).await.len();
                let r = lars.request(method.clone(), t.url(&path)).header("x-csrf-token", csrf_of(&t, &lars).await).send().await.unwrap();
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{} {} let an outsider through", d.method, d.path);
                assert_eq!(t.denials(course).await.len(), before + 1, "{} {} did not log the denial", d.method, d.path);
            }
            Guard::User => {
                let r = anon.request(method.clone(), t.url(&path)).send().await.unwrap();
                assert!(matches!(r.status(), StatusCode::SEE_OTHER | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN), "{} {} answered {} without a login", d.method, d.path, r.status());
            }
            // A staff login is no family login: both are sent to the family's login.
            Guard::Family => {
                for who in [&anon, &lars] {
                    let r = who.request(method.clone(), t.url(&path)).header("x-csrf-token", csrf_of(&t, &lars).await).send().await.unwrap();
                    let to_login = r.status() == StatusCode::SEE_OTHER && r.headers()["location"] == "/familie/login";
                    assert!(to_login || r.status() == StatusCode::FORBIDDEN, "{} {} answered {} without a family login", d.method, d.path, r.status());
                }
            }
            Guard::Public => {}
        }
        if d.method != "GET" && d.path != "/login" {
            let r = lars.request(method, t.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{} {} accepted a write without the CSRF token", d.method, d.path);
        }
    }
}

#[tokio::test]
async fn openapi_describes_every_api_route() {
    let t = TestApp::spawn().await;
    let doc: Value = t.anonymous().get(t.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for route in routes::table() {
        if route.def.path.starts_with("/api/v1/") {
            assert!(doc["paths"][route.def.path][route.def.method.to_lowercase()].is_object(), "{} {}", route.def.method, route.def.path);
        }
    }
    let r = t.anonymous().get(t.url("/api/v1/nope")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn demo_journals_verify() {
    let t = TestApp::spawn().await;
    for id in t.app.store.course_ids().await.unwrap() {
        assert_eq!(tovholder_store::verify_course(t.app.store.as_ref(), &t.app.keys, id).await.unwrap(), None);
    }
}

/// What the framework refuses (a path id that is no number or too large, a query that does
/// not parse, a method the route lacks, a body of the wrong type) is answered as the product
/// answers: a Danish page with the frame and the way back, or problem+json.
#[tokio::test]
async fn every_error_answers_as_the_product_does() {
    let t = TestApp::spawn().await;
    let (tove, tcsrf) = t.login("tove").await;
    let noah = t.course("Noah").0;
    for (path, status, back) in [
        (format!("/forloeb/{noah}/moeder/x"), StatusCode::NOT_FOUND, format!("/forloeb/{noah}")),
        (format!("/forloeb/{noah}/dokumenter/99999999999"), StatusCode::NOT_FOUND, format!("/forloeb/{noah}")),
        ("/forloeb/x".to_string(), StatusCode::NOT_FOUND, "/forloeb".to_string()),
        ("/forloeb?foer=abc".to_string(), StatusCode::BAD_REQUEST, "/forloeb".to_string()),
    ] {
        let r = tove.get(t.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        let page = r.text().await.unwrap();
        assert!(page.contains("<html lang=\"da\">") && page.contains("Log af") && page.contains("Tove Lund"), "{path}: the frame");
        assert!(page.contains(&format!("href=\"{back}\" class=\"back-link\"")), "{path}: the way back");
    }
    let r = tove.delete(t.url(&format!("/forloeb/{noah}"))).header("x-csrf-token", &tcsrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("Log af"));
    for path in [format!("/api/v1/courses/{noah}/documents/99999999999"), format!("/api/v1/courses/{noah}/meetings/x"), "/api/v1/courses/x".to_string()] {
        let r = tove.get(t.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
    }
    let r = tove.post(t.url(&format!("/api/v1/courses/{noah}/dates"))).header("x-csrf-token", &tcsrf).header("content-type", "text/plain").body("dates").send().await.unwrap();
    assert!(r.status().is_client_error());
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

/// The menu marks the section a page is in ("Forløb" on a course page, "Delt med mig" for a
/// course seen by consent), with `aria-current` only on the menu item's own page.
#[tokio::test]
async fn the_menu_marks_the_section_of_a_course_page() {
    let t = TestApp::spawn().await;
    let (tove, _) = t.login("tove").await;
    let page = tove.get(t.url(&format!("/forloeb/{}", t.course("Noah").0))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<li class=\"active current\"><a href=\"/forloeb\" class=\"nav-link\">"), "Forløb is the section");
    assert!(!page.contains("class=\"nav-link\" aria-current=\"page\""), "a course page is no menu item's own page");
    assert!(page.contains("<a class=\"breadcrumbs__link\" href=\"/forloeb\">Forløb</a>"), "the breadcrumbs start at the section");
    assert!(!page.contains("<li class=\"active current\"><a href=\"/\""), "not Mine opgaver");
    let list = tove.get(t.url("/forloeb")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("<a href=\"/forloeb\" class=\"nav-link\" aria-current=\"page\">"));
    let (pia, _) = t.login("pia").await;
    let page = pia.get(t.url(&format!("/forloeb/{}", t.course("Noah").0))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<li class=\"active current\"><a href=\"/delt\" class=\"nav-link\">"), "a course seen by consent is under Delt med mig");
}

/// The demo writes no real domain into made-up people's addresses, and the logins that read
/// only by consent each see a course that way.
#[tokio::test]
async fn the_demo_shows_what_it_promises() {
    let t = TestApp::spawn().await;
    for p in t.bulk.all_persons().await.unwrap() {
        if let Some(email) = &p.email {
            let domain = email.rsplit('@').next().unwrap();
            assert!(domain.ends_with(".example") || domain == "example.com" || domain == "example.org", "{email} is not a reserved example domain");
        }
    }
    for user in ["rikke", "ole", "pia"] {
        let (c, _) = t.login(user).await;
        let shared = c.get(t.url("/delt")).send().await.unwrap().text().await.unwrap();
        assert!(shared.contains(&format!("/forloeb/{}", t.course("Noah").0)), "{user} sees Noah's course by consent");
        assert_eq!(c.get(t.url(&format!("/forloeb/{}", t.course("Noah").0))).send().await.unwrap().status(), StatusCode::OK, "{user}");
    }
}

/// One flat list of commands: the meeting-actions route still takes only the commands on
/// meetings, the network, agreements, goals and the plan.
#[tokio::test]
async fn the_meeting_actions_route_takes_only_meeting_commands() {
    let t = TestApp::spawn().await;
    let id = t.course("Sofie");
    let (c, csrf) = t.login("hanne").await;
    let before = t.app.store.course(id).await.unwrap().unwrap().version;
    let r = c
        .post(t.url(&format!("/api/v1/courses/{id}/meeting-actions")))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"action": "set_dates", "dates": {"udsluset": "2027-06-01"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert!(r.text().await.unwrap().contains("set_dates"));
    assert_eq!(t.app.store.course(id).await.unwrap().unwrap().version, before, "nothing changed");
}

/// The route table is the only place a course route's action is named: the extractor asks the
/// policy for the row's action, as the access log shows.
#[tokio::test]
async fn a_course_route_asks_the_policy_for_its_rows_action() {
    let t = TestApp::spawn().await;
    let id = t.course("William");
    let (tove, tcsrf) = t.login("tove").await;
    // The tovholder reads the course, but may not set the home's dates.
    assert_eq!(tove.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().status(), StatusCode::OK);
    let (status, _) = post_form(&t, &tove, &tcsrf, &format!("/forloeb/{id}/datoer"), &[("date.infodag", "2026-12-10")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let log = t.app.store.access_log(Some(id), 100).await.unwrap();
    let tove_id = demo::person(&t.seeded, "tove");
    let actions: Vec<(&str, bool)> = log.iter().filter(|r| r.person == tove_id).map(|r| (r.action.as_str(), r.allowed)).collect();
    assert!(actions.contains(&("read:GET /forloeb/{id}", true)), "{actions:?}");
    assert!(actions.contains(&("set_dates:POST /forloeb/{id}/datoer", false)), "{actions:?}");
    for row in routes::table().iter().filter(|r| matches!(r.def.guard, Guard::Course(_))) {
        assert!(row.def.path.contains("{id}"), "{} names a course action but no course", row.def.path);
    }
}

/// A body larger than its route takes is refused before it is read: a login form that says it
/// is 10 MB gets 413 while only its headers have been sent; an upload route still takes 10 MB
/// (`documents` tests it). A login name or password over 256 bytes is not even hashed.
#[tokio::test]
async fn a_body_larger_than_its_route_takes_is_refused_unread() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let t = TestApp::spawn().await;
    let addr = t.base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!("POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\ncsrf=x&username=tove", 10 * 1024 * 1024);
    s.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut answer)).await.expect("an answer before the body").unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // JSON to an ordinary route, over its limit: refused too, as a problem document.
    let (c, csrf) = t.login("tove").await;
    let id = t.course("William");
    let big = "x".repeat(1024 * 1024 + 1);
    let r = c.post(t.url(&format!("/api/v1/courses/{id}/fields"))).header("x-csrf-token", &csrf).json(&serde_json::json!({"field": "f", "value": big})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let long = "a".repeat(300);
    let (_, r) = t.try_login(&long, "demo1234").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (_, r) = t.try_login("tove", &long).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

/// The password verifications so far, as the operator's scraper reads them on `/metrics`.
async fn password_checks(t: &TestApp) -> u64 {
    let text = t.anonymous().get(t.url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.unwrap().text().await.unwrap();
    let line = text.lines().find(|l| l.starts_with("tovholder_password_checks_total ")).unwrap_or_else(|| panic!("{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

const METRICS_TOKEN: &str = "skraberens hemmelige token";

/// Fifty wrong passwords at once are counted before any is checked: at most five (the limit)
/// are checked at all (the count on `/metrics`), and the right password is then throttled too.
#[tokio::test]
async fn parallel_guesses_get_the_throttles_tries_and_no_more() {
    let token = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(METRICS_TOKEN.as_bytes()));
    let t = TestApp::spawn_with(AppConfig { metrics_token_sha256: Some(token), ..AppConfig::default() }).await;
    // Without the token, or with another, nothing is told.
    let r = t.anonymous().get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{}", r.text().await.unwrap());
    assert_eq!(t.anonymous().get(t.url("/metrics")).bearer_auth("gæt").send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let before = password_checks(&t).await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..50 {
        let base = t.base.clone();
        guesses.spawn(async move { try_login_at(&base, "tove", &format!("gæt nummer {i}")).await.1.status() });
    }
    let answers = guesses.join_all().await;
    let checked = password_checks(&t).await - before;
    assert!(checked <= t.app.config.login_max_failures as u64, "{checked} passwords checked");
    assert!(answers.iter().all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS), "{answers:?}");
    assert!(answers.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count() >= 45);
    let (_, r) = t.try_login("tove", "demo1234").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "the right password waits too");
}

/// Strangers' wrong passwords cannot lock a person out: failures count per login name and
/// source (an address, an IPv6 address by its /64), and a browser that has logged in as the
/// person before counts apart, so a colleague behind the same address is not held back.
#[tokio::test]
async fn strangers_cannot_lock_a_person_out() {
    let t = TestApp::spawn_with(AppConfig { login_max_failures: 3, behind_proxy: true, ..AppConfig::default() }).await;
    let try_from = |c: reqwest::Client, from: &'static str, password: &'static str| {
        let url = t.url("/login");
        async move {
            let csrf = hidden_csrf(&c.get(&url).send().await.unwrap().text().await.unwrap());
            c.post(&url).header("x-forwarded-for", from).form(&[("csrf", csrf.as_str()), ("username", "tove"), ("password", password)]).send().await.unwrap().status()
        }
    };
    let browser = || reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // Tove's own browser at the office (10.0.0.5) has logged in before.
    let toves = browser();
    assert_eq!(try_from(toves.clone(), "10.0.0.5", demo::PASSWORD).await, StatusCode::SEE_OTHER);
    let csrf = csrf_of(&t, &toves).await;
    assert_eq!(toves.post(t.url("/logout")).form(&[("csrf", csrf.as_str())]).send().await.unwrap().status(), StatusCode::OK, "logged out; the browser stays known");
    // A stranger elsewhere guesses until held back there.
    for _ in 0..3 {
        assert_eq!(try_from(browser(), "203.0.113.9", "gæt").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(try_from(browser(), "203.0.113.9", demo::PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    // A new browser at the office is not held back by that.
    assert_eq!(try_from(browser(), "10.0.0.5", demo::PASSWORD).await, StatusCode::SEE_OTHER);
    // Someone behind the office's address guesses too: new browsers there are held back, Tove's is not.
    for _ in 0..3 {
        try_from(browser(), "10.0.0.5", "gæt").await;
    }
    assert_eq!(try_from(browser(), "10.0.0.5", demo::PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(try_from(toves.clone(), "10.0.0.5", demo::PASSWORD).await, StatusCode::SEE_OTHER, "her own browser gets in");
    // A forged device cookie counts as an unknown browser.
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = plain.get(t.url("/login")).send().await.unwrap();
    let csrf_cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let csrf = hidden_csrf(&r.text().await.unwrap());
    let forged = format!("{csrf_cookie}; tovholder_device={}.{}", "a".repeat(32), "b".repeat(64));
    let r = plain
        .post(t.url("/login"))
        .header("x-forwarded-for", "10.0.0.5")
        .header("cookie", forged)
        .form(&[("csrf", csrf.as_str()), ("username", "tove"), ("password", demo::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // IPv6: one /64 is one source.
    for _ in 0..3 {
        try_from(browser(), "2001:db8:1:2::1", "gæt").await;
    }
    assert_eq!(try_from(browser(), "2001:db8:1:2::ffff", demo::PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "the same /64");
    assert_eq!(try_from(browser(), "2001:db8:1:3::1", demo::PASSWORD).await, StatusCode::SEE_OTHER, "another /64");
}

/// Reads at the same moment (a clock standing still: the same microsecond, as two reads on a
/// busy server can be) are each their own record, never taken for one list view; the access
/// log's chain holds them all.
#[tokio::test]
async fn reads_in_the_same_microsecond_are_each_their_own_record() {
    let t = TestApp::spawn_fixed(jiff::Timestamp::from_second(1_796_000_000).unwrap()).await;
    let (tove, _) = t.login("tove").await;
    let id = t.course("William");
    let page = t.url(&format!("/forloeb/{id}"));
    assert_eq!(tove.get(&page).send().await.unwrap().status(), StatusCode::OK);
    let action = t.app.store.access_log(Some(id), 1).await.unwrap()[0].action.clone();
    let count = async || t.app.store.access_log(Some(id), 100_000).await.unwrap().iter().filter(|r| r.action == action).count();
    let (before, chain_before) = (count().await, t.app.store.check_access_chain().await.unwrap());
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (c, url) = (tove.clone(), page.clone());
        reads.spawn(async move { c.get(url).send().await.unwrap().status() });
    }
    assert!(reads.join_all().await.iter().all(|s| *s == StatusCode::OK));
    assert_eq!(count().await, before + 20, "each read its own record");
    let chain = t.app.store.check_access_chain().await.unwrap();
    assert_eq!(chain.broken, None);
    assert_eq!(chain.views, chain_before.views, "no read was taken for a list view");
    assert!(chain.rows >= chain_before.rows + 20);
}

/// Every member of a demo family, and everyone in a demo network who is not staff, is on the
/// list of names scripts/check-logs searches the test logs for: a new demo family cannot slip
/// past the check.
#[tokio::test]
async fn the_log_check_watches_every_demo_family_name() {
    let t = TestApp::spawn().await;
    let watched = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/logs/watched-names.txt")).unwrap();
    let watched: Vec<&str> = watched.lines().filter(|l| !l.starts_with('#')).map(str::trim).collect();
    let models = tovholder_app::Models::builtin().unwrap();
    let mut missing = std::collections::BTreeSet::new();
    for id in t.app.store.course_ids().await.unwrap() {
        let course = t.app.store.course(id).await.unwrap().unwrap();
        let model = models.of(&course.state).unwrap();
        let family: Vec<_> = course.state.members.iter().filter(|m| model.role(&m.role).is_some_and(|r| r.scope == tovholder_core::model::Scope::Citizen)).map(|m| m.person).collect();
        let mut names: Vec<String> = t.app.store.persons(&family).await.unwrap().into_iter().map(|p| p.name).collect();
        names.extend(course.state.network.iter().filter(|e| e.person.is_none()).map(|e| e.name.clone()));
        missing.extend(names.into_iter().filter(|n| !watched.contains(&n.as_str())));
    }
    assert!(missing.is_empty(), "add to tests/logs/watched-names.txt:\n{}", missing.into_iter().collect::<Vec<_>>().join("\n"));
}

/// The operator's figures: requests by their route's pattern (never a path with an id), the
/// access log's batches and the outbox, answered only to the addresses allowed; `/readyz`
/// answers while the store does.
#[tokio::test]
async fn metrics_count_requests_by_route_for_allowed_addresses_only() {
    let t = TestApp::spawn_with(AppConfig { metrics_allow: vec!["127.0.0.0/8".parse().unwrap()], ..AppConfig::default() }).await;
    let (tove, _) = t.login("tove").await;
    let id = t.course("William");
    for _ in 0..3 {
        assert_eq!(tove.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().status(), StatusCode::OK);
    }
    // A method nobody uses adds no figure of its own.
    t.anonymous().request(reqwest::Method::from_bytes(b"FOOBAR").unwrap(), t.url("/healthz")).send().await.unwrap();
    let r = t.anonymous().get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(!text.contains("FOOBAR") && text.contains("method=\"other\",route=\"/healthz\""), "{text}");
    let value = |start: &str| text.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("{start} in\n{text}")).rsplit(' ').next().unwrap().parse::<f64>().unwrap();
    assert_eq!(value("tovholder_http_request_duration_seconds_count{method=\"GET\",route=\"/forloeb/{id}\",status=\"200\"}"), 3.0);
    assert!(!text.contains(&format!("/forloeb/{id}\"")), "no path with an id in the figures");
    assert!(value("tovholder_access_log_batch_requests_count") >= 3.0);
    assert!(value("tovholder_outbox_due") >= 0.0 && value("tovholder_db_pool_connections{pool=") >= 0.0);
    assert_eq!(t.anonymous().get(t.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
    // Allowed elsewhere only, or not configured: there is no /metrics here.
    for allow in [vec!["10.0.0.0/8".parse().unwrap()], vec![]] {
        let other = TestApp::spawn_with(AppConfig { metrics_allow: allow, ..AppConfig::default() }).await;
        assert_eq!(other.anonymous().get(other.url("/metrics")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    }
}

/// The OpenAPI document names the status each API route answers on success: a route whose
/// summary promises 201 or 204 is documented so (not as 200), and the import takes CSV.
#[test]
fn the_api_document_names_each_routes_success() {
    let doc = tovholder_web::http::openapi::document(&routes::table());
    for route in routes::table().iter().filter(|r| r.def.path.starts_with("/api/v1/")) {
        let op = &doc["paths"][route.def.path][route.def.method.to_lowercase()];
        let documented: Vec<&str> = op["responses"].as_object().unwrap().keys().map(String::as_str).filter(|k| k.starts_with('2')).collect();
        for code in ["201", "204"] {
            if route.def.summary.contains(&format!("svarer {code}")) {
                assert!(documented.contains(&code), "{} {}: {documented:?}", route.def.method, route.def.path);
            }
        }
        assert!(!documented.is_empty(), "{} {}", route.def.method, route.def.path);
    }
    assert!(doc["paths"]["/api/v1/admin/import"]["post"]["requestBody"]["content"]["text/csv"].is_object());
}

/// Every body of the API has a schema generated from its Rust type: no operation's request
/// or answer is described as `{}` (anything), and every reference names a schema the
/// document holds.
#[test]
fn every_api_body_has_a_schema() {
    let doc = tovholder_web::http::openapi::document(&routes::table());
    let mut operations = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            operations += 1;
            let mut bodies: Vec<(String, &serde_json::Value)> = op["responses"].as_object().unwrap().iter().filter(|(code, _)| *code != "204").map(|(code, r)| (code.clone(), r)).collect();
            if method != "get" && op.get("requestBody").is_some() {
                bodies.push(("request".into(), &op["requestBody"]));
            }
            for (what, body) in bodies {
                let body = if let Some(r) = body["$ref"].as_str() { &doc["components"]["responses"][r.rsplit('/').next().unwrap()] } else { body };
                let content = body["content"].as_object().unwrap_or_else(|| panic!("{method} {path} {what}: no content"));
                for (media, schema) in content {
                    let schema = &schema["schema"];
                    assert!(schema.as_object().is_some_and(|s| !s.is_empty()), "{method} {path} {what} {media}: the schema is {{}}");
                }
            }
        }
    }
    assert!(operations >= 50, "{operations}");
    let text = doc.to_string();
    for r in text.split("\"$ref\":\"").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
        let pointer = r.strip_prefix('#').unwrap();
        assert!(doc.pointer(pointer).is_some(), "{r} names nothing");
    }
    // A command's body is its own fields: the name and what the path gives are not asked for.
    let minutes = &doc["paths"]["/api/v1/courses/{id}/meetings/{meeting}/minutes"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(minutes["required"], serde_json::json!(["minutes"]), "{minutes}");
}

/// The accessibility statement the law requires is public, in Danish, names WCAG 2.1 AA, what
/// is known not to meet it and where to report a problem (the configured contact, else the
/// organisation that gave access), and every page's footer links to it.
#[tokio::test]
async fn the_accessibility_statement_is_public_and_linked_from_every_page() {
    let t = TestApp::spawn_with(AppConfig { accessibility_contact: Some("tilgaengelighed@egeskov.example".into()), ..AppConfig::default() }).await;
    let r = t.anonymous().get(t.url("/tilgaengelighed")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    for part in ["lang=\"da\"", "WCAG 2.1 på niveau AA", "delvist", "mailto:tilgaengelighed@egeskov.example", "was.digst.dk", "<main"] {
        assert!(page.contains(part), "{part}");
    }
    let login = t.anonymous().get(t.url("/login")).send().await.unwrap().text().await.unwrap();
    let (c, _) = t.login("tove").await;
    let home = c.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(login.contains("href=\"/tilgaengelighed\"") && home.contains("href=\"/tilgaengelighed\""));
    let plain = TestApp::spawn().await;
    let page = plain.anonymous().get(plain.url("/tilgaengelighed")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("den organisation, der har givet dig adgang") && !page.contains("mailto:"), "{page}");
}
