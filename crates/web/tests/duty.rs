//! HTTP tests: "Beredskab", an organisation's on-call duty. Its administrator sets opening
//! hours and shifts (refused with the reason where wrong); its staff see who is on call at
//! 02:00 on a Sunday (injected clock) and the gaps ahead; nobody else edits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn the_administrator_plans_the_duty_and_staff_see_who_is_on_call_at_two_on_sunday() {
    // Saturday 3 April 2027, 12:00 in Copenhagen (summer time).
    let t = TestApp::spawn_fixed("2027-04-03T10:00:00Z".parse().unwrap()).await;
    let (admin, csrf) = t.login("admin").await;
    let staff = |name: &str| t.seeded.users[name].person.0.to_string();
    let hours: Vec<Value> = (1..=5).map(|d| serde_json::json!({"weekday": d, "opens": "08:00", "closes": "16:00"})).collect();
    let r = admin.put(t.url("/api/v1/duty/opening-hours")).header("x-csrf-token", &csrf).json(&hours).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let add = |person: String, from: &'static str, to: &'static str, phone: &'static str| {
        let form = [("csrf", csrf.clone()), ("person", person), ("from", from.into()), ("to", to.into()), ("phone", phone.into())];
        admin.post(t.url("/beredskab/vagter")).form(&form).send()
    };
    let r = add(staff("karim"), "2027-04-04T08:00", "2027-04-03T16:00", "+45 70 12 34 56").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Vagten skal slutte, efter den begynder."));
    let r = add(staff("karim"), "2027-04-03T16:00", "2027-04-04T08:00", "ring til Karim").await.unwrap();
    assert!(r.text().await.unwrap().contains("Skriv vagttelefonens nummer"));
    let r = add(staff("mette"), "2027-04-03T16:00", "2027-04-04T08:00", "+45 70 12 34 56").await.unwrap();
    assert!(r.text().await.unwrap().contains("Vælg en medarbejder i organisationen."), "someone of another organisation");
    assert_eq!(add(staff("karim"), "2027-04-03T16:00", "2027-04-04T08:00", "+45 70 12 34 56").await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(add(staff("sara"), "2027-04-04T10:00", "2027-04-05T08:00", "+45 70 12 34 57").await.unwrap().status(), StatusCode::SEE_OTHER);

    // Staff see the roster and its gaps, but no forms; they cannot add.
    let (tove, tcsrf) = t.login("tove").await;
    let page = tove.get(t.url("/beredskab")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Ingen har vagten lige nu.") && !page.contains("id=\"form-vagt\""), "{page}");
    assert!(page.contains("4. apr. 2027 kl. 8.00 – 4. apr. 2027 kl. 10.00"), "Sunday morning's gap: {page}");
    assert_eq!(
        post_form(&t, &tove, &tcsrf, "/beredskab/vagter", &[("person", &staff("tove")), ("from", "2027-04-06T16:00"), ("to", "2027-04-07T08:00"), ("phone", "+45 70 12 34 56")]).await.0,
        StatusCode::NOT_FOUND
    );

    // 02:00 on Sunday night: Karim has the duty, with his phone.
    t.app.clock.advance(jiff::SignedDuration::from_hours(14));
    let (tove, _) = t.login("tove").await;
    let roster: Value = tove.get(t.url("/api/v1/duty")).send().await.unwrap().json().await.unwrap();
    let now = roster["on_call_now"].as_array().unwrap();
    assert_eq!(now.len(), 1, "{roster}");
    assert_eq!((now[0]["name"].as_str(), now[0]["phone"].as_str()), (Some("Karim Aziz"), Some("+45 70 12 34 56")));
    let page = tove.get(t.url("/beredskab")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("href=\"tel:+4570123456\"") && page.contains("Ring +45 70 12 34 56"), "{page}");

    // The administrator removes Sara's shift through the API.
    let (admin, csrf) = t.login("admin").await;
    let roster: Value = admin.get(t.url("/api/v1/duty")).send().await.unwrap().json().await.unwrap();
    let sara = roster["shifts"].as_array().unwrap().iter().find(|s| s["name"] == "Sara Berg").unwrap()["id"].as_i64().unwrap();
    assert_eq!(admin.delete(t.url(&format!("/api/v1/duty/shifts/{sara}"))).header("x-csrf-token", &csrf).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    let roster: Value = admin.get(t.url("/api/v1/duty")).send().await.unwrap().json().await.unwrap();
    assert_eq!(roster["shifts"].as_array().unwrap().len(), 1);
    assert!(t.app.store.access_log(None, 200).await.unwrap().iter().any(|r| r.action.starts_with("admin:duty_shift_removed:")), "edits are logged");

    // The demo's Julemærkehjem has a week of evening and night shifts, and open weekend days.
    let (mette, _) = t.login("mette").await;
    let roster: Value = mette.get(t.url("/api/v1/duty")).send().await.unwrap().json().await.unwrap();
    assert_eq!(roster["org_name"], "Julemærkehjemmet Fjordlyst");
    assert_eq!(roster["on_call_now"][0]["name"], "Jonas Holm", "{roster}");
    assert!(!roster["gaps_da"].as_array().unwrap().is_empty() && roster["shifts"].as_array().unwrap().len() >= 6, "{roster}");
}
