//! HTTP tests: a course: registering it, its page and forms, the list and search, changes, concurrency and its journal.
//! A real server on port 0 over a fresh store with the demo data (SQLite, or PostgreSQL with
//! TOVHOLDER_TEST_STORE=postgres), driven by real HTTP as the demo's users.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use tovholder_app::demo;
use tovholder_core::ids::CourseId;

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

/// The course list shows the organisation's courses the user may see, and searches by the
/// child's name without putting the name in a URL.
#[tokio::test]
async fn the_course_list_and_search() {
    let t = TestApp::spawn().await;
    let titles = |rows: &Vec<Value>| rows.iter().map(|r| r["title"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let (mette, mcsrf) = t.login("mette").await;
    let list: Value = mette.get(t.url("/api/v1/courses")).send().await.unwrap().json().await.unwrap();
    let rows: Vec<Value> = serde_json::from_value(list["rows"].clone()).unwrap();
    assert_eq!(rows.len(), 11, "the home sees all its courses (and the foster family it supports)");
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
    assert_eq!(names, ["Lucas Andersen", "Malthe Brandt", "Noah Rasmussen"], "a kontaktperson (and myndighedssagsbehandler) sees the courses they are appointed to");
    let (status, page) = post_form(&t, &mette, &mcsrf, "/forloeb/soeg", &[("q", "william")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("William Larsen") && !page.contains("Oliver Nielsen"), "{page}");
    let log = t.app.store.access_log(Some(t.course("William")), 100).await.unwrap();
    assert!(log.iter().any(|r| r.action == "list:POST /forloeb/soeg"), "each course shown is logged");
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
