//! The family plan through the API: a route per command, each row naming the action it needs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Network, goal, measurement, status and a new plan version, each by its own route; the plan
/// page then shows them, and a reader by consent may do none of it.
#[tokio::test]
async fn the_family_plan_has_a_route_per_command() {
    let t = TestApp::spawn().await;
    let id = t.course("Sofie");
    let (c, csrf) = t.login("hanne").await;
    let louise: i64 = members(&t, &c, id, "voksen").await[0].0.parse().unwrap();
    let today = t.app.clock.today().to_string();
    let docs = |v: &Value| v["documents"].as_array().unwrap().len();
    let before: Value = c.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().json().await.unwrap();
    for (path, body) in [
        ("network", json!({"quadrant": "familie", "name": "Morfar Bent", "relation": "Morfar"})),
        ("goals", json!({"text": "Sofie kommer i skole hver dag", "when": "Inden sommerferien"})),
        ("status", json!({"person": louise, "text": "Louise har fået ro på morgenerne"})),
        ("family-plan", json!({})),
    ] {
        let r = c.post(t.url(&format!("/api/v1/courses/{id}/{path}"))).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}: {}", r.text().await.unwrap());
    }
    let r = c.post(t.url(&format!("/api/v1/courses/{id}/measurements"))).header("x-csrf-token", &csrf).json(&json!({"indicator": "ukendt", "on": today, "value": "3"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "an indicator the model does not have");
    let page = c.get(t.url(&format!("/forloeb/{id}/familieplan"))).send().await.unwrap().text().await.unwrap();
    for shown in ["Morfar Bent", "Sofie kommer i skole hver dag", "Louise har fået ro på morgenerne"] {
        assert!(page.contains(shown), "{shown} on the plan page");
    }
    let course: Value = c.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(docs(&course), docs(&before) + 1, "the issued version is among the course's documents");
    let (g, gcsrf) = t.login("gitte").await;
    let r = g.post(t.url(&format!("/api/v1/courses/{id}/goals"))).header("x-csrf-token", &gcsrf).json(&json!({"text": "Gittes mål"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
