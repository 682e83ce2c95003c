//! HTTP tests: correcting the family after a course is opened. A coordinator adds a family
//! member, corrects one (name, e-mail, CPR number, custody) and takes one out, each journaled
//! with why; others are refused, and a refusal changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use tovholder_core::course::Event;

#[tokio::test]
async fn a_coordinator_adds_corrects_and_removes_family_members() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let (hanne, csrf) = t.login("hanne").await;
    let page = hanne.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("action=\"/forloeb/{bak}/familie/tilfoej?version=")), "the coordinator may add");
    let version = t.app.store.course(bak).await.unwrap().unwrap().version;

    // Refusals first: no why, a CPR number that is no date; Bo is no coordinator.
    let add = format!("/forloeb/{bak}/familie/tilfoej");
    let (status, html) = post_form(&t, &hanne, &csrf, &add, &[("role", "voksen"), ("name", "Peter Bak"), ("cpr", "120285-4313"), ("custody", "ja"), ("why", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Skriv, hvorfor familien rettes."), "{html}");
    let (status, _) = post_form(&t, &hanne, &csrf, &add, &[("role", "voksen"), ("name", "Peter Bak"), ("cpr", "320285-4313"), ("why", "Far")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a CPR number that is no date");
    let (bo, bcsrf) = t.login("bo").await;
    let r = bo.post(t.url(&format!("/api/v1/courses/{bak}/family"))).header("x-csrf-token", &bcsrf).json(&json!({"role": "voksen", "name": "Peter Bak", "why": "Far"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("At rette familien kan kun gøres af"));
    assert_eq!(t.app.store.course(bak).await.unwrap().unwrap().version, version, "nothing changed");

    let (status, _) =
        post_form(&t, &hanne, &csrf, &add, &[("role", "voksen"), ("name", "Peter Bak"), ("cpr", "120285-4313"), ("custody", "ja"), ("why", "Faderen har fået fælles forældremyndighed.")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let state = t.app.store.course(bak).await.unwrap().unwrap().state;
    let parents: Vec<_> = state.members.iter().filter(|m| m.role == "voksen").collect();
    assert_eq!(parents.len(), 2, "a second parent");
    let peter = parents[1].person;
    assert_eq!(parents[1].custody, Some(true));
    let page = hanne.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Peter Bak") && page.contains("120285-XXXX"), "listed, CPR masked");

    // Louise's e-mail corrected: her login goes by the new address from now on.
    let louise = state.members.iter().find(|m| m.role == "voksen").unwrap().person;
    let r = hanne
        .post(t.url(&format!("/api/v1/courses/{bak}/family/{louise}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"email": "louise@ny.example", "why": "Louise har fået ny e-mailadresse."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let person = t.app.store.persons(&[louise]).await.unwrap().remove(0);
    assert_eq!(person.email.as_deref(), Some("louise@ny.example"));
    assert_eq!(t.app.store.family_by_email("louise@ny.example").await.unwrap().len(), 1, "found by the new address");
    assert!(t.app.store.family_by_email("louise.bak@familie.example").await.unwrap().is_empty(), "not by the old");

    // Peter taken out again; the last family member never is.
    let (status, _) = post_form(&t, &hanne, &csrf, &format!("/forloeb/{bak}/familie/{peter}/fjern"), &[("role", "voksen"), ("why", "Registreret ved en fejl.")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(!t.app.store.course(bak).await.unwrap().unwrap().state.members.iter().any(|m| m.person == peter));

    let journal = t.app.store.journal(bak).await.unwrap();
    assert!(journal.iter().any(|e| matches!(&e.event, Event::FamilyMemberAdded { person, why, .. } if *person == peter && why.contains("fælles forældremyndighed"))));
    assert!(journal.iter().any(|e| matches!(&e.event, Event::FamilyMemberCorrected { person, changed, .. } if *person == louise && changed == &vec!["email".to_string()])));
    assert!(journal.iter().any(|e| matches!(&e.event, Event::FamilyMemberRemoved { person, .. } if *person == peter)));
}

/// A family member can be marked with name and address protection as the course is opened, so
/// their name is never on the family's side from the first moment.
#[tokio::test]
async fn protection_can_be_marked_when_the_course_is_opened() {
    let t = TestApp::spawn().await;
    let (hanne, csrf) = t.login("hanne").await;
    let form = hanne.get(t.url("/forloeb/ny")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("Navne- og adressebeskyttelse"), "the registration form offers the mark");
    let body = json!({
        "model": "familiens_fremtid", "parties": {"kommune": org(&t, "Furesø Kommune").parse::<i64>().unwrap()},
        "family": [{"role": "voksen", "name": "Karen Lund", "email": "karen@familie.example", "cpr": "120390-4318", "custody": true, "protected": true}, {"role": "barn", "name": "Liva Lund", "cpr": "050518-4322"}],
        "dates": {"visiteret": t.app.clock.today().to_string()}, "decisions": {}
    });
    let r = hanne.post(t.url("/api/v1/courses")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let id = tovholder_core::ids::CourseId(r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap());
    let state = t.app.store.course(id).await.unwrap().unwrap().state;
    let karen = state.members.iter().find(|m| m.role == "voksen").unwrap().person;
    assert!(state.protected.contains(&karen) && state.protected.len() == 1, "only Karen is marked");
    let list = hanne.get(t.url("/forloeb")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("Liva Lund") && !list.contains("Karen Lund"), "the course is not named after her");
}
