//! HTTP tests: documents: writing, uploading, sending, forwarding and reading them, and mail over real SMTP.
//! A real server on port 0 over a fresh store with the demo data (SQLite, or PostgreSQL with
//! TOVHOLDER_TEST_STORE=postgres), driven by real HTTP as the demo's users.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use tovholder_app::demo;
use tovholder_core::ids::CourseId;

/// Step 2's letter and step 5's documents: each reaches exactly its recipients; sending,
/// forwarding and first readings are in the journal; others get "not found".
#[tokio::test]
async fn documents_reach_exactly_their_recipients() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf, id) = fresh_course(&t).await;
    let api = |p: &str| t.url(&format!("/api/v1/courses/{id}{p}"));
    let dates = serde_json::json!({"dates": {"tilsagn": "2026-11-10", "indkaldelse": "2026-11-23", "forbesoeg": "2026-12-03", "infodag": "2026-12-10", "ophold_start": "2027-02-22", "ophold_slut": "2027-04-16", "foraeldredag": "2027-03-20", "slutsamtale": "2027-04-15", "opfoelgningsdag": "2027-05-14"}});
    assert_eq!(mette.post(api("/dates")).header("x-csrf-token", &mcsrf).json(&dates).send().await.unwrap().status(), StatusCode::OK);
    let jonas = demo::person(&t.seeded, "jonas").unwrap();
    let r = mette.post(api("/appointments")).header("x-csrf-token", &mcsrf).json(&serde_json::json!({"role": "kontaktpaedagog", "person": jonas})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The letter to the tovholder was written and sent with the appointment.
    let (tove, tcsrf) = t.login("tove").await;
    let view: Value = tove.get(api("")).send().await.unwrap().json().await.unwrap();
    let letter = view["documents"].as_array().unwrap().iter().find(|d| d["kind_da"] == "Brev til kommunens tovholder").expect("the letter");
    let doc = letter["doc"].as_i64().unwrap();
    let text: Value = tove.get(api(&format!("/documents/{doc}"))).send().await.unwrap().json().await.unwrap();
    let text = text["text"].as_str().unwrap();
    for needle in ["Asta Vinter er indkaldt", "Jonas Holm", "Forbesøg: 3. dec. 2026", "Opfølgningsdag: 14. maj 2027"] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    assert!(!text.contains("050515"), "no CPR number in the letter");
    // The application as registered and the parents' call-in letter came with it.
    let kinds: Vec<&str> = view["documents"].as_array().unwrap().iter().map(|d| d["kind_da"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"Ansøgning") && kinds.contains(&"Indkaldelse til forældrene"), "{kinds:?}");
    let application = view["documents"].as_array().unwrap().iter().find(|d| d["kind_da"] == "Ansøgning").unwrap()["doc"].as_i64().unwrap();
    let text: Value = tove.get(api(&format!("/documents/{application}"))).send().await.unwrap().json().await.unwrap();
    assert!(text["text"].as_str().unwrap().contains("Forældre: Ib Vinter") && text["text"].as_str().unwrap().contains("Ja, forældrene ønsker samarbejdet"));
    let mails = outbox(&t).await;
    assert!(mails.iter().any(|m| m.mail.to == "tove@egeskov.example" && m.mail.subject == "Nyt dokument i Tovholder" && !m.mail.body.contains("Asta")));
    // A colleague in the same municipality who did not receive it sees nothing of it.
    let (karim, _) = t.login("karim").await;
    assert_eq!(karim.get(t.url(&format!("/forloeb/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "not even the course: karim has no role in it");
    let sara = demo::person(&t.seeded, "sara").unwrap();
    let r = tove.post(api("/appointments")).header("x-csrf-token", &tcsrf).json(&serde_json::json!({"role": "kontaktperson", "person": sara})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, _) = t.login("sara").await;
    assert_eq!(s.get(api(&format!("/documents/{doc}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "the kontaktperson sees the course, not the letter");
    let view: Value = s.get(api("")).send().await.unwrap().json().await.unwrap();
    assert!(view["documents"].as_array().unwrap().is_empty());
    // The tovholder forwards it; now the kontaktperson reads it, and the first reading is journaled once.
    let r = tove.post(api(&format!("/documents/{doc}/send"))).header("x-csrf-token", &tcsrf).json(&serde_json::json!({"to": [sara]})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for _ in 0..2 {
        assert_eq!(s.get(t.url(&format!("/forloeb/{id}/dokumenter/{doc}"))).send().await.unwrap().status(), StatusCode::OK);
    }
    let journal = t.app.store.journal(CourseId(id)).await.unwrap();
    let reads = journal.iter().filter(|e| e.stamp.by == sara && matches!(e.event, tovholder_core::course::Event::DocumentRead { .. })).count();
    assert_eq!(reads, 1);
    assert!(journal.iter().any(|e| matches!(&e.event, tovholder_core::course::Event::DocumentSent { forwarded: true, .. })));

    // Step 5: the home uploads its statement as a PDF and writes the action plan; both go to the tovholder.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let tove_id = demo::person(&t.seeded, "tove").unwrap().to_string();
    let upload = |kind: &'static str, file: Option<(&'static str, Vec<u8>)>, text: &'static str| {
        let mut form = reqwest::multipart::Form::new().text("csrf", mcsrf.clone()).text("kind", kind).text("title", format!("{kind} efter opholdet")).text("text", text).text("to", tove_id.clone());
        if let Some((name, bytes)) = file {
            form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        }
        mette.post(t.url(&format!("/forloeb/{id}/dokumenter"))).multipart(form).send()
    };
    let r = upload("udtalelse", Some(("udtalelse.exe", vec![1, 2, 3])), "").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Filtypen kan ikke bruges"));
    assert_eq!(upload("udtalelse", Some(("Asta udtalelse.pdf", pdf.clone())), "").await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(upload("handleplan", None, "Mål: trivsel i skolen.").await.unwrap().status(), StatusCode::SEE_OTHER);
    let view: Value = tove.get(api("")).send().await.unwrap().json().await.unwrap();
    let statement = view["documents"].as_array().unwrap().iter().find(|d| d["kind_da"] == "Udtalelse").unwrap()["doc"].as_i64().unwrap();
    let r = tove.get(t.url(&format!("/forloeb/{id}/dokumenter/{statement}"))).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["content-disposition"], format!("attachment; filename=\"tovholder-dokument-{statement}.pdf\""), "no child's name in the file name");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    let (lars, _) = t.login("lars").await;
    assert_eq!(lars.get(t.url(&format!("/forloeb/{id}/dokumenter/{statement}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert!(t.denials(CourseId(id)).await.iter().any(|d| d.person == demo::person(&t.seeded, "lars")));
    // The home's task is done by the sending; the tovholder now has to forward.
    let c = t.app.store.course(CourseId(id)).await.unwrap().unwrap();
    let model = t.app.models.get("julemaerkehjem").unwrap();
    let open: Vec<String> = tovholder_core::tasks::tasks(&model, &c.state).into_iter().filter(|x| x.done.is_none()).map(|x| x.id).collect();
    assert!(!open.contains(&"udtalelse_handleplan".to_string()) && open.contains(&"videresend_udtalelse".to_string()), "{open:?}");
    assert_eq!(tovholder_store::verify_course(t.app.store.as_ref(), &t.app.keys, CourseId(id)).await.unwrap(), None);
}

#[tokio::test]
async fn mail_is_delivered_over_smtp_once_and_without_personal_data() {
    let sink = SmtpSink::start().await;
    let t = TestApp::spawn().await;
    // Mails due now (the demo also queues agendas for a week before its meetings).
    let waiting = outbox(&t).await.iter().filter(|m| m.mail.not_before.is_none()).count();
    assert!(waiting > 0, "the demo's actions wrote mails");
    let smtp = tovholder_app::mailer::SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port,
        from: "Tovholder <tovholder@fjordlyst.example>".into(),
        username: None,
        password: None,
        tls: tovholder_app::mailer::Tls::None,
        lease_seconds: 120,
    };
    tovholder_app::mailer::start(t.app.store.clone(), t.app.clock.clone(), smtp).unwrap();
    let msgs = sink.messages(waiting).await;
    assert!(msgs.iter().any(|(to, subject, body)| to == "tove@egeskov.example" && subject == "Nyt forløb fra Julemærkehjemmet" && body.contains(&format!("{}/forloeb/", t.base))));
    assert!(msgs.iter().any(|(to, subject, _)| to.ends_with("@familie.example") && subject == "Tilsagn om ophold på Julemærkehjemmet"));
    for (_, subject, body) in &msgs {
        for name in ["William", "Larsen", "Oliver", "Nielsen", "Emma", "Jensen", "Louise", "Sofie", "Malthe", "Friis"] {
            assert!(!subject.contains(name) && !body.contains(name), "{name} in a mail: {subject} / {body}");
        }
        assert!(!tovholder_core::cpr::contains_cpr(subject) && !tovholder_core::cpr::contains_cpr(body));
    }
    // Each mail exactly once, and marked sent.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(sink.messages(waiting).await.len(), waiting);
    assert!(outbox(&t).await.iter().all(|m| m.sent.is_some() || m.mail.not_before.is_some()));
}

/// Uploads through the form: an 8 MB scanned letter goes through (the CSRF check read the
/// multipart body with axum's 2 MB default and answered "Formularen er udløbet"); an 11 MB
/// file and a program renamed .pdf are refused on the same page with what was typed kept.
#[tokio::test]
async fn an_eight_mb_pdf_goes_through_the_form_and_an_eleven_mb_one_is_refused_in_place() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf, id) = fresh_course(&t).await;
    let tove = demo::person(&t.seeded, "tove").unwrap().to_string();
    let upload = |title: &'static str, name: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", mcsrf.clone())
            .text("kind", "udtalelse")
            .text("title", title)
            .text("text", "")
            .text("to", tove.clone())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        mette.post(t.url(&format!("/forloeb/{id}/dokumenter"))).multipart(form).send()
    };
    let pdf = |mb: usize| {
        let mut b = b"%PDF-1.4\n".to_vec();
        b.resize(mb * 1024 * 1024, b'0');
        b
    };
    let r = upload("Scannet udtalelse", "scan.pdf", pdf(8)).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap_or_default());
    let c = t.app.store.course(CourseId(id)).await.unwrap().unwrap();
    let doc = c.state.documents.iter().find(|d| d.meta.title == "Scannet udtalelse").expect("the 8 MB document is saved");
    assert_eq!(t.app.store.blob(CourseId(id), &doc.meta.sha256).await.unwrap().unwrap().len(), 8 * 1024 * 1024);

    let r = upload("Den store udtalelse", "stor.pdf", pdf(11)).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("Filen er for stor (højst 10 MB)."), "a Danish message on the course page");
    assert!(page.contains("value=\"Den store udtalelse\""), "the typed title is kept");
    assert!(page.contains("Log af") && page.contains("Hovedmenu"), "the page keeps its frame");

    let mut program = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    program.resize(4096, 0);
    let r = upload("Brev", "brev.pdf", program).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Filen er ikke en pdf-fil"));

    // Over the largest body the server takes at all: a Danish page with the frame, not a bare 413.
    let r = upload("Alt for stor", "kæmpe.pdf", pdf(13)).await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(page.contains("højst fylde 10 MB") && page.contains("Log af") && page.contains(&format!("href=\"/forloeb/{id}\"")), "{page}");
    let after = t.app.store.course(CourseId(id)).await.unwrap().unwrap();
    assert_eq!(after.state.documents.len(), c.state.documents.len(), "nothing refused was saved");
}

/// A written document is bounded (it is shown as a page); a file is not written text.
#[tokio::test]
async fn a_written_document_over_200_kb_is_refused_with_a_structured_error() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf, id) = fresh_course(&t).await;
    let body = serde_json::json!({"kind": "udtalelse", "title": "Lang udtalelse", "text": "Barnet trives. ".repeat(20_000), "to": []});
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/documents"))).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("200 kB"), "{p}");
    let body = serde_json::json!({"kind": "udtalelse", "title": "Kort udtalelse", "text": "Barnet trives.", "to": []});
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/documents"))).header("x-csrf-token", &mcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// With a virus scanner configured, every document is scanned by a real clamd before it is
/// stored: the EICAR test file is refused in place with a clear message and logged with its
/// signature; a clean file goes through; with the scanner gone, nothing is stored unscanned.
#[tokio::test]
async fn an_infected_upload_is_refused_and_logged() {
    let clamd = Clamd::start().await;
    let t = TestApp::spawn_with(tovholder_app::AppConfig { clamav: Some(clamd.socket.clone()), ..tovholder_app::AppConfig::default() }).await;
    let (mette, mcsrf, id) = fresh_course(&t).await;
    let upload = |name: &'static str, bytes: &'static [u8]| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", mcsrf.clone())
            .text("kind", "udtalelse")
            .text("title", "Udtalelse")
            .text("text", "")
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        mette.post(t.url(&format!("/forloeb/{id}/dokumenter"))).multipart(form).send()
    };
    let r = upload("udtalelse.txt", EICAR).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains(tovholder_app::text::VIRUS_FOUND));
    let course = t.app.store.course(CourseId(id)).await.unwrap().unwrap();
    assert!(course.state.documents.iter().all(|d| d.meta.title != "Udtalelse"), "nothing stored");
    let log = t.app.store.access_log(Some(CourseId(id)), 50).await.unwrap();
    assert!(log.iter().any(|r| r.action == "write:add_document" && !r.allowed && r.reason.starts_with("virus:Eicar-Test-Signature")), "{log:?}");
    assert_eq!(upload("udtalelse.txt", b"Barnet trives.").await.unwrap().status(), StatusCode::SEE_OTHER);
    drop(clamd);
    let r = upload("udtalelse.txt", b"Barnet trives stadig.").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains(tovholder_app::text::SCANNER_DOWN));
}
