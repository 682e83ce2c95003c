//! HTTP tests: the family's consent: the form, signatures, what it opens and closes, youths who sign.
//! A real server on port 0 over a fresh store with the demo data (SQLite, or PostgreSQL with
//! TOVHOLDER_TEST_STORE=postgres), driven by real HTTP as the demo's users.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use tovholder_app::demo;
use tovholder_core::ids::CourseId;

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
