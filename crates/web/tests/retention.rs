//! HTTP tests: keeping and erasing closed courses, with the clock moved. By default nothing is
//! ever erased; with "erase after 1 year" for every organisation, an export made after closing
//! and no legal hold, the course is erased when its period has passed: the anonymous stub
//! remains, the child's and parent's data are gone from every table, and `audit verify` holds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use tovholder_core::ids::CourseId;
use tovholder_core::retention::Verdict;

const CHILD: &str = "Vilma Storgaard";
const CHILD_CPR: &str = "030316-4322";
const PARENT: &str = "Kasper Storgaard";
const PARENT_EMAIL: &str = "kasper.storgaard@familie.example";

async fn verdict(t: &TestApp, id: i64) -> Option<Verdict> {
    let lines = tovholder_app::retention::run(&t.app, true).await.unwrap();
    lines.into_iter().find(|l| l.course == CourseId(id)).map(|l| l.verdict)
}

#[tokio::test]
async fn a_closed_course_is_erased_only_when_every_rule_says_so_and_leaves_a_signed_stub() {
    // Early in 2024, so the database's own clock (PostgreSQL checks again) has passed the period.
    let t = TestApp::spawn_fixed("2024-01-10T09:00:00Z".parse().unwrap()).await;
    let (mette, csrf) = t.login("mette").await;
    let body = serde_json::json!({
        "model": "julemaerkehjem",
        "parties": {"municipality": t.seeded.orgs["Egeskov Kommune"]},
        "family": [{"role": "barn", "name": CHILD, "cpr": CHILD_CPR}, {"role": "foraelder", "name": PARENT, "email": PARENT_EMAIL}],
        "dates": {"ansoegning": "2024-01-08"},
        "decisions": {"samarbejde": "ja"}
    });
    let r = mette.post(t.url("/api/v1/courses")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // A notice to the parent in the outbox, and a written document.
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/dates"))).header("x-csrf-token", &csrf).json(&serde_json::json!({"dates": {"tilsagn": "2024-01-10"}})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let form = reqwest::multipart::Form::new().text("csrf", csrf.clone()).text("kind", "handleplan").text("title", format!("Handleplan for {CHILD}")).text("text", format!("{CHILD} trives i skolen."));
    assert_eq!(mette.post(t.url(&format!("/forloeb/{id}/dokumenter"))).multipart(form).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/close"))).header("x-csrf-token", &csrf).json(&serde_json::json!({"reason": "afsluttet"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert!(!t.columns_holding(PARENT_EMAIL).await.is_empty(), "the search finds what is there");
    assert!(t.columns_holding(CHILD).await.contains(&"persons.name".to_string()));

    // The default keeps everything, however long.
    t.app.clock.advance_days(365 * 20);
    assert!(matches!(verdict(&t, id).await, Some(Verdict::Keep(why)) if why.iter().any(|w| w.contains("opbevarer forløb"))));
    t.app.clock.advance_days(-(365 * 20));

    // Erase after one year, for both organisations: the municipality's on its page (a wrong
    // number refused first), the home's through the API.
    let (admin, acsrf) = t.login("admin").await;
    let (hanne, _) = t.login("hanne").await;
    let parties = t.app.store.course(CourseId(id)).await.unwrap().unwrap().state.parties.clone();
    let (home, kommune) = (parties["home"].0, parties["municipality"].0);
    let page = admin.get(t.url(&format!("/admin/organisationer/{kommune}/opbevaring"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Alle samarbejdsmodeller: Opbevares"), "{page}");
    let (status, page) = post_form(&t, &admin, &acsrf, &format!("/admin/organisationer/{kommune}/opbevaring"), &[("model", ""), ("rule", "erase"), ("years", "0")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Skriv antal år som et helt tal fra 1 til 100."));
    let (status, _) = post_form(&t, &admin, &acsrf, &format!("/admin/organisationer/{kommune}/opbevaring"), &[("model", ""), ("rule", "erase"), ("years", "1")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(hanne.get(t.url(&format!("/admin/organisationer/{kommune}/opbevaring"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = admin
        .put(t.url(&format!("/api/v1/admin/organisations/{home}/retention")))
        .header("x-csrf-token", &acsrf)
        .json(&serde_json::json!({"model": "julemaerkehjem", "rule": {"rule": "erase", "years": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rules: Value = r.json().await.unwrap();
    assert_eq!(rules.as_array().unwrap().iter().find(|l| l["model"] == "julemaerkehjem").unwrap()["rule"], serde_json::json!({"rule": "erase", "years": 1}));
    assert!(matches!(verdict(&t, id).await, Some(Verdict::Keep(why)) if why.iter().any(|w| w.starts_with("Opbevaringsperioden slutter"))));
    t.app.clock.advance_days(400);
    assert!(matches!(verdict(&t, id).await, Some(Verdict::Keep(why)) if why == ["Forløbet er ikke eksporteret, efter det blev lukket."]), "no export yet");

    // The course's "Opbevaring": for its coordinators and its organisations' administrators.
    let (mette, csrf) = t.login("mette").await;
    let (hanne, _) = t.login("hanne").await;
    assert_eq!(hanne.get(t.url(&format!("/forloeb/{id}/opbevaring"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(hanne.post(t.url(&format!("/api/v1/courses/{id}/export"))).header("x-csrf-token", csrf_of(&t, &hanne).await).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let page = mette.get(t.url(&format!("/forloeb/{id}/opbevaring"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Forløbet er ikke eksporteret, efter det blev lukket.") && page.contains("Slettes 1 år efter lukning"), "{page}");
    let r = mette.post(t.url(&format!("/forloeb/{id}/opbevaring/eksport"))).form(&[("csrf", csrf.as_str()), ("format", "pdf")]).send().await.unwrap();
    assert_eq!(r.headers()["content-disposition"], format!("attachment; filename=\"forloeb-{id}.pdf\""));
    let pdf = pdftotext(&r.bytes().await.unwrap());
    assert!(pdf.contains("Journal") && pdf.contains(&format!("{CHILD} trives i skolen.")), "{pdf}");
    assert!(matches!(verdict(&t, id).await, Some(Verdict::Keep(_))), "the PDF alone is not the whole course");
    let r = mette.post(t.url(&format!("/forloeb/{id}/opbevaring/eksport"))).form(&[("csrf", csrf.as_str()), ("format", "json")]).send().await.unwrap();
    let json: Value = r.json().await.unwrap();
    assert!(json["persons"].to_string().contains(CHILD_CPR) && json["documents"][0]["content_base64"].is_string(), "the export is whole");
    assert!(t.app.store.access_log(Some(CourseId(id)), 50).await.unwrap().iter().any(|r| r.action == "read:export:json" && r.allowed), "logged");

    // A legal hold stops it.
    let (admin, acsrf) = t.login("admin").await;
    let hold = |on: bool| admin.put(t.url(&format!("/api/v1/courses/{id}/legal-hold"))).header("x-csrf-token", &acsrf).json(&serde_json::json!({"on": on})).send();
    let standing: Value = hold(true).await.unwrap().json().await.unwrap();
    assert_eq!((standing["legal_hold"].as_bool(), standing["due"].as_bool()), (Some(true), Some(false)), "{standing}");
    tovholder_app::retention::run(&t.app, false).await.unwrap();
    assert!(t.app.store.course(CourseId(id)).await.unwrap().is_some(), "held: not erased");
    let standing: Value = hold(false).await.unwrap().json().await.unwrap();
    assert_eq!(standing["due"].as_bool(), Some(true), "{standing}");

    // Due: erased.
    assert_eq!(verdict(&t, id).await, Some(Verdict::Erase));
    let head = t.app.store.head(CourseId(id)).await.unwrap().unwrap();
    // An erasure decided on an older version (someone wrote since) is refused in its transaction.
    let stale = tovholder_store::Erasure { course: CourseId(id), stub: "{}".into(), head_seq: head.0 - 1, head_hash: "x".into(), erased: t.app.clock.now(), mac: "x".into() };
    assert!(matches!(t.app.store.erase_course(&stale, &[]).await, Err(tovholder_store::StoreError::Conflict { .. })));
    assert!(t.app.store.course(CourseId(id)).await.unwrap().is_some() && t.app.store.erasures().await.unwrap().is_empty(), "nothing erased, nothing recorded");
    let run = tovholder_app::retention::run(&t.app, false).await.unwrap();
    let line = run.iter().find(|l| l.course == CourseId(id)).unwrap();
    assert_eq!((&line.verdict, &line.failed), (&Verdict::Erase, &None));
    assert!(t.app.store.course(CourseId(id)).await.unwrap().is_none());
    assert!(t.app.store.journal(CourseId(id)).await.unwrap().is_empty());
    for needle in [CHILD, PARENT, PARENT_EMAIL, "Storgaard", "trives i skolen"] {
        assert_eq!(t.columns_holding(needle).await, Vec::<String>::new(), "{needle} is gone from every table");
    }
    let cpr = tovholder_core::cpr::Cpr::parse(CHILD_CPR).unwrap();
    assert_eq!(t.columns_holding(&t.app.keys.cpr_index(&cpr)).await, Vec::<String>::new(), "the CPR number's blind index too");
    // The stub: no names, months not dates, signed over the journal's head.
    let erasures = t.app.store.erasures().await.unwrap();
    let stub = erasures.iter().find(|e| e.course == CourseId(id)).unwrap();
    assert_eq!((stub.head_seq, &stub.head_hash), (head.0, &head.1));
    let s: Value = serde_json::from_str(&stub.stub).unwrap();
    assert_eq!((s["model"].as_str(), s["closed"].as_str(), s["documents"].as_u64(), s["family"].as_u64()), (Some("julemaerkehjem"), Some("2024-01"), Some(1), Some(2)));
    assert_eq!(tovholder_store::verify_erasures(t.app.store.as_ref(), &t.app.keys).await.unwrap(), Vec::<String>::new());
    // The access log keeps its rows, pointing at the stub, and its chain holds.
    assert!(t.app.store.access_log(Some(CourseId(id)), 10).await.unwrap().iter().any(|r| r.action == "write:erased"));
    assert_eq!(t.app.store.check_access_chain().await.unwrap().broken, None);
    // The other courses are untouched and verify.
    for other in t.app.store.course_ids().await.unwrap() {
        assert_eq!(tovholder_store::verify_course(t.app.store.as_ref(), &t.app.keys, other).await.unwrap(), None);
    }
    // The course is gone for everyone.
    assert_eq!(mette.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

/// An administrator of one of its organisations reopens a closed course without holding a role
/// in it; the why is required and journaled in their name. Nobody else may.
#[tokio::test]
async fn an_administrator_reopens_a_closed_course() {
    let t = TestApp::spawn().await;
    let (mette, csrf, id) = fresh_course(&t).await;
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/close"))).header("x-csrf-token", &csrf).json(&serde_json::json!({"reason": "afsluttet"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (admin, acsrf) = t.login("admin").await;
    let page = admin.get(t.url(&format!("/forloeb/{id}/opbevaring"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"form-genaabn\""), "{page}");
    let mette_page = mette.get(t.url(&format!("/forloeb/{id}/opbevaring"))).send().await.unwrap().text().await.unwrap();
    assert!(!mette_page.contains("id=\"form-genaabn\""), "the coordinator reopens on the course page");
    let (status, page) = post_form(&t, &admin, &acsrf, &format!("/forloeb/{id}/opbevaring/genaabn"), &[("note", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Skriv, hvorfor forløbet genåbnes."));
    let (hanne, hcsrf) = t.login("hanne").await;
    assert_eq!(post_form(&t, &hanne, &hcsrf, &format!("/forloeb/{id}/opbevaring/genaabn"), &[("note", "Fejl")]).await.0, StatusCode::NOT_FOUND);
    assert!(t.app.store.course(CourseId(id)).await.unwrap().unwrap().state.closed.is_some(), "still closed");
    let (status, _) = post_form(&t, &admin, &acsrf, &format!("/forloeb/{id}/opbevaring/genaabn"), &[("note", "Lukket ved en fejl.")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let course = t.app.store.course(CourseId(id)).await.unwrap().unwrap();
    assert!(course.state.closed.is_none());
    let last = t.app.store.journal(CourseId(id)).await.unwrap().pop().unwrap();
    let admin_id = t.app.store.user_by_name("admin").await.unwrap().unwrap().person;
    assert_eq!((last.stamp.by, &last.event), (admin_id, &tovholder_core::course::Event::CourseReopened { note: "Lukket ved en fejl.".into() }));
}

/// On an instance set up from empty as the README says: the first administrator takes a
/// changed model into use, a coordinator opens a course under it, closes it, and it is kept
/// until the municipality's rule says erase and the coordinator has exported it; then the daily
/// run erases it and the rest verifies.
#[tokio::test]
async fn a_course_lives_and_goes_on_an_instance_set_up_from_empty() {
    let t = TestApp::spawn_empty().await;
    let (root, csrf, org, mia, mcsrf) = from_empty_with_coordinator(&t).await;
    // Version 2 of Familiens Fremtid: the model's text with one changed label.
    let v2 = include_str!("../../../models/familiens_fremtid.toml").replacen("name = \"", "name = \"Prøvekommunens ", 1);
    let r = root.post(t.url("/api/v1/admin/models")).header("x-csrf-token", &csrf).header("content-type", "text/plain").body(v2).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["version"], 2);
    let id = lund_course(&t, &mia, &mcsrf, org).await;
    let course: Value = mia.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!((course["model_version"].as_u64(), course["model_name"].as_str().map(|n| n.starts_with("Prøvekommunens"))), (Some(2), Some(true)));
    let reasons = t.app.models.get("familiens_fremtid").unwrap().closing.as_ref().unwrap().reasons.keys().next().unwrap().clone();
    let r = mia.post(t.url(&format!("/api/v1/courses/{id}/close"))).header("x-csrf-token", &mcsrf).json(&serde_json::json!({"reason": reasons})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    let r = root
        .put(t.url(&format!("/api/v1/admin/organisations/{org}/retention")))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"model": "", "rule": {"rule": "erase", "years": 2}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let standing: Value = mia.get(t.url(&format!("/api/v1/courses/{id}/retention"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(standing["kept_because"].as_array().unwrap().len(), 2, "the period and the export: {standing}");
    let export = mia.post(t.url(&format!("/api/v1/courses/{id}/export"))).header("x-csrf-token", &mcsrf).send().await.unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let export: Value = export.json().await.unwrap();
    assert_eq!((export["model"].as_str(), export["model_version"].as_u64()), (Some("familiens_fremtid"), Some(2)));

    // The database's own clock checks too (PostgreSQL): the erasure waits for real time there,
    // so this instance's run happens in the app with the clock two years on, on SQLite alone.
    if std::env::var("TOVHOLDER_TEST_STORE").as_deref() == Ok("postgres") {
        return;
    }
    t.app.clock.advance_days(2 * 366);
    let lines = tovholder_app::retention::run(&t.app, false).await.unwrap();
    assert_eq!(lines.iter().map(|l| (l.course, &l.verdict, &l.failed)).collect::<Vec<_>>(), vec![(id, &Verdict::Erase, &None)]);
    assert!(t.app.store.course(id).await.unwrap().is_none());
    assert_eq!(t.columns_holding("Liva Lund").await, Vec::<String>::new());
    assert_eq!(tovholder_store::verify_erasures(t.app.store.as_ref(), &t.app.keys).await.unwrap(), Vec::<String>::new());
}

/// The access log expires under its own keeping, in whole batches from the oldest; its chain
/// still verifies from the cut, and a row above the cut cannot be deleted behind its back.
#[tokio::test]
async fn the_access_log_expires_in_whole_batches_and_its_chain_still_verifies() {
    let config = tovholder_app::AppConfig { access_log_keep_years: Some(1), ..tovholder_app::AppConfig::default() };
    let t = TestApp::spawn_on(config, tovholder_app::Clock::fixed("2024-01-10T09:00:00Z".parse().unwrap())).await;
    let noah = t.course("Noah");
    let (tove, _) = t.login("tove").await;
    assert_eq!(tove.get(t.url(&format!("/forloeb/{noah}"))).send().await.unwrap().status(), StatusCode::OK);
    let before = t.app.store.access_log(None, 100_000).await.unwrap();
    assert!(before.iter().any(|r| r.course == Some(noah) && r.action.starts_with("read")));
    assert_eq!(tovholder_app::retention::expire_access_log(&t.app).await.unwrap(), Some(0), "nothing is a year old yet");

    t.app.clock.advance_days(400);
    let (tove, _) = t.login("tove").await;
    assert_eq!(tove.get(t.url(&format!("/forloeb/{noah}"))).send().await.unwrap().status(), StatusCode::OK);
    let gone = tovholder_app::retention::expire_access_log(&t.app).await.unwrap().unwrap();
    let after = t.app.store.access_log(None, 100_000).await.unwrap();
    assert!(gone > 0 && after.len() as i64 <= before.len() as i64 + 20 - gone, "{gone} expired of {}; {} left", before.len(), after.len());
    let year_ago = t.app.clock.now() - jiff::SignedDuration::from_hours(24 * 366);
    assert!(after.iter().all(|r| r.at >= year_ago), "only rows younger than the keeping are left");
    assert!(after.iter().any(|r| r.course == Some(noah)), "this year's read is kept");
    let report = t.app.store.check_access_chain().await.unwrap();
    assert_eq!((report.broken, report.expired), (None, gone));
    assert!(report.rows > 0);
}
