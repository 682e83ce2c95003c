//! HTTP integration tests: a real server on port 0 over a fresh SQLite store with the demo
//! data, driven by real HTTP as the demo users of different organisations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{TestApp, hidden_csrf};
use reqwest::StatusCode;
use serde_json::Value;
use tovholder_app::AppConfig;
use tovholder_app::demo;
use tovholder_core::ids::CourseId;
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

#[tokio::test]
async fn mine_opgaver_lists_the_users_tasks_soonest_first() {
    let t = TestApp::spawn().await;
    let (c, _) = t.login("tove").await;
    let tasks: Vec<Value> = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    let william = t.course("William").0;
    let overdue = tasks.iter().find(|x| x["course"] == william && x["task"] == "udpeg_kontaktperson").expect("the tovholder's overdue appointment");
    assert_eq!(overdue["status"], "overdue");
    assert_eq!(overdue["course_title"], "William Larsen");
    let dates: Vec<&str> = tasks.iter().map(|x| x["due_to"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    // The parents of Oliver said no: nothing of his course reaches the municipality.
    let oliver = t.course("Oliver").0;
    assert!(tasks.iter().all(|x| x["course"] != oliver));
    // A kontaktperson sees the follow-up contact task of their own child, both ways of completing it.
    let (k, _) = t.login("karim").await;
    let tasks: Vec<Value> = k.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.iter().any(|x| x["course"] == t.course("Lucas").0 && x["task"] == "kontakt_efter_opfoelgning" && x["status"] == "open"), "{tasks:?}");
    // The home sees Oliver's follow-up task, overdue.
    let (m, _) = t.login("mette").await;
    let page = m.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Oliver Nielsen") && page.contains("data-task=\"opfoelg_nej\" data-status=\"overdue\""));
}

#[tokio::test]
async fn course_page_shows_timeline_tasks_members_and_journal_with_cpr_masked() {
    let t = TestApp::spawn().await;
    let (c, _) = t.login("tove").await;
    let id = t.course("William");
    let r = c.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    for needle in ["id=\"timeline\"", "Opfølgningsdag", "id=\"course-tasks\"", "William Larsen", "110813-XXXX", "Jonas Holm", "Kontaktpædagog", "id=\"journal-list\"", "Forløbet blev oprettet"] {
        assert!(page.contains(needle), "missing {needle}");
    }
    assert!(!page.contains("110813-5351") && !page.contains("1108135351"), "the full CPR number must never reach a page");
    let json: Value = c.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(json["title"], "William Larsen");
    assert!(!json.to_string().contains("5351"));
    let journal: Vec<Value> = c.get(t.url(&format!("/api/v1/courses/{id}/journal"))).send().await.unwrap().json().await.unwrap();
    assert!(journal.len() >= 4);
    // Reads are in the access log.
    let log = t.app.store.access_log(Some(id), 100).await.unwrap();
    assert!(log.iter().any(|r| r.allowed && r.action.starts_with("read:GET /forloeb/{id}") && r.person == demo::person(&t.seeded, "tove")));
}

#[tokio::test]
async fn other_organisations_get_not_found_and_the_attempt_is_logged() {
    let t = TestApp::spawn().await;
    let william = t.course("William"); // Egeskov
    let ida = t.course("Ida"); // Lindeby
    let oliver = t.course("Oliver"); // Egeskov, parents said no
    let (nina, _) = t.login("nina").await; // kontaktperson in Lindeby
    let (tove, _) = t.login("tove").await; // tovholder in Egeskov
    for (client, course, who) in [(&nina, william, "nina"), (&tove, ida, "tove"), (&tove, oliver, "tove")] {
        for path in [format!("/forloeb/{course}"), format!("/api/v1/courses/{course}"), format!("/api/v1/courses/{course}/journal")] {
            let r = client.get(t.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} {path}");
        }
        let denied = t.denials(course).await;
        assert_eq!(denied.iter().filter(|d| d.person == demo::person(&t.seeded, who)).count(), 3, "{who}: {denied:?}");
    }
    let oliver_denials = t.denials(oliver).await;
    assert!(oliver_denials.iter().all(|d| d.reason == "not_shared:municipality:samarbejde"), "{oliver_denials:?}");
    // A course that does not exist looks the same as one you may not see.
    let r = tove.get(t.url("/forloeb/999999")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let page = r.text().await.unwrap();
    assert!(page.contains("Siden findes ikke") && page.contains("Tove Lund"), "the error page keeps the user's frame");
    let r = tove.get(t.url("/forloeb/abc")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
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
            .replace("{agreement}", "1");
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
            Guard::Public => {}
        }
        if d.method != "GET" && d.path != "/login" {
            let r = lars.request(method, t.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{} {} accepted a write without the CSRF token", d.method, d.path);
        }
    }
}

/// The text of a PDF, by Debian's pdftotext (poppler-utils; scripts/test installs it).
fn pdftotext(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child =
        std::process::Command::new("pdftotext").args(["-", "-"]).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().expect("pdftotext (apt-get install poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

async fn csrf_of(t: &TestApp, c: &reqwest::Client) -> String {
    let me: Value = c.get(t.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    me["csrf"].as_str().unwrap().to_string()
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

/// Posts a form with the session's CSRF token; returns status and body.
async fn post_form(t: &TestApp, c: &reqwest::Client, csrf: &str, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let mut all = vec![("csrf", csrf)];
    all.extend_from_slice(fields);
    let r = c.post(t.url(path)).form(&all).send().await.unwrap();
    let status = r.status();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    let body = r.text().await.unwrap();
    (status, location.unwrap_or(body))
}

fn org(t: &TestApp, name: &str) -> String {
    t.seeded.orgs[name].to_string()
}

async fn outbox(t: &TestApp) -> Vec<tovholder_store::Mail> {
    t.app.store.outbox(1000).await.unwrap()
}

/// Steps 1–3 and 6 through the HTML forms, as the home and the municipality would do them.
#[tokio::test]
async fn the_first_course_through_the_forms() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf) = t.login("mette").await;
    let egeskov = org(&t, "Egeskov Kommune");
    // 1. Registration, first with mistakes: nothing is saved and the typed values are kept.
    let bad = [
        ("member.barn.0.name", "Sofie Holm"),
        ("member.barn.0.cpr", "310215-4321"),
        ("member.foraelder.0.name", "Lise Holm"),
        ("member.foraelder.0.email", "lise"),
        ("party.municipality", egeskov.as_str()),
        ("date.ansoegning", "2026-11-20"),
    ];
    let courses_before = t.app.store.course_ids().await.unwrap().len();
    let (status, page) = post_form(&t, &mette, &mcsrf, "/forloeb", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("CPR-nummeret indeholder ikke en gyldig fødselsdato."), "31 Feb is no date");
    assert!(page.contains("Skriv en gyldig e-mailadresse"));
    assert!(page.contains("Svar på: Ønsker forældrene samarbejde med kommunen?"));
    assert!(page.contains("value=\"Sofie Holm\""), "typed values are kept");
    assert_eq!(t.app.store.course_ids().await.unwrap().len(), courses_before, "nothing saved");

    let good = [
        ("member.barn.0.name", "Sofie Holm"),
        ("member.barn.0.cpr", "150315-4321"),
        ("member.foraelder.0.name", "Lise Holm"),
        ("member.foraelder.0.email", "lise.holm@familie.example"),
        ("party.municipality", egeskov.as_str()),
        ("decision.samarbejde", "ja"),
        ("date.ansoegning", "2026-11-20"),
    ];
    let (status, location) = post_form(&t, &mette, &mcsrf, "/forloeb", &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let id: i64 = location.trim_start_matches("/forloeb/").split('?').next().unwrap().parse().unwrap();
    let page = mette.get(t.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Ansøgningen er registreret") && page.contains("150315-XXXX") && !page.contains("150315-4321"));

    // 2. Approval: the tilsagn date; the parents get a mail with no personal data.
    let (status, _) = post_form(&t, &mette, &mcsrf, &format!("/forloeb/{id}/datoer"), &[("date.tilsagn", "2026-11-23")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mails = outbox(&t).await;
    let tilsagn = mails.iter().find(|m| m.mail.to == "lise.holm@familie.example").expect("tilsagn to the parent");
    assert_eq!(tilsagn.mail.subject, "Tilsagn om ophold på Julemærkehjemmet");
    for text in [&tilsagn.mail.subject, &tilsagn.mail.body] {
        assert!(!text.contains("Sofie") && !text.contains("Holm") && !text.contains("150315"), "{text}");
    }

    // Calling in: an opfølgningsdag outside its window is refused with the window and a proposal.
    let call_in = |opf: &'static str| {
        vec![
            ("date.indkaldelse", "2026-11-23"),
            ("date.forbesoeg", "2026-12-03"),
            ("date.infodag", "2026-12-10"),
            ("date.ophold_start", "2027-02-22"),
            ("date.ophold_slut", "2027-04-16"),
            ("date.foraeldredag", "2027-03-20"),
            ("date.slutsamtale", "2027-04-15"),
            ("date.opfoelgningsdag", opf),
        ]
    };
    let (status, page) = post_form(&t, &mette, &mcsrf, &format!("/forloeb/{id}/datoer"), &call_in("2027-06-04")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Opfølgningsdag skal ligge mellem 14. maj 2027 og 28. maj 2027"), "the window, in Danish");
    assert!(page.contains("Forslag: fredag 14. maj 2027"));
    assert!(page.contains("value=\"2027-06-04\""), "the refused value stays in the field");
    let c = t.app.store.course(CourseId(id)).await.unwrap().unwrap();
    assert!(!c.state.dates.contains_key("ophold_start"), "a refused form changes nothing");
    let (status, _) = post_form(&t, &mette, &mcsrf, &format!("/forloeb/{id}/datoer"), &call_in("2027-05-14")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let jonas = demo::person(&t.seeded, "jonas").unwrap().to_string();
    let (status, _) = post_form(&t, &mette, &mcsrf, &format!("/forloeb/{id}/udpegning"), &[("role.kontaktpaedagog", jonas.as_str())]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(outbox(&t).await.iter().any(|m| m.mail.to == "tove@egeskov.example" && m.mail.subject == "Nyt forløb fra Julemærkehjemmet" && m.mail.body.contains(&format!("/forloeb/{id}"))));

    // 3. The tovholder sees it on Mine opgaver, and appoints a kontaktperson with the activities.
    let (tove, tcsrf) = t.login("tove").await;
    let tasks: Vec<Value> = tove.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.iter().any(|x| x["course"] == id && x["task"] == "udpeg_kontaktperson"));
    let page = tove.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"form-udpegning\"") && !page.contains("id=\"form-datoer\""), "the municipality appoints but does not set the home's dates");
    let sara = demo::person(&t.seeded, "sara").unwrap().to_string();
    let karim = demo::person(&t.seeded, "karim").unwrap().to_string();
    let mette_id = demo::person(&t.seeded, "mette").unwrap().to_string();
    let (status, page) = post_form(&t, &tove, &tcsrf, &format!("/forloeb/{id}/udpegning"), &[("role.kontaktperson", mette_id.as_str())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "only staff of the municipality");
    assert!(page.contains("Kontaktperson skal komme fra hjemkommune."), "{page}");
    let (status, _) = post_form(&t, &tove, &tcsrf, &format!("/forloeb/{id}/udpegning"), &[("role.kontaktperson", sara.as_str()), ("field.aktiviteter", "Familiekursus og støtte i skolen.")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let tasks: Vec<Value> = tove.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(!tasks.iter().any(|x| x["course"] == id && x["task"] == "udpeg_kontaktperson"), "done by the appointment and the activities");
    assert!(outbox(&t).await.iter().any(|m| m.mail.to == "sara@egeskov.example" && m.mail.subject == "Du er udpeget som kontaktperson"));
    // A kontaktperson may not appoint; another one's form is refused as not found.
    let (k, kcsrf) = t.login("karim").await;
    let (status, _) = post_form(&t, &k, &kcsrf, &format!("/forloeb/{id}/udpegning"), &[("role.kontaktperson", karim.as_str())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // 6. The contact after the follow-up day: on both lists, completed by either, overdue if missed.
    let (s, scsrf) = t.login("sara").await;
    let tasks: Vec<Value> = s.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.iter().any(|x| x["course"] == id && x["task"] == "kontakt_efter_opfoelgning" && x["due_to"] == "2027-05-21"));
    let (j, _) = t.login("jonas").await;
    let tasks: Vec<Value> = j.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.iter().any(|x| x["course"] == id && x["task"] == "kontakt_efter_opfoelgning"));
    t.app.clock.advance_days(190); // past 21 May 2027
    let (s, scsrf) = {
        let _ = scsrf;
        t.login("sara").await
    };
    let tasks: Vec<Value> = s.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    let contact = tasks.iter().find(|x| x["course"] == id && x["task"] == "kontakt_efter_opfoelgning").unwrap();
    assert_eq!(contact["status"], "overdue");
    // Seen before the change: the page's journal is kept for this version, and must not be shown again after it.
    let before = s.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(before.contains("id=\"journal-list\"") && !before.contains("blev afsluttet: Ikke nødvendigt"));
    let (status, _) = post_form(&t, &s, &scsrf, &format!("/forloeb/{id}/opgaver/kontakt_efter_opfoelgning"), &[("outcome", "ikke_noedvendigt")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (j, _) = t.login("jonas").await;
    let tasks: Vec<Value> = j.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(!tasks.iter().any(|x| x["course"] == id && x["task"] == "kontakt_efter_opfoelgning"), "done for both");
    let page = j.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Udfald: Ikke nødvendigt"));
    assert!(page.contains("blev afsluttet: Ikke nødvendigt"), "the journal says who closed it");
    assert_eq!(tovholder_store::verify_course(t.app.store.as_ref(), &t.app.keys, CourseId(id)).await.unwrap(), None);
}

/// The parents say no: the municipality sees nothing, the home gets a task; a later yes opens
/// sharing from then on, and the tovholder is told.
#[tokio::test]
async fn a_parents_no_and_a_later_yes_through_the_api() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf) = t.login("mette").await;
    let body = serde_json::json!({
        "model": "julemaerkehjem",
        "parties": {"municipality": t.seeded.orgs["Egeskov Kommune"]},
        "family": [
            {"role": "barn", "name": "Malte Krogh", "cpr": "010216-4321"},
            {"role": "foraelder", "name": "Eva Krogh", "email": "eva@familie.example"}
        ],
        "dates": {"ansoegning": "2026-11-23"},
        "decisions": {"samarbejde": "nej"}
    });
    let r = mette.post(t.url("/api/v1/courses")).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (tove, tcsrf) = t.login("tove").await;
    assert_eq!(tove.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = tove.post(t.url(&format!("/api/v1/courses/{id}/appointments"))).header("x-csrf-token", &tcsrf).json(&serde_json::json!({"role": "kontaktperson", "person": 4})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let tasks: Vec<Value> = mette.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.iter().any(|x| x["course"] == id && x["task"] == "opfoelg_nej"));
    // Bad input is a structured error and changes nothing.
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/tasks/opfoelg_nej"))).header("x-csrf-token", &mcsrf).json(&serde_json::json!({"outcome": "maaske"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "outcome");
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/tasks/opfoelg_nej"))).header("x-csrf-token", &mcsrf).body("{not json").header("content-type", "application/json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = mette
        .post(t.url(&format!("/api/v1/courses/{id}/tasks/opfoelg_nej")))
        .header("x-csrf-token", &mcsrf)
        .json(&serde_json::json!({"outcome": "ja", "note": "Talt med mor i telefonen"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = tove.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(view["title"], "Malte Krogh");
    assert!(outbox(&t).await.iter().any(|m| m.mail.to == "tove@egeskov.example" && m.mail.subject.contains("delt med jeres kommune")));
    // The access log shows the denials before and the reads after.
    let log = t.app.store.access_log(Some(CourseId(id)), 100).await.unwrap();
    let tove_id = demo::person(&t.seeded, "tove");
    assert!(log.iter().any(|r| r.person == tove_id && !r.allowed));
    assert!(log.iter().any(|r| r.person == tove_id && r.allowed));
}

/// Step 4: a postponement moves nothing until the family, the home and the municipality have
/// each agreed; then the dates and the deadlines computed from them move.
#[tokio::test]
async fn a_postponement_needs_all_three_parties() {
    let t = TestApp::spawn().await;
    let id = t.course("Ida"); // Lindeby; kontaktperson nina, tovholder lars
    let before = t.app.store.course(id).await.unwrap().unwrap().state.dates.clone();
    let start = before["ophold_start"];
    let shift = |d: jiff::civil::Date| d.checked_add(jiff::ToSpan::weeks(8)).unwrap().to_string();
    let new_opf = tovholder_core::calendar::working_day_on_or_after(before["ophold_slut"].checked_add(jiff::ToSpan::weeks(13)).unwrap()).unwrap().to_string();
    let (nina, ncsrf) = t.login("nina").await;
    let path = format!("/forloeb/{id}/aendringer");
    let (status, page) = post_form(
        &t,
        &nina,
        &ncsrf,
        &path,
        &[
            ("kind", "udsaettelse"),
            ("change.date.ophold_start", &shift(start)),
            ("change.date.ophold_slut", &shift(before["ophold_slut"])),
            ("change.date.opfoelgningsdag", &before["opfoelgningsdag"].to_string()),
            ("reason", "Barnet afslutter et behandlingsforløb"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the old follow-up day no longer fits the new stay");
    assert!(page.contains("Opfølgningsdag skal ligge mellem"));
    let fields = [
        ("kind", "udsaettelse"),
        ("change.date.ophold_start", &shift(start)),
        ("change.date.ophold_slut", &shift(before["ophold_slut"])),
        ("change.date.opfoelgningsdag", &new_opf),
        ("change.date.foraeldredag", &shift(before["foraeldredag"])),
        ("change.date.slutsamtale", &shift(before["slutsamtale"])),
        ("reason", "Barnet afslutter et behandlingsforløb"),
    ];
    let (status, _) = post_form(&t, &nina, &ncsrf, &path, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let dates = |t: &TestApp| {
        let t = t.app.clone();
        async move { t.store.course(id).await.unwrap().unwrap().state.dates.clone() }
    };
    assert_eq!(dates(&t).await, before, "nothing moves on a proposal");
    let (mette, mcsrf) = t.login("mette").await;
    let answer = format!("/forloeb/{id}/aendringer/1/svar");
    let (status, _) = post_form(&t, &mette, &mcsrf, &answer, &[("party", "hjem"), ("agreed", "ja")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(dates(&t).await, before, "the family has not agreed yet");
    let (status, page) = post_form(&t, &mette, &mcsrf, &answer, &[("party", "familie"), ("agreed", "ja")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Skriv hvordan og hvornår familien svarede."));
    // Another municipality cannot even see the change.
    let (tove, tcsrf) = t.login("tove").await;
    let (status, _) = post_form(&t, &tove, &tcsrf, &answer, &[("party", "familie"), ("agreed", "ja"), ("note", "x")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post_form(&t, &mette, &mcsrf, &answer, &[("party", "familie"), ("agreed", "ja"), ("note", "Mor sagde ja i telefonen i dag")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let after = dates(&t).await;
    assert_eq!(after["ophold_start"].to_string(), shift(start));
    assert_eq!(after["opfoelgningsdag"].to_string(), new_opf);
    let tasks: Vec<Value> = nina.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    let contact = tasks.iter().find(|x| x["course"] == id.0 && x["task"] == "kontakt_efter_opfoelgning").unwrap();
    let due = jiff::civil::Date::strptime("%Y-%m-%d", &new_opf).unwrap().checked_add(jiff::ToSpan::weeks(1)).unwrap();
    assert_eq!(contact["due_to"], due.to_string(), "the deadline moved with the date");
    let page = nina.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Udsættelse af opholdet nr. 1: Gennemført") && page.contains("Mor sagde ja i telefonen i dag"));
    assert_eq!(tovholder_store::verify_course(t.app.store.as_ref(), &t.app.keys, id).await.unwrap(), None);
}

/// Step 2's letter and step 5's documents: each reaches exactly its recipients; sending,
/// forwarding and first readings are in the journal; others get "not found".
#[tokio::test]
async fn documents_reach_exactly_their_recipients() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf, id) = fresh_course(&t).await;
    let api = |p: &str| t.url(&format!("/api/v1/courses/{id}{p}"));
    let dates = serde_json::json!({"dates": {"tilsagn": "2026-11-10", "indkaldelse": "2026-11-23", "forbesoeg": "2026-12-03", "infodag": "2026-12-10", "ophold_start": "2027-02-22", "ophold_slut": "2027-04-16", "foraeldredag": "2027-03-20", "slutsamtale": "2027-04-15", "opfoelgningsdag": "2027-05-14"}});
    assert_eq!(mette.post(api("/dates")).header("x-csrf-token", &mcsrf).json(&dates).send().await.unwrap().status(), StatusCode::OK);
    let jonas = demo::person(&t.seeded, "jonas").unwrap();
    let r = mette.post(api("/appointments")).header("x-csrf-token", &mcsrf).json(&serde_json::json!({"role": "kontaktpaedagog", "person": jonas})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The letter to the tovholder was written and sent with the appointment.
    let (tove, tcsrf) = t.login("tove").await;
    let view: Value = tove.get(api("")).send().await.unwrap().json().await.unwrap();
    let letter = view["documents"].as_array().unwrap().iter().find(|d| d["kind_da"] == "Brev til kommunens tovholder").expect("the letter");
    let doc = letter["doc"].as_i64().unwrap();
    let text: Value = tove.get(api(&format!("/documents/{doc}"))).send().await.unwrap().json().await.unwrap();
    let text = text["text"].as_str().unwrap();
    for needle in ["Asta Vinter er indkaldt", "Jonas Holm", "Forbesøg: 3. dec. 2026", "Opfølgningsdag: 14. maj 2027"] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    assert!(!text.contains("050515"), "no CPR number in the letter");
    // The application as registered and the parents' call-in letter came with it.
    let kinds: Vec<&str> = view["documents"].as_array().unwrap().iter().map(|d| d["kind_da"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"Ansøgning") && kinds.contains(&"Indkaldelse til forældrene"), "{kinds:?}");
    let application = view["documents"].as_array().unwrap().iter().find(|d| d["kind_da"] == "Ansøgning").unwrap()["doc"].as_i64().unwrap();
    let text: Value = tove.get(api(&format!("/documents/{application}"))).send().await.unwrap().json().await.unwrap();
    assert!(text["text"].as_str().unwrap().contains("Forældre: Ib Vinter") && text["text"].as_str().unwrap().contains("Ja, forældrene ønsker samarbejdet"));
    let mails = outbox(&t).await;
    assert!(mails.iter().any(|m| m.mail.to == "tove@egeskov.example" && m.mail.subject == "Nyt dokument i Tovholder" && !m.mail.body.contains("Asta")));
    // A colleague in the same municipality who did not receive it sees nothing of it.
    let (karim, _) = t.login("karim").await;
    assert_eq!(karim.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "not even the course: karim has no role in it");
    let sara = demo::person(&t.seeded, "sara").unwrap();
    let r = tove.post(api("/appointments")).header("x-csrf-token", &tcsrf).json(&serde_json::json!({"role": "kontaktperson", "person": sara})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, _) = t.login("sara").await;
    assert_eq!(s.get(api(&format!("/documents/{doc}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "the kontaktperson sees the course, not the letter");
    let view: Value = s.get(api("")).send().await.unwrap().json().await.unwrap();
    assert!(view["documents"].as_array().unwrap().is_empty());
    // The tovholder forwards it; now the kontaktperson reads it, and the first reading is journaled once.
    let r = tove.post(api(&format!("/documents/{doc}/send"))).header("x-csrf-token", &tcsrf).json(&serde_json::json!({"to": [sara]})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for _ in 0..2 {
        assert_eq!(s.get(t.url(&format!("/forloeb/{id}/dokumenter/{doc}"))).send().await.unwrap().status(), StatusCode::OK);
    }
    let journal = t.app.store.journal(CourseId(id)).await.unwrap();
    let reads = journal.iter().filter(|e| e.stamp.by == sara && matches!(e.event, tovholder_core::course::Event::DocumentRead { .. })).count();
    assert_eq!(reads, 1);
    assert!(journal.iter().any(|e| matches!(&e.event, tovholder_core::course::Event::DocumentSent { forwarded: true, .. })));

    // Step 5: the home uploads its statement as a PDF and writes the action plan; both go to the tovholder.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let tove_id = demo::person(&t.seeded, "tove").unwrap().to_string();
    let upload = |kind: &'static str, file: Option<(&'static str, Vec<u8>)>, text: &'static str| {
        let mut form = reqwest::multipart::Form::new().text("csrf", mcsrf.clone()).text("kind", kind).text("title", format!("{kind} efter opholdet")).text("text", text).text("to", tove_id.clone());
        if let Some((name, bytes)) = file {
            form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        }
        mette.post(t.url(&format!("/forloeb/{id}/dokumenter"))).multipart(form).send()
    };
    let r = upload("udtalelse", Some(("udtalelse.exe", vec![1, 2, 3])), "").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Filtypen kan ikke bruges"));
    assert_eq!(upload("udtalelse", Some(("Asta udtalelse.pdf", pdf.clone())), "").await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(upload("handleplan", None, "Mål: trivsel i skolen.").await.unwrap().status(), StatusCode::SEE_OTHER);
    let view: Value = tove.get(api("")).send().await.unwrap().json().await.unwrap();
    let statement = view["documents"].as_array().unwrap().iter().find(|d| d["kind_da"] == "Udtalelse").unwrap()["doc"].as_i64().unwrap();
    let r = tove.get(t.url(&format!("/forloeb/{id}/dokumenter/{statement}"))).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["content-disposition"], format!("attachment; filename=\"tovholder-dokument-{statement}.pdf\""), "no child's name in the file name");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    let (lars, _) = t.login("lars").await;
    assert_eq!(lars.get(t.url(&format!("/forloeb/{id}/dokumenter/{statement}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert!(t.denials(CourseId(id)).await.iter().any(|d| d.person == demo::person(&t.seeded, "lars")));
    // The home's task is done by the sending; the tovholder now has to forward.
    let c = t.app.store.course(CourseId(id)).await.unwrap().unwrap();
    let model = t.app.models.get("julemaerkehjem").unwrap();
    let open: Vec<String> = tovholder_core::tasks::tasks(&model, &c.state).into_iter().filter(|x| x.done.is_none()).map(|x| x.id).collect();
    assert!(!open.contains(&"udtalelse_handleplan".to_string()) && open.contains(&"videresend_udtalelse".to_string()), "{open:?}");
    assert_eq!(tovholder_store::verify_course(t.app.store.as_ref(), &t.app.keys, CourseId(id)).await.unwrap(), None);
}

/// A local SMTP sink (Python's aiosmtpd, installed by scripts/test) writing into a Maildir.
struct SmtpSink {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    #[allow(clippy::zombie_processes)] // Drop kills and waits for it.
    async fn start() -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let child = std::process::Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .spawn()
            .expect("python3 with aiosmtpd (scripts/test installs it)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return SmtpSink { child, port, dir };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the SMTP sink did not start (is aiosmtpd installed? pip install aiosmtpd)");
    }

    /// The delivered messages as (to, subject, body), waiting until at least `n` have arrived.
    async fn messages(&self, n: usize) -> Vec<(String, String, String)> {
        let new = self.dir.path().join("maildir").join("new");
        for _ in 0..150 {
            let files: Vec<_> = std::fs::read_dir(&new).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
            if files.len() >= n {
                return files
                    .iter()
                    .map(|f| {
                        let raw = std::fs::read(f).unwrap();
                        let m = mailparse::parse_mail(&raw).unwrap();
                        let h = |k: &str| m.headers.iter().find(|x| x.get_key().eq_ignore_ascii_case(k)).map(|x| x.get_value()).unwrap_or_default();
                        (h("To"), h("Subject"), m.get_body().unwrap())
                    })
                    .collect();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("fewer than {n} mails arrived");
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn mail_is_delivered_over_smtp_once_and_without_personal_data() {
    let sink = SmtpSink::start().await;
    let t = TestApp::spawn().await;
    // Mails due now (the demo also queues agendas for a week before its meetings).
    let waiting = outbox(&t).await.iter().filter(|m| m.mail.not_before.is_none()).count();
    assert!(waiting > 0, "the demo's actions wrote mails");
    let smtp = tovholder_app::mailer::SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port,
        from: "Tovholder <tovholder@fjordlyst.example>".into(),
        username: None,
        password: None,
        tls: tovholder_app::mailer::Tls::None,
        lease_seconds: 120,
    };
    tovholder_app::mailer::start(t.app.store.clone(), t.app.clock.clone(), smtp).unwrap();
    let msgs = sink.messages(waiting).await;
    assert!(msgs.iter().any(|(to, subject, body)| to == "tove@egeskov.example" && subject == "Nyt forløb fra Julemærkehjemmet" && body.contains(&format!("{}/forloeb/", t.base))));
    assert!(msgs.iter().any(|(to, subject, _)| to.ends_with("@familie.example") && subject == "Tilsagn om ophold på Julemærkehjemmet"));
    for (_, subject, body) in &msgs {
        for name in ["William", "Larsen", "Oliver", "Nielsen", "Emma", "Jensen", "Louise", "Sofie", "Malthe", "Friis"] {
            assert!(!subject.contains(name) && !body.contains(name), "{name} in a mail: {subject} / {body}");
        }
        assert!(!tovholder_core::cpr::contains_cpr(subject) && !tovholder_core::cpr::contains_cpr(body));
    }
    // Each mail exactly once, and marked sent.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(sink.messages(waiting).await.len(), waiting);
    assert!(outbox(&t).await.iter().all(|m| m.sent.is_some() || m.mail.not_before.is_some()));
}

/// Two people edit the same course at once: the second save of the same thing is refused with
/// who changed it; a save of something else goes through; nothing saved is lost.
#[tokio::test]
async fn concurrent_edits_name_who_changed_it_and_lose_nothing() {
    let t = TestApp::spawn().await;
    let id = t.course("Ida");
    let version = t.app.store.course(id).await.unwrap().unwrap().version;
    let start = t.app.store.course(id).await.unwrap().unwrap().state.dates["ophold_start"];
    let day = |n: i64| start.checked_add(jiff::ToSpan::days(n)).unwrap().to_string();
    let (mette, mcsrf) = t.login("mette").await;
    let (jonas, jcsrf) = t.login("jonas").await;
    // Both opened the page at `version`. Mette saves the parents' day first.
    let path = format!("/forloeb/{id}/datoer?version={version}");
    let (status, _) = post_form(&t, &mette, &mcsrf, &path, &[("date.foraeldredag", &day(20))]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Jonas, on the old page, changes the same date: refused, naming Mette.
    let (status, page) = post_form(&t, &jonas, &jcsrf, &path, &[("date.foraeldredag", &day(27))]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("Ikke gemt: Mette Pedersen ændrede det samme"), "{page}");
    let now = t.app.store.course(id).await.unwrap().unwrap();
    assert_eq!(now.state.dates["foraeldredag"].to_string(), day(20), "Mette's save is kept");
    // Another date from the same old page goes through.
    let (status, _) = post_form(&t, &jonas, &jcsrf, &path, &[("date.infodag", &day(-30))]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The API says the same with If-Match.
    let r = jonas
        .post(t.url(&format!("/api/v1/courses/{id}/dates")))
        .header("x-csrf-token", &jcsrf)
        .header("if-match", format!("\"{version}\""))
        .json(&serde_json::json!({"dates": {"foraeldredag": day(28)}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: Value = r.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("Mette Pedersen"), "{problem}");
    let now = t.app.store.course(id).await.unwrap().unwrap();
    assert_eq!(now.state.dates["foraeldredag"].to_string(), day(20));
    assert_eq!(now.state.dates["infodag"].to_string(), day(-30));
}

/// The consent form is a page of its own (it lists every organisation a consent may open the
/// course to): only for those who record consents; a refused form keeps every tick and saves
/// nothing; a good one comes back to the course page with the consent listed.
#[tokio::test]
async fn the_consent_form_is_a_page_of_its_own() {
    let t = TestApp::spawn().await;
    let id = t.course("William");
    let egeskov = org(&t, "Egeskov Kommune");
    let (mette, mcsrf) = t.login("mette").await;
    let (ole, _) = t.login("ole").await;
    let form_url = format!("/forloeb/{id}/samtykker/ny");
    let course = mette.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(course.contains(&format!("href=\"{form_url}\"")), "the course page links to the form");
    assert!(!course.contains("id=\"form-samtykke\""), "the form is not on the course page");
    let page = mette.get(t.url(&form_url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<h1>Registrér et samtykke</h1>") && page.contains("id=\"form-samtykke\""));
    assert_eq!(ole.get(t.url(&form_url)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "not for those outside the course");

    let version = t.app.store.course(id).await.unwrap().unwrap().version;
    let jobcentret = format!("dept:{egeskov}:Jobcentret");
    let action = format!("/forloeb/{id}/samtykker?version={version}");
    let today = t.app.clock.today();
    let (from, to) = (today.to_string(), today.checked_add(jiff::ToSpan::days(30)).unwrap().to_string());
    let fields = [("recipient", jobcentret.as_str()), ("kind", "forloeb"), ("purpose", "Jobcentret støtter familien"), ("valid_from", from.as_str()), ("valid_to", to.as_str())];
    let (status, page) = post_form(&t, &mette, &mcsrf, &action, &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Vælg, hvem der giver samtykket."), "{page}");
    assert!(page.contains(&format!("value=\"{jobcentret}\" checked")), "the ticked recipient is kept");
    assert!(page.contains("Jobcentret støtter familien"), "the typed purpose is kept");
    assert_eq!(t.app.store.course(id).await.unwrap().unwrap().version, version, "nothing saved");

    let state = t.app.store.course(id).await.unwrap().unwrap().state;
    let parent = state.members.iter().find(|m| m.role == "foraelder").unwrap().person.to_string();
    let child = state.members.iter().find(|m| m.role == "barn").unwrap().person.to_string();
    let mut good = fields.to_vec();
    good.extend([("giver", parent.as_str()), ("about", child.as_str())]);
    let (status, location) = post_form(&t, &mette, &mcsrf, &action, &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, format!("/forloeb/{id}?gemt=samtykke#adgang"));
    let course = mette.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(course.contains("data-consent=\"1\"") && course.contains("Afventer underskrift"), "the consent is listed, awaiting signature");
}

/// Consent governs every read: before it, not signed, signed, revoked, expired; a youth of 15
/// or more must sign too; each answer is in the access log with its reason.
#[tokio::test]
async fn consent_opens_and_closes_the_course_for_a_department() {
    let t = TestApp::spawn().await;
    let id = t.course("William");
    let egeskov = t.seeded.orgs["Egeskov Kommune"];
    let (mette, mcsrf) = t.login("mette").await;
    let (ole, _) = t.login("ole").await; // Jobcentret, Egeskov Kommune
    let (pia, _) = t.login("pia").await; // Folkeskole, Egeskov Kommune
    let course_url = t.url(&format!("/forloeb/{id}"));
    let status = |c: reqwest::Client, url: String| async move { c.get(url).send().await.unwrap().status() };
    let last_reason = |who: &'static str| {
        let t = &t;
        async move {
            let person = demo::person(&t.seeded, who);
            t.app.store.access_log(Some(id), 100).await.unwrap().into_iter().find(|r| r.person == person).map(|r| r.reason).unwrap_or_default()
        }
    };
    assert_eq!(status(ole.clone(), course_url.clone()).await, StatusCode::NOT_FOUND);
    assert_eq!(last_reason("ole").await, "no_relation");

    let state = t.app.store.course(id).await.unwrap().unwrap().state;
    let parent = state.members.iter().find(|m| m.role == "foraelder").unwrap().person;
    let child = state.members.iter().find(|m| m.role == "barn").unwrap().person;
    let today = t.app.clock.today();
    let body = serde_json::json!({
        "giver": parent, "about": [child],
        "recipients": [{"org": egeskov, "department": "Jobcentret"}],
        "kinds": ["forloeb"], "purpose": "Jobcentret støtter familien", "valid_from": today.to_string(),
        "valid_to": today.checked_add(jiff::ToSpan::days(30)).unwrap().to_string()
    });
    // Not the course's own municipality as a whole, nor an organisation that does not exist.
    for bad in [serde_json::json!({"org": egeskov}), serde_json::json!({"org": 999})] {
        let mut b = body.clone();
        b["recipients"] = serde_json::json!([bad]);
        let r = mette.post(t.url(&format!("/api/v1/courses/{id}/consents"))).header("x-csrf-token", &mcsrf).json(&b).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/consents"))).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(status(ole.clone(), course_url.clone()).await, StatusCode::NOT_FOUND, "not before it is signed");
    // The form for signature, as a real PDF: its text names the recipients and the law in force.
    let r = mette.get(t.url(&format!("/forloeb/{id}/samtykker/1/pdf"))).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdftotext(&r.bytes().await.unwrap());
    for needle in
        ["Samtykkeerklæring", "Jobcentret", "Familierådgivningen", "Retssikkerhedsloven § 11 a", "Forvaltningsloven § 27", "art. 7, stk. 3", "Databeskyttelsesloven", "William Larsen", "110813-XXXX"]
    {
        assert!(text.contains(needle), "{needle} missing from the consent PDF:\n{text}");
    }
    assert!(!text.contains("Persondataloven"), "the replaced law is not cited");
    assert!(!text.contains("110813-5351"), "no full CPR number on the form");
    let (ole_c, _) = (ole.clone(), ());
    assert_eq!(status(ole_c, t.url(&format!("/forloeb/{id}/samtykker/1/pdf"))).await, StatusCode::NOT_FOUND);
    assert_eq!(last_reason("ole").await, "consent_unsigned:1");
    let sign = serde_json::json!({"by": parent, "how": "På papir ved mødet", "on": today.to_string()});
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/consents/1/signatures"))).header("x-csrf-token", &mcsrf).json(&sign).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(status(ole.clone(), course_url.clone()).await, StatusCode::OK, "signed: Jobcentret sees the course");
    assert_eq!(last_reason("ole").await, "consent:1");
    let page = ole.get(course_url.clone()).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Det omfatter ikke journalen") && !page.contains("Forløbet blev oprettet"), "consent opens dates, tasks and people, not the journal");
    assert_eq!(status(ole.clone(), t.url(&format!("/api/v1/courses/{id}/journal"))).await, StatusCode::NOT_FOUND);
    let view: Value = ole.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(view["restricted"], true);
    for key in ["consents", "access", "fields", "decisions", "changes", "documents"] {
        assert_eq!(view[key].as_array().map(Vec::len), Some(0), "a consent reader gets no {key}");
    }
    assert!(view["members"].as_array().unwrap().iter().all(|m| m["email"].is_null() && m["cpr_masked"].is_null()));
    assert!(!view["dates"].as_array().unwrap().is_empty(), "but the dates, tasks and people");
    let shared: Vec<Value> = ole.get(t.url("/api/v1/shared")).send().await.unwrap().json().await.unwrap();
    let titles: Vec<&str> = shared.iter().filter_map(|s| s["title"].as_str()).collect();
    assert!(titles.contains(&"William Larsen"), "{titles:?}");
    assert_eq!(status(pia.clone(), course_url.clone()).await, StatusCode::NOT_FOUND, "another department is not covered");
    // Reading is all the consent gives: no writes.
    let (ole_c, ole_csrf) = (ole.clone(), csrf_of(&t, &ole).await);
    let r = ole_c.post(t.url(&format!("/api/v1/courses/{id}/fields"))).header("x-csrf-token", &ole_csrf).json(&serde_json::json!({"field": "aktiviteter", "value": "x"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Everyone on the course sees why Jobcentret can see it.
    let page = mette.get(course_url.clone()).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Jobcentret, Egeskov Kommune</strong> ser forløbets datoer, opgaver og deltagere ifølge samtykke givet af"), "{page}");

    // Revoked: from the very next request on, nothing.
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/consents/1/revoke"))).header("x-csrf-token", &mcsrf).json(&serde_json::json!({"note": "Far ringede"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(status(ole.clone(), course_url.clone()).await, StatusCode::NOT_FOUND);
    assert_eq!(last_reason("ole").await, "consent_revoked:1");
    let shared: Vec<Value> = ole.get(t.url("/api/v1/shared")).send().await.unwrap().json().await.unwrap();
    assert!(!shared.iter().any(|s| s["course"] == id.0), "{shared:?}");

    // A new consent for ten days; after that the clock alone closes it.
    let mut body2 = body.clone();
    body2["valid_to"] = serde_json::json!(today.checked_add(jiff::ToSpan::days(10)).unwrap().to_string());
    mette.post(t.url(&format!("/api/v1/courses/{id}/consents"))).header("x-csrf-token", &mcsrf).json(&body2).send().await.unwrap();
    mette.post(t.url(&format!("/api/v1/courses/{id}/consents/2/signatures"))).header("x-csrf-token", &mcsrf).json(&sign).send().await.unwrap();
    assert_eq!(status(ole.clone(), course_url.clone()).await, StatusCode::OK);
    t.app.clock.advance_days(11);
    let (ole, _) = t.login("ole").await; // the old session has idled out meanwhile
    assert_eq!(status(ole.clone(), course_url.clone()).await, StatusCode::NOT_FOUND);
    assert_eq!(last_reason("ole").await, "consent_expired:2");
    let log = t.app.store.access_log(Some(id), 200).await.unwrap();
    let ole_id = demo::person(&t.seeded, "ole");
    assert!(log.iter().filter(|r| r.person == ole_id && !r.allowed).count() >= 4, "each denial is logged with its reason");
    assert_eq!(tovholder_store::verify_course(t.app.store.as_ref(), &t.app.keys, id).await.unwrap(), None, "consents are journal entries");
}

#[tokio::test]
async fn a_youth_of_fifteen_must_sign_too() {
    let t = TestApp::spawn().await;
    let egeskov = t.seeded.orgs["Egeskov Kommune"];
    let (mette, mcsrf) = t.login("mette").await;
    let body = serde_json::json!({
        "model": "julemaerkehjem", "parties": {"municipality": egeskov},
        "family": [{"role": "barn", "name": "Ung Pige", "cpr": "010110-4321"}, {"role": "foraelder", "name": "Mor Pige", "email": "mor@familie.example", "custody": true}],
        "dates": {"ansoegning": t.app.clock.today().to_string()}, "decisions": {"samarbejde": "ja"}
    });
    let r = mette.post(t.url("/api/v1/courses")).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let state = t.app.store.course(CourseId(id)).await.unwrap().unwrap().state;
    let parent = state.members.iter().find(|m| m.role == "foraelder").unwrap().person;
    let youth = state.members.iter().find(|m| m.role == "barn").unwrap().person;
    let today = t.app.clock.today().to_string();
    let consent = serde_json::json!({"giver": parent, "about": [youth], "recipients": [{"org": egeskov, "department": "Folkeskole"}], "kinds": ["forloeb"], "purpose": "Skolen følger opholdet", "valid_from": today, "valid_to": t.app.clock.today().checked_add(jiff::ToSpan::days(60)).unwrap().to_string()});
    mette.post(t.url(&format!("/api/v1/courses/{id}/consents"))).header("x-csrf-token", &mcsrf).json(&consent).send().await.unwrap();
    for by in [parent] {
        let r = mette
            .post(t.url(&format!("/api/v1/courses/{id}/consents/1/signatures")))
            .header("x-csrf-token", &mcsrf)
            .json(&serde_json::json!({"by": by, "how": "På papir", "on": today}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let (pia, _) = t.login("pia").await;
    assert_eq!(pia.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "the 16-year-old has not signed");
    let page = mette.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Ung Pige er fyldt 15 og har ikke skrevet under"), "the course shows what blocks it");
    let r = mette
        .post(t.url(&format!("/api/v1/courses/{id}/consents/1/signatures")))
        .header("x-csrf-token", &mcsrf)
        .json(&serde_json::json!({"by": youth, "how": "På papir", "on": today}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(pia.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().status(), StatusCode::OK);
}

/// The course list shows the organisation's courses the user may see, and searches by the
/// child's name without putting the name in a URL.
#[tokio::test]
async fn the_course_list_and_search() {
    let t = TestApp::spawn().await;
    let titles = |rows: &Vec<Value>| rows.iter().map(|r| r["title"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let (mette, mcsrf) = t.login("mette").await;
    let list: Value = mette.get(t.url("/api/v1/courses")).send().await.unwrap().json().await.unwrap();
    let rows: Vec<Value> = serde_json::from_value(list["rows"].clone()).unwrap();
    assert_eq!(rows.len(), 10, "the home sees all its courses");
    assert!(list["older"].is_null(), "one page holds them");
    // The list pages on by course id: the courses older than the fourth.
    let fourth = rows[3]["course"].as_i64().unwrap();
    let older: Value = mette.get(t.url(&format!("/api/v1/courses?before={fourth}"))).send().await.unwrap().json().await.unwrap();
    let older_ids: Vec<i64> = older["rows"].as_array().unwrap().iter().map(|r| r["course"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = rows[4..].iter().map(|r| r["course"].as_i64().unwrap()).collect();
    assert_eq!(older_ids, expected);
    let page = mette.get(t.url(&format!("/forloeb?foer={fourth}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<a href="/forloeb">Nyeste forløb</a>"#) && !page.contains(&format!(r#"data-course="{fourth}""#)), "{page}");
    let (tove, _) = t.login("tove").await;
    let list: Value = tove.get(t.url("/api/v1/courses")).send().await.unwrap().json().await.unwrap();
    let rows: Vec<Value> = serde_json::from_value(list["rows"].clone()).unwrap();
    let names = titles(&rows);
    assert!(names.contains(&"William Larsen".to_string()));
    assert!(!names.contains(&"Oliver Nielsen".to_string()), "the parents said no");
    assert!(!names.contains(&"Ida Sørensen".to_string()), "another municipality's course");
    let (karim, _) = t.login("karim").await;
    let list: Value = karim.get(t.url("/api/v1/courses")).send().await.unwrap().json().await.unwrap();
    let rows: Vec<Value> = serde_json::from_value(list["rows"].clone()).unwrap();
    let mut names = titles(&rows);
    names.sort();
    assert_eq!(names, ["Lucas Andersen", "Noah Rasmussen"], "a kontaktperson sees the courses they are appointed to");
    let (status, page) = post_form(&t, &mette, &mcsrf, "/forloeb/soeg", &[("q", "william")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("William Larsen") && !page.contains("Oliver Nielsen"), "{page}");
    let log = t.app.store.access_log(Some(t.course("William")), 100).await.unwrap();
    assert!(log.iter().any(|r| r.action == "list:POST /forloeb/soeg"), "each course shown is logged");
}

/// The members of a course by role, from the API: (person id, name).
async fn members(t: &TestApp, c: &reqwest::Client, course: CourseId, role: &str) -> Vec<(String, String)> {
    let v: Value = c.get(t.url(&format!("/api/v1/courses/{course}"))).send().await.unwrap().json().await.unwrap();
    v["members"].as_array().unwrap().iter().filter(|m| m["role"] == role).map(|m| (m["person"].to_string(), m["name"].as_str().unwrap().to_string())).collect()
}

/// A delivered mail's parts: (to, subject, text, calendar attachment).
fn mail_parts(raw: &[u8]) -> (String, String, String, Option<String>) {
    let m = mailparse::parse_mail(raw).unwrap();
    let h = |k: &str| m.headers.iter().find(|x| x.get_key().eq_ignore_ascii_case(k)).map(|x| x.get_value()).unwrap_or_default();
    let text = m.subparts.iter().find(|p| p.ctype.mimetype == "text/plain").map_or_else(|| m.get_body().unwrap(), |p| p.get_body().unwrap());
    let ics = m.subparts.iter().find(|p| p.ctype.mimetype == "text/calendar").map(|p| p.get_body().unwrap());
    (h("To"), h("Subject"), text, ics)
}

impl SmtpSink {
    /// Every delivered mail so far, parsed.
    fn all(&self) -> Vec<(String, String, String, Option<String>)> {
        let new = self.dir.path().join("maildir").join("new");
        std::fs::read_dir(&new).map(|d| d.filter_map(Result::ok).map(|e| mail_parts(&std::fs::read(e.path()).unwrap())).collect()).unwrap_or_default()
    }

    async fn wait_for(&self, what: impl Fn(&(String, String, String, Option<String>)) -> bool) -> (String, String, String, Option<String>) {
        for _ in 0..150 {
            if let Some(m) = self.all().into_iter().find(&what) {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the expected mail did not arrive");
    }
}

/// Furesø's registered meeting place in the demo, as a meeting records it.
const FF_PLACE: &str = "Familiens Fremtid, mødelokale 2, Paltholmterrasserne 1, 3520 Farum";

/// One network-meeting round of a Familiens Fremtid course: planned with the seed's agenda,
/// invitations over real SMTP with an iCalendar file that names no one in the family, the
/// agenda mailed a week before, minutes and an agreement, and the plan PDF sent within the
/// week to the participants the consent covers.
#[tokio::test]
async fn a_network_meeting_round_from_invitation_to_the_plan() {
    let sink = SmtpSink::start().await;
    let t = TestApp::spawn().await;
    let id = t.course("Sofie");
    let (c, csrf) = t.login("hanne").await;
    let louise = members(&t, &c, id, "voksen").await[0].0.clone();
    let hanne = t.seeded.users["hanne"].person.to_string();
    let today = t.app.clock.today();
    let day = today.checked_add(jiff::ToSpan::days(14)).unwrap();
    let start = format!("{day}T09:00");
    let path = format!("/forloeb/{id}/moeder");
    let base: Vec<(&str, String)> = vec![
        ("kind", "netvaerksmoede".into()),
        ("start", start.clone()),
        ("attendees", format!("p{louise}")),
        ("attendees", format!("p{hanne}")),
        ("attendees", "n3".into()),
        ("attendees", "n4".into()),
    ];
    let form = |place: &str| {
        let mut f: Vec<(&str, String)> = base.clone();
        f.push(("place", place.to_string()));
        f.push(("csrf", csrf.clone()));
        f
    };
    // A meeting needs a place: none is refused, in Danish, and nothing is saved.
    let r = c.post(t.url(&path)).form(&form("")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Vælg et af jeres mødesteder, eller skriv, hvor mødet holdes."));
    let mut registered = form("");
    registered.push(("place_choice", FF_PLACE.to_string()));
    let r = c.post(t.url(&path)).form(&registered).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let meeting_url = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
    assert_eq!(meeting_url, format!("/forloeb/{id}/moeder/3"));
    let m: Value = c.get(t.url(&format!("/api/v1/courses/{id}/meetings/3"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(m["agenda"].as_array().unwrap().len(), 9, "the seed's nine-point agenda");
    assert_eq!(m["fits"], true, "{}", m["fit_da"]);
    assert!(m["attendees"].as_array().unwrap().iter().any(|a| a["role"].as_str().unwrap().contains("Sundhedsplejerske")), "each participant's role is shown");

    let (status, _) = post_form(&t, &c, &csrf, &format!("{meeting_url}/invitationer"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let smtp = tovholder_app::mailer::SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port,
        from: "Tovholder <tovholder@furesoe.example>".into(),
        username: None,
        password: None,
        tls: tovholder_app::mailer::Tls::None,
        lease_seconds: 120,
    };
    tovholder_app::mailer::start(t.app.store.clone(), t.app.clock.clone(), smtp).unwrap();
    let (_, subject, text, ics) =
        sink.wait_for(|m| m.0 == "lise.holm@skole.example" && m.1 == "Invitation: Netværksmøde" && m.3.as_deref().is_some_and(|i| i.contains(&format!("tovholder-{id}-3@")))).await;
    let ics = ics.unwrap();
    let unfolded = icalendar::parser::unfold(&ics);
    let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
    assert!(cal.properties.iter().any(|p| p.name == "METHOD" && p.val == "REQUEST"));
    let ev = cal.components.iter().find(|c| c.name == "VEVENT").unwrap();
    let prop = |n: &str| ev.properties.iter().find(|p| p.name == n).unwrap();
    let dtstart = prop("DTSTART");
    assert_eq!(dtstart.val.as_str(), format!("{}T090000", day.strftime("%Y%m%d")), "9.00 Copenhagen time, as planned");
    assert!(dtstart.params.iter().any(|p| p.key == "TZID" && p.val.as_ref().is_some_and(|v| v.as_str() == "Europe/Copenhagen")));
    assert_eq!(prop("LOCATION").val.as_str(), FF_PLACE, "a registered meeting place goes into the calendar");
    assert_eq!(prop("ATTENDEE").val.as_str(), "mailto:lise.holm@skole.example", "each recipient sees only themselves");
    for word in ["Bak", "Louise", "Sofie", "Malthe", "@familie.example"] {
        assert!(!ics.contains(word) && !subject.contains(word) && !text.contains(word), "{word} in an invitation");
    }
    assert!(!tovholder_core::cpr::contains_cpr(&ics) && !tovholder_core::cpr::contains_cpr(&text));
    // The family gets one too, without a link they could not open.
    let (_, _, family_text, family_ics) =
        sink.wait_for(|m| m.0 == "louise.bak@familie.example" && m.1 == "Invitation: Netværksmøde" && m.3.as_deref().is_some_and(|i| i.contains(&format!("tovholder-{id}-3@")))).await;
    assert!(!family_text.contains("/forloeb/") && family_ics.unwrap().contains("ATTENDEE"));

    // The agenda waits until a week before the meeting.
    let agenda_key = format!("agenda:{id}:3");
    let queued: Vec<_> = outbox(&t).await.into_iter().filter(|m| m.mail.key.as_deref() == Some(agenda_key.as_str())).collect();
    assert_eq!(queued.len(), 4);
    assert!(queued.iter().all(|m| m.sent.is_none() && m.mail.not_before.is_some()));
    t.app.clock.advance_days(8);
    sink.wait_for(|m| m.0 == "lise.holm@skole.example" && m.1.starts_with("Dagsorden: Netværksmøde")).await;

    // On the day: minutes, an agreement, and the plan within the week.
    t.app.clock.advance_days(6);
    let (c, csrf) = t.login("hanne").await;
    let (status, body) = post_form(
        &t,
        &c,
        &csrf,
        &format!("{meeting_url}/referat"),
        &[
            ("present", &format!("p{louise}")),
            ("present", "n4"),
            ("story", "Morgenerne går bedre nu, fortæller Louise."),
            ("best_hope", "Ro på hjemme"),
            ("works.n4", "Søvnen er bedre"),
            ("challenges.n4", "Mandage"),
            ("dialogue", "Vi fortsætter morgenplanen."),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let due = t.app.clock.today().checked_add(jiff::ToSpan::days(30)).unwrap().to_string();
    let (status, body) = post_form(&t, &c, &csrf, &format!("/forloeb/{id}/aftaler"), &[("meeting", "3"), ("what", "Gitte følger op på søvnen hos Malthe"), ("responsible", "n4"), ("due", &due)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let tasks: Value = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.as_array().unwrap().iter().any(|x| x["task"] == "plan:3"), "sending the plan is on the coordinator's list: {tasks}");
    let (status, body) = post_form(&t, &c, &csrf, &format!("/forloeb/{id}/familieplan"), &[("meeting", "3"), ("send", "ja")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let course: Value = c.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().json().await.unwrap();
    let plan = course["documents"].as_array().unwrap().iter().find(|d| d["title"] == "Familieplan 2.0").expect("version 2.0 after the second network meeting");
    let doc = plan["doc"].as_u64().unwrap();
    let tasks: Value = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(!tasks.as_array().unwrap().iter().any(|x| x["task"] == "plan:3"), "sent: the deadline is done");
    let pdf = c.get(t.url(&format!("/forloeb/{id}/dokumenter/{doc}"))).send().await.unwrap().bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdftotext(&pdf);
    for section in [
        "Aftaler fra netværksmødet",
        "Netværk",
        "Netværkskort",
        "Overblik over aktuelle indsatser",
        "Aktuel status",
        "Familiens egne mål",
        "Planer for hver person",
        "Gitte følger op på søvnen hos Malthe",
        "Inge Bak",
        "Sundhedsplejerske",
    ] {
        assert!(text.contains(section), "{section} missing from the plan:\n{text}");
    }
    assert!(text.contains("Søvnen") || text.contains("Fraværet er faldet"), "Danish letters intact:\n{text}");
    assert!(!tovholder_core::cpr::contains_cpr(&text), "no CPR number in the plan");
    // Gitte (Sundhedsplejen, covered by the consent) got it and can read it; Emil was not at
    // the meeting; Lise has no login.
    let (gitte, _) = t.login("gitte").await;
    assert_eq!(gitte.get(t.url(&format!("/forloeb/{id}/dokumenter/{doc}"))).send().await.unwrap().status(), StatusCode::OK);
    let (emil, _) = t.login("emil").await;
    assert_eq!(emil.get(t.url(&format!("/forloeb/{id}/dokumenter/{doc}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // Gitte's agreement is on her own list.
    let tasks: Value = gitte.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.as_array().unwrap().iter().any(|x| x["label"].as_str().unwrap().contains("følger op på søvnen")), "{tasks}");
}

/// Ballerup: no meeting booked within 12 weeks gives the caseworker a call task, which a call
/// closes; the API takes meeting operations too and refuses one the role may not do.
#[tokio::test]
async fn ballerup_calls_the_family_when_no_meeting_is_booked() {
    let t = TestApp::spawn().await;
    let id = t.course("Jonas");
    let (c, csrf) = t.login("camilla").await;
    let tasks: Value = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    let call = tasks.as_array().unwrap().iter().find(|x| x["task"].as_str().unwrap().starts_with("ring_til_familien:")).expect("a call task").clone();
    assert_eq!(call["status"], "overdue");
    let task = call["task"].as_str().unwrap();
    let (status, body) = post_form(&t, &c, &csrf, &format!("/forloeb/{id}/opgaver/{task}"), &[("outcome", "ringet"), ("note", "Aftalt nyt møde")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    // Booking the next meeting through the API; a second call task follows it.
    let start = t.app.clock.today().checked_add(jiff::ToSpan::days(7)).unwrap().at(14, 0, 0, 0).to_string();
    let jonas = members(&t, &c, id, "ung").await[0].0.clone();
    let body = serde_json::json!({"action": "plan_meeting", "kind": "opfoelgningsmoede", "start": start, "place": "Ballerup Rådhus", "attendees": [{"person": jonas.parse::<i64>().unwrap()}]});
    let r = c.post(t.url(&format!("/api/v1/courses/{id}/meeting-actions"))).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let tasks: Value = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(!tasks.as_array().unwrap().iter().any(|x| x["task"] == call["task"]), "the call is done");
    // Jakob (the school, no role, no consent yet) cannot use it.
    let (j, jcsrf) = t.login("jakob").await;
    let r = j.post(t.url(&format!("/api/v1/courses/{id}/meeting-actions"))).header("x-csrf-token", &jcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

// ---- What people trip over (issue 15): each test failed before its fix. ----

/// A course of the home's for Egeskov (Asta Vinter) opened through the API by mette.
async fn fresh_course(t: &TestApp) -> (reqwest::Client, String, i64) {
    let (mette, mcsrf) = t.login("mette").await;
    let body = serde_json::json!({
        "model": "julemaerkehjem",
        "parties": {"municipality": t.seeded.orgs["Egeskov Kommune"]},
        "family": [{"role": "barn", "name": "Asta Vinter", "cpr": "050515-4321"}, {"role": "foraelder", "name": "Ib Vinter", "email": "ib@familie.example"}],
        "dates": {"ansoegning": "2026-11-02"},
        "decisions": {"samarbejde": "ja"}
    });
    let r = mette.post(t.url("/api/v1/courses")).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    (mette, mcsrf, id)
}

/// Uploads through the form: an 8 MB scanned letter goes through (the CSRF check read the
/// multipart body with axum's 2 MB default and answered "Formularen er udløbet"); an 11 MB
/// file and a program renamed .pdf are refused on the same page with what was typed kept.
#[tokio::test]
async fn an_eight_mb_pdf_goes_through_the_form_and_an_eleven_mb_one_is_refused_in_place() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf, id) = fresh_course(&t).await;
    let tove = demo::person(&t.seeded, "tove").unwrap().to_string();
    let upload = |title: &'static str, name: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", mcsrf.clone())
            .text("kind", "udtalelse")
            .text("title", title)
            .text("text", "")
            .text("to", tove.clone())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        mette.post(t.url(&format!("/forloeb/{id}/dokumenter"))).multipart(form).send()
    };
    let pdf = |mb: usize| {
        let mut b = b"%PDF-1.4\n".to_vec();
        b.resize(mb * 1024 * 1024, b'0');
        b
    };
    let r = upload("Scannet udtalelse", "scan.pdf", pdf(8)).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap_or_default());
    let c = t.app.store.course(CourseId(id)).await.unwrap().unwrap();
    let doc = c.state.documents.iter().find(|d| d.meta.title == "Scannet udtalelse").expect("the 8 MB document is saved");
    assert_eq!(t.app.store.blob(CourseId(id), &doc.meta.sha256).await.unwrap().unwrap().len(), 8 * 1024 * 1024);

    let r = upload("Den store udtalelse", "stor.pdf", pdf(11)).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("Filen er for stor (højst 10 MB)."), "a Danish message on the course page");
    assert!(page.contains("value=\"Den store udtalelse\""), "the typed title is kept");
    assert!(page.contains("Log af") && page.contains("Hovedmenu"), "the page keeps its frame");

    let mut program = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    program.resize(4096, 0);
    let r = upload("Brev", "brev.pdf", program).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Filen er ikke en pdf-fil"));

    // Over the largest body the server takes at all: a Danish page with the frame, not a bare 413.
    let r = upload("Alt for stor", "kæmpe.pdf", pdf(13)).await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(page.contains("højst fylde 10 MB") && page.contains("Log af") && page.contains(&format!("href=\"/forloeb/{id}\"")), "{page}");
    let after = t.app.store.course(CourseId(id)).await.unwrap().unwrap();
    assert_eq!(after.state.documents.len(), c.state.documents.len(), "nothing refused was saved");
}

/// A written document is bounded (it is shown as a page); a file is not written text.
#[tokio::test]
async fn a_written_document_over_200_kb_is_refused_with_a_structured_error() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf, id) = fresh_course(&t).await;
    let body = serde_json::json!({"kind": "udtalelse", "title": "Lang udtalelse", "text": "Barnet trives. ".repeat(20_000), "to": []});
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/documents"))).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("200 kB"), "{p}");
    let body = serde_json::json!({"kind": "udtalelse", "title": "Kort udtalelse", "text": "Barnet trives.", "to": []});
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/documents"))).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// The home municipality must be a municipality: a POST naming the region or a home is
/// refused with 422, through the API and the form, and no course is made.
#[tokio::test]
async fn a_party_of_the_wrong_kind_is_refused() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf) = t.login("mette").await;
    let before = t.app.store.course_ids().await.unwrap().len();
    for wrong in ["Region Syd, Børne- og Ungdomspsykiatrien", "Julemærkehjemmet Fjordlyst"] {
        let body = serde_json::json!({
            "model": "julemaerkehjem",
            "parties": {"municipality": t.seeded.orgs[wrong]},
            "family": [{"role": "barn", "name": "Asta Vinter", "cpr": "050515-4321"}, {"role": "foraelder", "name": "Ib Vinter", "email": "ib@familie.example"}],
            "dates": {"ansoegning": "2026-11-02"},
            "decisions": {"samarbejde": "ja"}
        });
        let r = mette.post(t.url("/api/v1/courses")).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "party.municipality");
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("kan ikke være hjemkommune"), "{p}");
    }
    let region = org(&t, "Region Syd, Børne- og Ungdomspsykiatrien");
    let (status, page) = post_form(
        &t,
        &mette,
        &mcsrf,
        "/forloeb",
        &[
            ("party.municipality", region.as_str()),
            ("member.barn.0.name", "Asta Vinter"),
            ("member.barn.0.cpr", "050515-4321"),
            ("member.foraelder.0.name", "Ib Vinter"),
            ("member.foraelder.0.email", "ib@familie.example"),
            ("member.foraelder.0.custody", "on"),
            ("date.ansoegning", "2026-11-02"),
            ("decision.samarbejde", "ja"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("kan ikke være hjemkommune") && page.contains("value=\"Asta Vinter\""), "the message, and what was typed");
    assert_eq!(t.app.store.course_ids().await.unwrap().len(), before, "no course was made");
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

/// A user whose organisation registers no applications is told who does.
#[tokio::test]
async fn the_application_form_says_who_registers_applications() {
    let t = TestApp::spawn().await;
    let (tove, _) = t.login("tove").await;
    let r = tove.get(t.url("/forloeb/ny")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = r.text().await.unwrap();
    assert!(page.contains("Ansøgninger til Samarbejde mellem kommune og Julemærkehjem registreres af julemærkehjem."), "{page}");
    assert!(!page.contains("Siden findes ikke") && page.contains("Log af"));
}

/// The kontaktperson is chosen among the municipality's caseworkers, not its jobcentre or
/// school; an appointment of anyone else is refused on the server too.
#[tokio::test]
async fn role_choices_offer_only_who_may_hold_the_role() {
    let t = TestApp::spawn().await;
    let (tove, tcsrf) = t.login("tove").await;
    let id = t.course("William").0;
    let page = tove.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    let select = &page[page.find("id=\"role.kontaktperson\"").expect("the kontaktperson choice")..];
    let select = &select[..select.find("</select>").unwrap()];
    for name in ["Karim Aziz", "Sara Berg", "Tove Lund"] {
        assert!(select.contains(name), "{name} may be kontaktperson");
    }
    for name in ["Ole Dam", "Pia Kjær"] {
        assert!(!select.contains(name), "{name} (Jobcentret, the school) is not offered");
    }
    let ole = demo::person(&t.seeded, "ole").unwrap().to_string();
    let (status, page) = post_form(&t, &tove, &tcsrf, &format!("/forloeb/{id}/udpegning"), &[("role.kontaktperson", ole.as_str())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Ole Dam kan ikke være kontaktperson."));
}

/// The demo writes no real domain into made-up people's addresses, and the logins that read
/// only by consent each see a course that way.
#[tokio::test]
async fn the_demo_shows_what_it_promises() {
    let t = TestApp::spawn().await;
    for p in t.app.store.all_persons().await.unwrap() {
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

/// Whatever is typed as a meeting's place, no first or last name of anyone in the family, in
/// any form ("Sofies skole", "BAK"), reaches an invitation, a mail or a calendar file: only an
/// organisation's registered meeting places go out, any other place stays in Tovholder.
#[tokio::test]
async fn no_family_name_reaches_a_calendar_or_a_mail_whatever_the_place() {
    let t = TestApp::spawn().await;
    let id = t.course("Sofie");
    let (c, csrf) = t.login("hanne").await;
    let course = t.app.store.course(id).await.unwrap().unwrap();
    let family: Vec<_> = course.state.members.iter().filter(|m| matches!(m.role.as_str(), "voksen" | "barn")).map(|m| m.person).collect();
    let names: Vec<String> = t.app.store.persons(&family).await.unwrap().into_iter().flat_map(|p| p.name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>()).collect();
    assert!(names.len() >= 6 && names.contains(&"sofie".to_string()) && names.contains(&"malthe".to_string()), "a family of several members: {names:?}");
    let louise = members(&t, &c, id, "voksen").await[0].0.clone();
    let hanne = t.seeded.users["hanne"].person.to_string();
    let day = t.app.clock.today().checked_add(jiff::ToSpan::days(14)).unwrap();
    let before = outbox(&t).await.len();
    let places = ["Sofies skole", "Hjemme hos Louise Bak", "Baks have", "Malthes fodboldklub", "hos familien BAK", "Louise-Sofies sted"];
    for (i, place) in places.iter().enumerate() {
        let form: Vec<(&str, String)> = vec![
            ("csrf", csrf.clone()),
            ("kind", "netvaerksmoede".into()),
            ("start", format!("{day}T{:02}:00", 8 + i)),
            ("place_choice", "andet".into()),
            ("place", place.to_string()),
            ("attendees", format!("p{louise}")),
            ("attendees", format!("p{hanne}")),
            ("attendees", "n3".into()),
            ("attendees", "n4".into()),
        ];
        let r = c.post(t.url(&format!("/forloeb/{id}/moeder"))).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{place}");
        let meeting = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
        let page = c.get(t.url(&meeting)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(place), "{place} is shown inside Tovholder");
        assert_eq!(post_form(&t, &c, &csrf, &format!("{meeting}/invitationer"), &[]).await.0, StatusCode::SEE_OTHER);
        if i == 0 {
            assert_eq!(post_form(&t, &c, &csrf, &format!("{meeting}/aflys"), &[("note", "Sofie er syg")]).await.0, StatusCode::SEE_OTHER);
        }
    }
    let mails = outbox(&t).await;
    let fresh = &mails[..mails.len() - before];
    let invitations: Vec<&str> = fresh.iter().filter_map(|m| m.mail.attachment.as_ref()).map(|a| a.text.as_str()).collect();
    assert!(invitations.len() >= places.len() * 4, "every attendee got a calendar file ({} of them)", invitations.len());
    for ics in &invitations {
        assert!(ics.contains("LOCATION:Se mødet i Tovholder"), "{ics}");
        assert!(icalendar::parser::unfold(ics).contains("Sted: se mødet i Tovholder."), "{ics}");
    }
    for m in fresh {
        // The recipient's own address (To, ATTENDEE) is the one thing a mail must name.
        let text = format!("{}\n{}\n{}", m.mail.subject, m.mail.body, m.mail.attachment.as_ref().map_or(String::new(), |a| icalendar::parser::unfold(&a.text))).replace(&m.mail.to, "").to_lowercase();
        let mut words = text.split(|ch: char| !ch.is_alphanumeric());
        if let Some(w) = words.find(|w| names.iter().any(|n| w.starts_with(n.as_str()))) {
            panic!("«{w}» names the family in a mail to {}: {}\n{text}", m.mail.to, m.mail.subject);
        }
    }
    // A registered place does go out, to staff and family alike.
    let r = c
        .post(t.url(&format!("/api/v1/courses/{id}/meeting-actions")))
        .header("x-csrf-token", &csrf)
        .json(
            &serde_json::json!({"action": "plan_meeting", "kind": "netvaerksmoede", "start": format!("{day}T15:00:00"), "place": FF_PLACE, "attendees": [{"person": louise.parse::<i64>().unwrap()}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = r.json().await.unwrap();
    let meeting = view["meetings"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).max().unwrap();
    let r = c
        .post(t.url(&format!("/api/v1/courses/{id}/meeting-actions")))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"action": "send_invitations", "meeting": meeting}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let last = outbox(&t).await.into_iter().find(|m| m.mail.attachment.as_ref().is_some_and(|a| a.text.contains(&format!("tovholder-{id}-{meeting}@")))).expect("the invitation");
    let ics = icalendar::parser::unfold(&last.mail.attachment.unwrap().text);
    assert!(ics.contains(&format!("LOCATION:{}", FF_PLACE.replace(',', "\\,"))), "{ics}");
    assert!(!ics.contains("se mødet i Tovholder"), "{ics}");
}

/// Meeting places are the organisation's own: staff add them in a page of their own (and the
/// API), the planning form offers them, and another organisation neither sees nor removes them.
#[tokio::test]
async fn an_organisations_meeting_places() {
    let t = TestApp::spawn().await;
    let (c, csrf) = t.login("camilla").await;
    let (status, page) = post_form(&t, &c, &csrf, "/moedesteder", &[("name", ""), ("address", "Hold-An Vej 7")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Skriv mødestedets navn") && page.contains("value=\"Hold-An Vej 7\""));
    let (status, _) = post_form(&t, &c, &csrf, "/moedesteder", &[("name", "Ungehuset, lokale 1"), ("address", "Banegårdspladsen 1, 2750 Ballerup")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let places: Vec<Value> = c.get(t.url("/api/v1/meeting-places")).send().await.unwrap().json().await.unwrap();
    assert_eq!(places.len(), 2, "the demo's and the new one: {places:?}");
    let new = places.iter().find(|p| p["name"] == "Ungehuset, lokale 1").unwrap()["id"].as_i64().unwrap();
    let form = c.get(t.url(&format!("/forloeb/{}/moeder/ny?type=startmoede", t.course("Jonas")))).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("<option value=\"Ungehuset, lokale 1, Banegårdspladsen 1, 2750 Ballerup\">"), "the planning form offers it");
    // Furesø's coordinator neither sees nor removes Ballerup's places.
    let (h, hcsrf) = t.login("hanne").await;
    let theirs: Vec<Value> = h.get(t.url("/api/v1/meeting-places")).send().await.unwrap().json().await.unwrap();
    assert!(theirs.iter().all(|p| p["name"] != "Ungehuset, lokale 1"));
    assert_eq!(post_form(&t, &h, &hcsrf, &format!("/moedesteder/{new}/fjern"), &[]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(post_form(&t, &c, &csrf, &format!("/moedesteder/{new}/fjern"), &[]).await.0, StatusCode::SEE_OTHER);
    let r = c.post(t.url("/api/v1/meeting-places")).header("x-csrf-token", &csrf).json(&serde_json::json!({"name": "Lokale 010115-4321", "address": "Her"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no CPR number in a place");
    let places: Vec<Value> = c.get(t.url("/api/v1/meeting-places")).send().await.unwrap().json().await.unwrap();
    assert_eq!(places.len(), 1);
}

/// A meeting on a public holiday or a weekend is saved, with a warning that names the day.
#[tokio::test]
async fn a_meeting_on_a_holiday_or_a_weekend_is_warned_about_not_refused() {
    let t = TestApp::spawn().await;
    let id = t.course("Sofie");
    let (c, csrf) = t.login("hanne").await;
    let louise = members(&t, &c, id, "voksen").await[0].0.clone();
    let today = t.app.clock.today();
    let mut year = today.year();
    let easter_monday = loop {
        let d = tovholder_core::calendar::easter_sunday(year).unwrap().checked_add(jiff::ToSpan::days(1)).unwrap();
        if d > today {
            break d;
        }
        year += 1;
    };
    let mut saturday = today.checked_add(jiff::ToSpan::days(7)).unwrap();
    while saturday.weekday() != jiff::civil::Weekday::Saturday || tovholder_core::calendar::holiday_name(saturday).is_some() {
        saturday = saturday.checked_add(jiff::ToSpan::days(1)).unwrap();
    }
    let mut weekday = saturday.checked_add(jiff::ToSpan::days(2)).unwrap();
    while !tovholder_core::calendar::is_working_day(weekday) {
        weekday = weekday.checked_add(jiff::ToSpan::days(1)).unwrap();
    }
    for (day, warning) in [(easter_monday, Some("Bemærk: mødet ligger på 2. påskedag, en helligdag")), (saturday, Some("Bemærk: mødet ligger på en lørdag")), (weekday, None)] {
        let form = [("csrf", csrf.clone()), ("kind", "netvaerksmoede".into()), ("start", format!("{day}T10:00")), ("place_choice", FF_PLACE.into()), ("attendees", format!("p{louise}"))];
        let r = c.post(t.url(&format!("/forloeb/{id}/moeder"))).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{day}: saved, not refused");
        let meeting = r.headers()["location"].to_str().unwrap().to_string();
        let page = c.get(t.url(&meeting)).send().await.unwrap().text().await.unwrap();
        match warning {
            Some(w) => assert!(page.contains("id=\"day-warning\"") && page.contains(w), "{day}: {w}"),
            None => assert!(!page.contains("id=\"day-warning\""), "{day}: an ordinary weekday"),
        }
    }
}

/// Every task leads to what completes it: Mine opgaver and the course page link straight to
/// the form (opened, its field focused) and say in one line what completing it means; a task
/// whose time has not come shows no completion form up front.
#[tokio::test]
async fn a_task_leads_to_the_form_that_completes_it() {
    let t = TestApp::spawn().await;
    let (tove, _) = t.login("tove").await;
    let william = t.course("William").0;
    let tasks = tove.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    let href = format!("/forloeb/{william}?aaben=form-udpegning&#38;felt=role.kontaktperson#role.kontaktperson");
    assert!(tasks.contains(&format!("<a href=\"{href}\" class=\"task-link\">Udpeg kontaktperson")), "Mine opgaver links to the appointment form: {}", &tasks[tasks.find("<tbody>").unwrap_or(0)..]);
    assert!(tasks.contains("Løses, når kontaktperson er udpeget, og «"), "and says what completes it");
    let page = tove.get(t.url(&href.replace("&#38;", "&"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<details class=\"action\" open><summary>Udpeg til en rolle</summary>"), "the form is opened");
    assert!(page.contains("id=\"role.kontaktperson\" name=\"role.kontaktperson\" autofocus"), "its field is focused");
    let plain = tove.get(t.url(&format!("/forloeb/{william}"))).send().await.unwrap().text().await.unwrap();
    assert!(plain.contains("<details class=\"action\"><summary>Udpeg til en rolle</summary>") && !plain.contains(" autofocus"), "folded without the link");

    // The home's application: done by a date, and Tovholder does not send the letter.
    let (mette, _) = t.login("mette").await;
    let emma = t.course("Emma").0;
    let tasks = mette.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(tasks.contains(&format!("/forloeb/{emma}?aaben=form-datoer&#38;felt=date.tilsagn#date.tilsagn")));
    assert!(tasks.contains("(Tovholder sender det ikke)"));
    let page = mette.get(t.url(&format!("/forloeb/{emma}?aaben=form-datoer&felt=date.tilsagn"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<details class=\"action\" open><summary>Sæt eller ret datoer</summary>"));
    assert!(page.contains("id=\"date.tilsagn\" name=\"date.tilsagn\" value=\"\" autofocus"));

    // Noah's stay is under way: the follow-up contact's time has not come.
    let (jonas, _) = t.login("jonas").await;
    let page = jonas.get(t.url(&format!("/forloeb/{}", t.course("Noah").0))).send().await.unwrap().text().await.unwrap();
    let row = &page[page.find("data-task=\"kontakt_efter_opfoelgning\"").expect("the follow-up contact task")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("data-status=\"upcoming\"") || row.contains("<summary>Afslut før tid</summary>"), "{row}");
    assert!(row.contains("<summary>Afslut før tid</summary>"), "an upcoming task's form is folded away: {row}");
}

/// A task's link is shown only to whoever has its form: tove sees that the kontaktpædagog
/// sends the statement, without a link to a form she does not have.
#[tokio::test]
async fn a_task_link_is_shown_only_to_whoever_has_its_form() {
    let t = TestApp::spawn().await;
    let william = t.course("William").0;
    let (tove, _) = t.login("tove").await;
    let page = tove.get(t.url(&format!("/forloeb/{william}"))).send().await.unwrap().text().await.unwrap();
    let row = &page[page.find("data-task=\"udtalelse_handleplan\"").expect("the statement task")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("Løses, når udtalelse og handleplan er sendt til tovholder."), "{row}");
    assert!(!row.contains("task-link"), "tove cannot write the home's statement: {row}");
    let (jonas, _) = t.login("jonas").await;
    let page = jonas.get(t.url(&format!("/forloeb/{william}"))).send().await.unwrap().text().await.unwrap();
    let row = &page[page.find("data-task=\"udtalelse_handleplan\"").unwrap()..];
    assert!(row[..row.find("</tr>").unwrap()].contains("?aaben=form-dokument&#38;felt=doc.kind#doc.kind\" class=\"task-link\">Skriv eller upload dokumentet</a>"));
}

/// The journal is described for its reader: a document's title and recipients appear only to
/// those who may read that document (a home-internal note's title is not the municipality's).
#[tokio::test]
async fn the_journal_names_a_document_only_to_those_who_may_read_it() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf, id) = fresh_course(&t).await;
    let body = serde_json::json!({"kind": "udtalelse", "title": "Intern note om far", "text": "Kun til hjemmet.", "to": []});
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/documents"))).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (tove, _) = t.login("tove").await;
    let journal = tove.get(t.url(&format!("/api/v1/courses/{id}/journal"))).send().await.unwrap().text().await.unwrap();
    assert!(!journal.contains("Intern note om far") && journal.contains("Et dokument blev tilføjet."), "{journal}");
    let page = tove.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Intern note om far") && page.contains("Et dokument blev tilføjet."));
    let page = tove.get(t.url(&format!("/forloeb/{id}?journal=alle"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Intern note om far"));
    // The home, whose note it is, reads it all.
    let journal = mette.get(t.url(&format!("/api/v1/courses/{id}/journal"))).send().await.unwrap().text().await.unwrap();
    assert!(journal.contains("Dokumentet «Intern note om far» (Udtalelse) blev tilføjet."), "{journal}");
    let page = mette.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Intern note om far"));
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
