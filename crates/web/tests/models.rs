//! HTTP tests: collaboration models as data. The instance's administrator uploads a model file,
//! sees its errors (file, line or field, problem, in Danish) or its time line for the dates
//! entered, and takes it into use as a new version; running courses keep their version until
//! moved after a dry run. Nobody else gets the pages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use tovholder_core::ids::CourseId;

const SHIPPED: &str = include_str!("../../../models/julemaerkehjem.toml");
const APPLICATION_DUE: &str = "due = { after = \"ansoegning\", within = \"2w\" }";

async fn check(t: &TestApp, c: &reqwest::Client, csrf: &str, name: &str, text: &str, dates: &[(&str, &str)]) -> (StatusCode, String) {
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf.to_string()).part("file", reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name(name.to_string()));
    for (k, v) in dates {
        form = form.text(format!("date.{k}"), v.to_string());
    }
    let r = c.post(t.url("/admin/modeller/kontrol")).multipart(form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The text of the element with this id up to `end` (e.g. `</tr>`), tags dropped and spaces
/// collapsed.
fn text_until(html: &str, id: &str, end: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[at..];
    let inner = &rest[rest.find('>')? + 1..rest.find(end)?];
    let mut out = String::new();
    let mut in_tag = false;
    for ch in inner.chars() {
        match ch {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    Some(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A course of the home's for Egeskov, opened through the API by mette, for a child of this CPR.
async fn open_course(t: &TestApp, mette: &reqwest::Client, csrf: &str, cpr: &str) -> i64 {
    let body = serde_json::json!({
        "model": "julemaerkehjem",
        "parties": {"municipality": t.seeded.orgs["Egeskov Kommune"]},
        "family": [{"role": "barn", "name": "Asta Vinter", "cpr": cpr}, {"role": "foraelder", "name": "Ib Vinter", "email": "ib@familie.example"}],
        "dates": {"ansoegning": "2026-11-02"},
        "decisions": {"samarbejde": "ja"}
    });
    let r = mette.post(t.url("/api/v1/courses")).header("x-csrf-token", csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn application_task_due(t: &TestApp, c: &reqwest::Client, id: i64) -> String {
    let course: Value = c.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().json().await.unwrap();
    let task = course["tasks"].as_array().unwrap().iter().find(|x| x["id"] == "godkend_ansoegning").unwrap_or_else(|| panic!("{course}"));
    task["due_to"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_model_file_is_checked_and_previewed_before_anything_is_stored() {
    let t = TestApp::spawn().await;
    let (hanne, _) = t.login("hanne").await;
    assert_eq!(hanne.get(t.url("/admin/modeller")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let (admin, csrf) = t.login("admin").await;
    let list = admin.get(t.url("/admin/modeller")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("id=\"versions-julemaerkehjem\"") && list.contains("Leveret med Tovholder") && list.contains("(i brug for nye forløb)"), "{list}");
    let before = t.app.store.model_versions().await.unwrap().len();
    assert_eq!(before, 4, "the four shipped models, stored as version 1 at start");

    // A broken file: the error names the file, the field and the problem, in Danish.
    let broken = SHIPPED.replace("due = { after = \"opfoelgningsdag\", within = \"1w\" }", "due = { after = \"opfolgningsdag\", within = \"1w\" }");
    assert_ne!(broken, SHIPPED);
    let (status, page) = check(&t, &admin, &csrf, "forkert.toml", &broken, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("forkert.toml kan ikke bruges") && page.contains("<code>tasks[6].due.after</code>") && page.contains("henviser til datoen &#39;opfolgningsdag&#39;"), "{page}");
    // A syntax error names its line.
    let (_, page) = check(&t, &admin, &csrf, "halv.toml", "id = \"x\"\nname = \n", &[]).await;
    assert!(page.contains("<code>linje 2</code>") && page.contains("Filen kan ikke læses"), "{page}");

    // The shipped file, previewed for a stay ending Langfredag 2027.
    let (status, page) = check(&t, &admin, &csrf, "julemaerkehjem.toml", SHIPPED, &[("ophold_slut", "2027-03-26")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("samme tekst som version 1"), "the same text is no new version: {page}");
    assert!(!page.contains("id=\"form-take\""), "nothing to take into use");
    let table = text_until(&page, "preview", "</table>").unwrap();
    assert!(table.contains("Opfølgningsdag Foreslået 23. apr. 2027 – 7. maj 2027 23. apr. 2027"), "{table}");
    assert!(table.contains("Ikke mulig: 6. maj 2027 (Kristi himmelfartsdag)"), "{table}");
    assert!(table.contains("Kontakt mellem kontaktperson og Julemærkehjem, hvis der er behov Frist 23. apr. 2027 – 30. apr. 2027"), "{table}");
    assert!(page.contains("<svg") && page.contains("<title>Tidslinje for «Samarbejde mellem kommune og Julemærkehjem»</title>"));
    // A date that is no date is named by its field, and the rest still shows.
    let (_, page) = check(&t, &admin, &csrf, "julemaerkehjem.toml", SHIPPED, &[("ophold_slut", "2027-03-26"), ("ophold_start", "snart")]).await;
    assert!(page.contains("id=\"date-ophold_start-error\"") && page.contains("«snart» er ikke en gyldig dato"), "{page}");
    assert_eq!(t.app.store.model_versions().await.unwrap().len(), before, "nothing stored by checking");
}

#[tokio::test]
async fn running_courses_keep_their_version_until_an_administrator_moves_them() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf) = t.login("mette").await;
    let first = open_course(&t, &mette, &mcsrf, "050515-4321").await;
    assert_eq!(application_task_due(&t, &mette, first).await, "2026-11-16");

    // Version 2 gives the home three weeks instead of two.
    let (admin, csrf) = t.login("admin").await;
    let v2 = SHIPPED.replace(APPLICATION_DUE, "due = { after = \"ansoegning\", within = \"3w\" }");
    let (status, page) = check(&t, &admin, &csrf, "julemaerkehjem.toml", &v2, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("bliver version 2 af modellen (nu er version 1 i brug)") && page.contains("id=\"form-take\""), "{page}");
    let r = admin.post(t.url("/admin/modeller/tag-i-brug")).form(&[("csrf", csrf.as_str()), ("text", v2.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/admin/modeller?model=julemaerkehjem&version=2");
    let list = admin.get(t.url("/admin/modeller?model=julemaerkehjem&version=2")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("Version 2 af «Samarbejde mellem kommune og Julemærkehjem» er taget i brug"), "{list}");

    // The running course keeps version 1's deadline; a new one gets version 2's.
    assert_eq!(application_task_due(&t, &mette, first).await, "2026-11-16");
    let second = open_course(&t, &mette, &mcsrf, "060616-4322").await;
    assert_eq!(application_task_due(&t, &mette, second).await, "2026-11-23");
    let page = mette.get(t.url(&format!("/forloeb/{second}"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(text_of(&page, "model-version").as_deref(), Some("(version 2)"));

    // The dry run names exactly the open courses on version 1 whose tasks change: those with
    // an application date (the task hangs on it). Nothing is written.
    let mut expected = vec![];
    let mut unchanged = vec![];
    for id in t.app.store.course_ids().await.unwrap() {
        let c = t.app.store.course(id).await.unwrap().unwrap();
        if c.state.model != "julemaerkehjem" || c.state.model_version != 1 || c.state.closed.is_some() {
            continue;
        }
        if c.state.dates.contains_key("ansoegning") { expected.push(id) } else { unchanged.push(id) }
    }
    assert!(expected.contains(&CourseId(first)) && !expected.contains(&CourseId(second)));
    let head_before = t.app.store.head(CourseId(first)).await.unwrap();
    let dry = admin.get(t.url("/admin/modeller/julemaerkehjem/flyt?til=2")).send().await.unwrap().text().await.unwrap();
    for id in &expected {
        let row = text_until(&dry, &format!("course-{id}"), "</tr>").unwrap_or_else(|| panic!("course {id} missing: {dry}"));
        assert!(row.contains("Behandl ansøgningen og send tilsagn: "), "{row}");
        if *id == CourseId(first) {
            assert!(row.contains("Behandl ansøgningen og send tilsagn: 2. nov. 2026 – 16. nov. 2026 → 2. nov. 2026 – 23. nov. 2026"), "{row}");
        }
    }
    for id in &unchanged {
        assert!(text_until(&dry, &format!("course-{id}"), "</tr>").unwrap().contains("Intet"), "course {id}: {dry}");
    }
    assert!(!dry.contains(&format!("id=\"course-{second}\"")), "already on version 2");
    assert_eq!(t.app.store.head(CourseId(first)).await.unwrap(), head_before, "a dry run writes nothing");
    // Only the instance's administrator.
    let (hanne, hcsrf) = t.login("hanne").await;
    assert_eq!(hanne.get(t.url("/admin/modeller/julemaerkehjem/flyt?til=2")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(post_form(&t, &hanne, &hcsrf, "/admin/modeller/julemaerkehjem/flyt", &[("til", "2")]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(admin.get(t.url("/admin/modeller/julemaerkehjem/flyt?til=9")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // The move: every course moved, the deadline now version 2's, the journal saying so and
    // still verifying.
    let r = admin.post(t.url("/admin/modeller/julemaerkehjem/flyt")).form(&[("csrf", csrf.as_str()), ("til", "2")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let moved = expected.len() + unchanged.len();
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/admin/modeller?model=julemaerkehjem&version=2&flyttet={moved}"));
    assert_eq!(application_task_due(&t, &mette, first).await, "2026-11-23");
    let journal: Value = mette.get(t.url(&format!("/api/v1/courses/{first}/journal"))).send().await.unwrap().json().await.unwrap();
    assert!(journal.to_string().contains("Forløbet blev flyttet fra version 1 til version 2 af modellen."), "{journal}");
    for id in expected.iter().chain(&unchanged) {
        assert_eq!(t.app.store.course(*id).await.unwrap().unwrap().state.model_version, 2);
        assert_eq!(tovholder_store::verify_course(t.app.store.as_ref(), &t.app.keys, *id).await.unwrap(), None, "course {id} verifies");
    }
}

#[tokio::test]
async fn the_api_checks_uploads_and_moves_as_the_pages_do() {
    let t = TestApp::spawn().await;
    let (hanne, hcsrf) = t.login("hanne").await;
    assert_eq!(hanne.get(t.url("/api/v1/admin/models")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = hanne.post(t.url("/api/v1/admin/models?dry_run=true")).header("x-csrf-token", &hcsrf).body(SHIPPED).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let (admin, csrf) = t.login("admin").await;
    let list: Value = admin.get(t.url("/api/v1/admin/models")).send().await.unwrap().json().await.unwrap();
    let jmh = list.as_array().unwrap().iter().find(|m| m["model"] == "julemaerkehjem").unwrap();
    assert_eq!(jmh["versions"][0]["version"], 1);
    assert_eq!(jmh["versions"][0]["source"], "indbygget");
    let upload = |text: String, dry: bool| {
        let url = t.url(if dry { "/api/v1/admin/models?dry_run=true" } else { "/api/v1/admin/models" });
        admin.post(url).header("x-csrf-token", &csrf).header("content-type", "text/plain").body(text).send()
    };
    let r = upload(SHIPPED.replace("owner = [\"personale\"]\ndue = { after = \"ansoegning\"", "owner = [\"direktoer\"]\ndue = { after = \"ansoegning\""), true).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "tasks[0].owner[0]", "{problem}");
    let r: Value = upload(SHIPPED.to_string(), true).await.unwrap().json().await.unwrap();
    assert_eq!((r["version"].as_u64(), r["known"].as_bool()), (Some(1), Some(true)));

    let v2 = SHIPPED.replace(APPLICATION_DUE, "due = { after = \"ansoegning\", within = \"3w\" }");
    let r = upload(v2.clone(), true).await.unwrap().json::<Value>().await.unwrap();
    assert_eq!((r["version"].as_u64(), r["known"].as_bool()), (Some(2), Some(false)));
    assert_eq!(t.app.store.model_versions().await.unwrap().len(), 4, "a dry run stores nothing");
    let r = upload(v2.clone(), false).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(upload(v2, false).await.unwrap().status(), StatusCode::OK, "the same text again is no new version");

    let planned: Value = admin.get(t.url("/api/v1/admin/models/julemaerkehjem/moves?to=2")).send().await.unwrap().json().await.unwrap();
    let planned = planned.as_array().unwrap();
    assert!(!planned.is_empty());
    let changing = planned.iter().filter(|p| p["tasks"].as_array().unwrap().iter().any(|x| x["label"] == "Behandl ansøgningen og send tilsagn")).count();
    assert!(changing > 0, "{planned:?}");
    let r: Value = admin.post(t.url("/api/v1/admin/models/julemaerkehjem/moves")).header("x-csrf-token", &csrf).json(&serde_json::json!({"to": 2})).send().await.unwrap().json().await.unwrap();
    assert_eq!(r["moved"].as_u64(), Some(planned.len() as u64));
    let again: Value = admin.get(t.url("/api/v1/admin/models/julemaerkehjem/moves?to=2")).send().await.unwrap().json().await.unwrap();
    assert_eq!(again, serde_json::json!([]), "every course moved");
}
