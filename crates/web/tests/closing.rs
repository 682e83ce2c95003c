//! HTTP tests: closing a course and opening it again. A closed course can be read, not changed
//! (nor by the family), it leaves the task lists, and only the model's closing roles close or
//! reopen it, with a reason from the model's list.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn my_task_courses(t: &TestApp, c: &reqwest::Client) -> Vec<i64> {
    let tasks: Vec<Value> = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    tasks.iter().map(|x| x["course"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn a_closed_course_is_read_only_and_off_the_task_lists_until_reopened() {
    let t = TestApp::spawn().await;
    let william = t.course("William");
    let (tove, csrf) = t.login("tove").await;
    assert!(my_task_courses(&t, &tove).await.contains(&william.0), "William's course has tasks for tove");
    let page = tove.get(t.url(&format!("/forloeb/{william}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("action=\"/forloeb/{william}/luk?version=")), "the tovholder may close it");

    // No reason: refused, nothing changed. Karim (rådgiver) is not among the model's closers.
    let version = t.app.store.course(william).await.unwrap().unwrap().version;
    let (status, html) = post_form(&t, &tove, &csrf, &format!("/forloeb/{william}/luk"), &[("reason", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Vælg, hvorfor forløbet lukkes."), "{html}");
    assert_eq!(t.app.store.course(william).await.unwrap().unwrap().version, version, "nothing changed");
    // Bo leads the Bak family's meetings but is not among Furesø's closers.
    let bak = t.course("Sofie");
    let (bo, bcsrf) = t.login("bo").await;
    let r = bo.post(t.url(&format!("/api/v1/courses/{bak}/close"))).header("x-csrf-token", &bcsrf).json(&json!({"reason": "afsluttet"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "only the model's closing roles");
    assert!(r.text().await.unwrap().contains("Lukning af et forløb kan kun gøres af"), "and it says who");

    let (status, _) = post_form(&t, &tove, &csrf, &format!("/forloeb/{william}/luk"), &[("reason", "afsluttet"), ("note", "Opfølgningen er holdt.")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = tove.get(t.url(&format!("/forloeb/{william}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"closed\"") && page.contains("Opholdet og opfølgningen er afsluttet") && page.contains("Opfølgningen er holdt."), "the banner says why");
    assert!(!page.contains(&format!("action=\"/forloeb/{william}/datoer")), "no forms to change anything");
    assert!(!my_task_courses(&t, &tove).await.contains(&william.0), "off the task lists");

    // Every change is refused, through the page and the API.
    let version = t.app.store.course(william).await.unwrap().unwrap().version;
    let r = tove.post(t.url(&format!("/api/v1/courses/{william}/fields"))).header("x-csrf-token", &csrf).json(&json!({"field": "aktiviteter", "value": "Familiedag i januar"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Forløbet er lukket"));
    assert_eq!(t.app.store.course(william).await.unwrap().unwrap().version, version, "nothing changed");
    assert_eq!(tove.get(t.url(&format!("/forloeb/{william}"))).send().await.unwrap().status(), StatusCode::OK, "it is still read");

    // Reopened, with why; it is back on the lists and takes changes again.
    let (status, html) = post_form(&t, &tove, &csrf, &format!("/forloeb/{william}/genaabn"), &[("note", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "why is needed");
    assert!(html.contains("Skriv, hvorfor forløbet genåbnes."));
    let r = tove.post(t.url(&format!("/api/v1/courses/{william}/reopen"))).header("x-csrf-token", &csrf).json(&json!({"note": "Familien har bedt om et møde mere."})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert!(my_task_courses(&t, &tove).await.contains(&william.0), "back on the task lists");
    let journal = t.app.store.journal(william).await.unwrap();
    let kinds: Vec<&str> = journal.iter().map(|e| e.event.kind()).collect();
    assert!(kinds.contains(&"course_closed") && kinds.contains(&"course_reopened"), "journaled");
}

/// The family reads a closed course and does nothing on it but withdraw a consent.
#[tokio::test]
async fn the_family_does_nothing_on_a_closed_course() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let (hanne, csrf) = t.login("hanne").await;
    let (status, _) = post_form(&t, &hanne, &csrf, &format!("/forloeb/{bak}/luk"), &[("reason", "afsluttet")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = family_login(&t, "louise.bak@familie.example").await;
    let page = c.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "still read");
    let page = page.text().await.unwrap();
    let version = t.app.store.course(bak).await.unwrap().unwrap().version;
    let r = c.post(t.url(&format!("/familie/forloeb/{bak}/moeder/2/forberedelse"))).form(&[("csrf", hidden_csrf(&page).as_str()), ("answer1", "Noget")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Forløbet er lukket"));
    assert_eq!(t.app.store.course(bak).await.unwrap().unwrap().version, version, "nothing changed");
    let r = c.post(t.url(&format!("/familie/forloeb/{bak}/samtykker/1/tilbagekald"))).form(&[("csrf", hidden_csrf(&page).as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a consent can always be withdrawn");
}
