//! HTTP tests: secure messages. Threads between the municipality and a region that reads the
//! course by consent, and with the family; read receipts; consent governs every read.
//! A real server on port 0 over a fresh store with the demo data (SQLite, or PostgreSQL with
//! TOVHOLDER_TEST_STORE=postgres), driven by real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tovholder_app::text;

async fn person_of(t: &TestApp, username: &str) -> i64 {
    t.app.store.user_by_name(username).await.unwrap().unwrap().person.0
}

async fn get_json(t: &TestApp, c: &reqwest::Client, path: &str) -> (StatusCode, Value) {
    let r = c.get(t.url(path)).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The region's child psychiatry (reading Noah's course by the family's consent, which covers
/// messages) writes to the municipality's tovholder directly; she is told by a mail that names
/// nobody, reads it, and the region sees "Læst af". Nobody outside the thread learns of it. When
/// the consent is revoked the region loses the thread at once; what it wrote stays for the others.
#[tokio::test]
async fn the_region_writes_to_the_municipality_by_consent() {
    let t = TestApp::spawn().await;
    let noah = t.course("Noah");
    let (rikke, rcsrf) = t.login("rikke").await;
    let (tove, tcsrf) = t.login("tove").await;
    let threads = format!("/api/v1/courses/{noah}/threads");
    assert_eq!(get_json(&t, &rikke, &threads).await, (StatusCode::OK, json!([])));
    let tove_id = person_of(&t, "tove").await;
    let start = json!({"subject": "Spørgsmål om skolestart", "participants": [tove_id], "text": "Kan vi tale om skolestarten efter opholdet?"});
    let bad = json!({"subject": "Cpr", "participants": [tove_id], "text": "Barnets cpr er 010101-1234"});
    let r = rikke.post(t.url(&threads)).header("x-csrf-token", &rcsrf).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no CPR number in a message");
    let r = rikke.post(t.url(&threads)).header("x-csrf-token", &rcsrf).json(&start).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let mail = outbox(&t).await.into_iter().map(|m| m.mail).find(|m| m.to == "tove@egeskov.example" && m.subject == text::NEW_MESSAGE_SUBJECT).expect("a notice to tove");
    assert!(mail.body.contains(&format!("/forloeb/{noah}/beskeder/1")) && !mail.body.contains("Noah") && !mail.body.contains("skolestart"), "{}", mail.body);

    let (_, list) = get_json(&t, &tove, &threads).await;
    assert_eq!((list[0]["subject"].as_str(), list[0]["unread"].as_u64()), (Some("Spørgsmål om skolestart"), Some(1)));
    // "Mine beskeder", across courses.
    let (_, inbox) = get_json(&t, &tove, "/api/v1/me/threads").await;
    assert_eq!((inbox.as_array().unwrap().len(), inbox[0]["course"].as_i64(), inbox[0]["thread"]["unread"].as_u64()), (1, Some(noah.0), Some(1)), "{inbox}");
    let page = tove.get(t.url("/beskeder")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Spørgsmål om skolestart") && page.contains("Noah"), "{page}");
    let (_, before) = get_json(&t, &rikke, &format!("{threads}/1")).await;
    assert_eq!(before["messages"][0]["read_by"], json!([]), "not read yet");
    let (status, thread) = get_json(&t, &tove, &format!("{threads}/1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(thread["messages"][0]["text"], "Kan vi tale om skolestarten efter opholdet?");
    let (_, after) = get_json(&t, &rikke, &format!("{threads}/1")).await;
    assert!(after["messages"][0]["read_by"][0].as_str().unwrap().starts_with("Tove Lund"), "{after}");
    let r = tove.post(t.url(&format!("{threads}/1/messages"))).header("x-csrf-token", &tcsrf).json(&json!({"text": "Ja, ring torsdag."})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Outside the thread, it does not exist: a colleague of hers, and a reader by the same consent.
    for who in ["karim", "ole"] {
        let (c, _) = t.login(who).await;
        assert_eq!(get_json(&t, &c, &format!("{threads}/1")).await.0, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(get_json(&t, &c, &threads).await.1, json!([]), "{who}");
        let page = c.get(t.url(&format!("/forloeb/{noah}/beskeder/1"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{who}");
    }

    // The family's consent is revoked: the region's very next request finds nothing.
    let r = tove.post(t.url(&format!("/api/v1/courses/{noah}/consents/1/revoke"))).header("x-csrf-token", &tcsrf).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(get_json(&t, &rikke, &format!("{threads}/1")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get_json(&t, &rikke, "/api/v1/me/threads").await.1, json!([]), "gone from her inbox too");
    assert_eq!(get_json(&t, &tove, "/api/v1/me/threads").await.1[0]["thread"]["unread"], 0, "tove has read all");
    let (_, kept) = get_json(&t, &tove, &format!("{threads}/1")).await;
    assert_eq!(kept["messages"].as_array().unwrap().len(), 2, "what the region wrote stays for the others");
}

/// A thread with the family: the coordinator writes to the mother, who reads it on her own pages
/// and answers; the coordinator sees "Læst af Louise Bak". The family is never in a thread not
/// marked for them, and a reader whose consent does not cover messages cannot write at all.
#[tokio::test]
async fn a_thread_with_the_family() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let state = t.app.store.course(bak).await.unwrap().unwrap().state;
    let louise = state.members.iter().find(|m| m.role == "voksen").unwrap().person.0;
    let (hanne, csrf) = t.login("hanne").await;
    let page = hanne.get(t.url(&format!("/forloeb/{bak}/beskeder"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("value=\"{louise}\"")) && page.contains("Louise Bak (familien)"), "the family can be chosen");
    let form = |family: &'static str| {
        vec![("csrf", csrf.clone()), ("subject", "Før netværksmødet".into()), ("participant", louise.to_string()), ("family", family.into()), ("text", "Har I spørgsmål til mødet?".into())]
    };
    let r = hanne.post(t.url(&format!("/forloeb/{bak}/beskeder"))).form(&form("nej")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("Familien kan kun være med i tråde, der er markeret for familien.") && refused.contains("Har I spørgsmål til mødet?"), "the error, and what she typed kept");
    let r = hanne.post(t.url(&format!("/forloeb/{bak}/beskeder"))).form(&form("ja")).send().await.unwrap();
    assert_eq!((r.status(), r.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, format!("/forloeb/{bak}/beskeder/1").as_str()));

    let mail = outbox(&t).await.into_iter().map(|m| m.mail).find(|m| m.to == "louise.bak@familie.example" && m.subject == text::NEW_MESSAGE_SUBJECT).unwrap();
    assert!(mail.body.contains(&format!("/familie/forloeb/{bak}/beskeder/1")), "her link goes to her own pages");
    let c = family_login(&t, "louise.bak@familie.example").await;

    let home = c.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Før netværksmødet") && home.contains("(1 ulæste)"), "her page lists the thread");
    let thread = c.get(t.url(&format!("/familie/forloeb/{bak}/beskeder/1"))).send().await.unwrap().text().await.unwrap();
    assert!(thread.contains("Har I spørgsmål til mødet?"));
    assert!(thread.contains("enctype=\"multipart/form-data\"") && thread.contains("name=\"file\""), "she may attach a file");
    // Her answer with a photo of the school's letter; a program named .png is refused, as staff's are.
    let reply = |name: &'static str, bytes: &'static [u8]| {
        let form = reqwest::multipart::Form::new().text("csrf", hidden_csrf(&thread)).text("text", "Ja, må Sofie komme med?").part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        c.post(t.url(&format!("/familie/forloeb/{bak}/beskeder/1"))).multipart(form).send()
    };
    let version = t.app.store.course(bak).await.unwrap().unwrap().version;
    let r = reply("brev.png", b"MZ\x90\x00 a Windows program").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.app.store.course(bak).await.unwrap().unwrap().version, version, "nothing saved");
    let r = reply("brev.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let staff = hanne.get(t.url(&format!("/forloeb/{bak}/beskeder/1"))).send().await.unwrap().text().await.unwrap();
    assert!(staff.contains("Ja, må Sofie komme med?") && staff.contains("Læst af Louise Bak"), "{staff}");
    let photo = hanne.get(t.url(&format!("/forloeb/{bak}/beskeder/1/2/fil"))).send().await.unwrap();
    assert_eq!((photo.status(), photo.headers()["content-type"].to_str().unwrap()), (StatusCode::OK, "image/png"), "the family's file reaches staff");

    // A file with a script in its name: stored under no name, served only as a download.
    let send = |name: &'static str, bytes: &'static [u8]| {
        let form = reqwest::multipart::Form::new().text("csrf", csrf.clone()).text("text", "Her er programmet for mødet.").part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        hanne.post(t.url(&format!("/forloeb/{bak}/beskeder/1"))).multipart(form).send()
    };
    let r = send("program.pdf", b"MZ\x90\x00 a Windows program").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a program named .pdf is refused as documents are");
    let r = send("<script>alert(1)</script>.pdf", b"%PDF-1.4\n% programmet\n").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let staff = hanne.get(t.url(&format!("/forloeb/{bak}/beskeder/1"))).send().await.unwrap().text().await.unwrap();
    assert!(!staff.contains("<script>alert(1)</script>") && !staff.contains("alert(1)"), "the name is never shown");
    for (who, url) in [("hanne", format!("/forloeb/{bak}/beskeder/1/3/fil")), ("louise", format!("/familie/forloeb/{bak}/beskeder/1/3/fil"))] {
        let c = if who == "hanne" { &hanne } else { &c };
        let r = c.get(t.url(&url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{who}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert_eq!(r.headers()["content-disposition"], "attachment; filename=\"tovholder-besked-1-3.pdf\"");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF-1.4"));
    }

    // She writes to her coordinator herself: a new thread for the family; only the course's staff may be chosen.
    let home = c.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    let hanne_id = person_of(&t, "hanne").await.to_string();
    let gitte_id = person_of(&t, "gitte").await.to_string();
    assert!(home.contains(&format!("value=\"{hanne_id}\"")) && !home.contains(&format!("value=\"{gitte_id}\"")), "the coordinator, not a reader by consent");
    let fcsrf = hidden_csrf(&home);
    let write = |to: &str| vec![("csrf", fcsrf.clone()), ("participant", to.to_string()), ("subject", "Kørsel".to_string()), ("text", "Kan vi få hjælp til kørsel til mødet?".to_string())];
    assert_eq!(c.post(t.url(&format!("/familie/forloeb/{bak}/beskeder"))).form(&write(&gitte_id)).send().await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(c.post(t.url(&format!("/familie/forloeb/{bak}/beskeder"))).form(&write(&hanne_id)).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let (_, mine) = get_json(&t, &hanne, &format!("/api/v1/courses/{bak}/threads")).await;
    assert!(mine.as_array().unwrap().iter().any(|l| l["subject"] == "Kørsel" && l["family"] == true && l["unread"] == 1), "{mine}");

    // Sundhedsplejen reads the course by a consent without messages: no writing, no threads.
    let (gitte, gcsrf) = t.login("gitte").await;
    let page = gitte.get(t.url(&format!("/forloeb/{bak}/beskeder"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Familiens samtykke dækker ikke beskeder") && !page.contains("id=\"form-traad\""));
    let hanne_id = person_of(&t, "hanne").await;
    let r =
        gitte.post(t.url(&format!("/api/v1/courses/{bak}/threads"))).header("x-csrf-token", &gcsrf).json(&json!({"subject": "Søvn", "participants": [hanne_id], "text": "Hej"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(gitte.get(t.url(&format!("/forloeb/{bak}/beskeder/1/3/fil"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "not in the thread: no file");
}
