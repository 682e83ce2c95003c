//! HTTP tests: "Hvem har set forløbet". The course's coordinator and its organisation's
//! administrator read every read and every refusal of the course, newest first, with who, their
//! organisation and the ground (role, consent, the family's pages); nobody else does (404).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

/// Reads enough to fill more than the log's first page.
const PAGE_FILL: usize = tovholder_app::course_log::PAGE as usize;

/// Reads by three organisations and the family, and a refusal, show with their grounds; a
/// reader by consent and a stranger get 404; the API pages on with `before`.
#[tokio::test]
async fn the_coordinator_sees_who_has_seen_the_course() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let (gitte, _) = t.login("gitte").await;
    assert_eq!(gitte.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().status(), StatusCode::OK, "Sundhedsplejen by consent");
    let (tove, _) = t.login("tove").await;
    assert_eq!(tove.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "Egeskov has nothing to do with it");
    let (hanne, _) = t.login("hanne").await;
    let course = hanne.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(course.contains(&format!("href=\"/forloeb/{bak}/adgangslog\"")), "the course page links to it");

    let page = hanne.get(t.url(&format!("/forloeb/{bak}/adgangslog"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"da\">") && html.contains("<h1>Hvem har set forløbet</h1>"));
    for (who, how) in [("Gitte Skov", "Ved samtykke nr. 1"), ("Tove Lund", "Afvist: ingen tilknytning til forløbet"), ("Hanne Vestergaard", "Som familiekoordinator i familiens fremtid")] {
        assert!(html.lines().any(|l| l.contains(who) && l.contains(how)), "{who}: {how}\n{html}");
    }
    assert!(html.contains("Sundhedsplejen, Furesø Kommune") && html.contains("Egeskov Kommune"), "with their organisations");

    for (user, why) in [("gitte", "a reader by consent"), ("tove", "a stranger"), ("jakob", "another municipality's")] {
        let (c, _) = t.login(user).await;
        assert_eq!(c.get(t.url(&format!("/forloeb/{bak}/adgangslog"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{why}");
        assert_eq!(c.get(t.url(&format!("/api/v1/courses/{bak}/access-log"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{why}");
    }

    // Egeskov's administrator reads the log of Egeskov's course without reading the course.
    let (admin, _) = t.login("admin").await;
    let william = t.course("William");
    assert_eq!(admin.get(t.url(&format!("/forloeb/{william}/adgangslog"))).send().await.unwrap().status(), StatusCode::OK);

    // More reads than a page holds.
    for _ in 0..PAGE_FILL {
        assert_eq!(gitte.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().status(), StatusCode::OK);
    }
    let first: Value = hanne.get(t.url(&format!("/api/v1/courses/{bak}/access-log"))).send().await.unwrap().json().await.unwrap();
    let lines = first["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 50, "a full page");
    let ids: Vec<i64> = lines.iter().map(|l| l["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let older = first["older"].as_i64().expect("the demo's course has more than a page");
    let next: Value = hanne.get(t.url(&format!("/api/v1/courses/{bak}/access-log?before={older}"))).send().await.unwrap().json().await.unwrap();
    assert!(next["lines"].as_array().unwrap().iter().all(|l| l["id"].as_i64().unwrap() < older), "the next page goes on from there");
    // Reading the log is in the log too, and so are the refusals.
    let log = t.app.store.access_log(Some(bak), 500).await.unwrap();
    assert!(log.iter().any(|r| r.action == "read:course_log" && r.allowed && r.reason.starts_with("role:")));
    assert!(log.iter().any(|r| r.action == "read:course_log" && !r.allowed));
}
