//! The API's contract, pinned: the status and JSON body of every `/api/v1` read, and of its
//! 401, 404, 409 and 422 answers, as insta snapshots (tests/snapshots). The demo runs on a
//! clock that stands still, so the answers are the same on any day and on both stores; only
//! what is random by design (CSRF tokens, correlation ids) is redacted.
//!
//! A changed snapshot is a changed contract: look at the `.snap.new` file, and accept it only
//! if the change is meant (rename it over the `.snap`, or `cargo insta review`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestApp;
use serde_json::{Value, json};

/// Monday 7 December 2026, 10:00 in Copenhagen.
fn monday() -> jiff::Timestamp {
    "2026-12-07T09:00:00Z".parse().unwrap()
}

/// Status and body of a GET, as one JSON value.
async fn get(c: &reqwest::Client, t: &TestApp, path: &str) -> Value {
    let r = c.get(t.url(path)).send().await.unwrap();
    answer(r).await
}

async fn answer(r: reqwest::Response) -> Value {
    let status = r.status().as_u16();
    let content_type = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
    let body: Value = r.json().await.unwrap_or(Value::Null);
    json!({"status": status, "content_type": content_type, "body": body})
}

macro_rules! pin {
    ($name:expr, $value:expr) => {
        insta::assert_json_snapshot!($name, $value, {
            ".body.csrf" => "[csrf]",
            ".body.correlation_id" => "[correlation id]",
        })
    };
}

#[tokio::test]
async fn every_api_read_and_its_errors() {
    let t = TestApp::spawn_fixed(monday()).await;
    let william = t.course("William").0;
    let sofie = t.course("Sofie").0;
    let (tove, _) = t.login("tove").await;
    pin!("me", get(&tove, &t, "/api/v1/me").await);
    pin!("courses", get(&tove, &t, "/api/v1/courses").await);
    pin!("my_tasks", get(&tove, &t, "/api/v1/me/tasks").await);
    pin!("course", get(&tove, &t, &format!("/api/v1/courses/{william}")).await);
    pin!("journal", get(&tove, &t, &format!("/api/v1/courses/{william}/journal")).await);
    pin!("organisations", get(&tove, &t, "/api/v1/organisations").await);
    pin!("meeting_places", get(&tove, &t, "/api/v1/meeting-places").await);
    pin!("document", get(&tove, &t, &format!("/api/v1/courses/{william}/documents/1")).await);
    pin!("document_recipients", get(&tove, &t, &format!("/api/v1/courses/{william}/documents/1/recipients")).await);
    let (ole, _) = t.login("ole").await;
    pin!("shared", get(&ole, &t, "/api/v1/shared").await);
    let (hanne, _) = t.login("hanne").await;
    pin!("meeting", get(&hanne, &t, &format!("/api/v1/courses/{sofie}/meetings/1")).await);
    pin!("openapi", get(&t.anonymous(), &t, "/api/openapi.json").await);

    // 401: no session.
    pin!("401_me", get(&t.anonymous(), &t, "/api/v1/me").await);
    // 404: no such course, another organisation's course, an id that is no number.
    pin!("404_no_course", get(&tove, &t, "/api/v1/courses/999999").await);
    let (lars, _) = t.login("lars").await;
    pin!("404_not_yours", get(&lars, &t, &format!("/api/v1/courses/{william}")).await);
    pin!("404_bad_id", get(&tove, &t, &format!("/api/v1/courses/{william}/documents/99999999999")).await);
    // 422: a registration with nothing right in it.
    let (mette, mcsrf) = t.login("mette").await;
    let r =
        mette.post(t.url("/api/v1/courses")).header("x-csrf-token", &mcsrf).json(&json!({"model": "julemaerkehjem", "parties": {}, "family": [], "dates": {}, "decisions": {}})).send().await.unwrap();
    pin!("422_open_course", answer(r).await);
    // 409: a change made on an older version of what someone else changed since.
    let version = t.app.store.course(t.course("William")).await.unwrap().unwrap().version;
    let dates = |d: &str| json!({"dates": {"infodag": d}});
    let r = mette.post(t.url(&format!("/api/v1/courses/{william}/dates"))).header("x-csrf-token", &mcsrf).header("if-match", format!("\"{version}\"")).json(&dates("2026-12-10")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (jonas, jcsrf) = t.login("jonas").await;
    let r = jonas.post(t.url(&format!("/api/v1/courses/{william}/dates"))).header("x-csrf-token", &jcsrf).header("if-match", format!("\"{version}\"")).json(&dates("2026-12-11")).send().await.unwrap();
    pin!("409_dates", answer(r).await);
}
