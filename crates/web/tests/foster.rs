//! HTTP tests: a foster family's support course (models/plejefamilie_stoette.toml, the demo's
//! Malthe). The foster mother asks her fixed contact for support and is answered within the
//! deadline her urgency sets; an acute request at 02:00 on a Sunday goes to whoever is on call
//! (e-mail, and an SMS through the webhook to a local sink), who logs what was done, and the fixed
//! contact follows it up on Monday. The child's mother never sees where the foster family lives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use reqwest::StatusCode;
use serde_json::Value;
use tovholder_app::{AppConfig, Clock, text};

const SUSANNE: &str = "susanne.holm@familie.example";
const LENE: &str = "lene.brandt@familie.example";

/// Mette's (or anyone's) task of this id in "Mine opgaver", if it is on their list.
async fn task(t: &TestApp, c: &reqwest::Client, id: &str) -> Option<Value> {
    let tasks: Value = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    tasks.as_array().unwrap().iter().find(|x| x["task"] == id).cloned()
}

async fn requests(t: &TestApp, c: &reqwest::Client, course: tovholder_core::ids::CourseId) -> Value {
    c.get(t.url(&format!("/api/v1/courses/{course}/requests"))).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_foster_mothers_request_is_answered_within_its_deadline_and_the_mother_never_sees_where_they_live() {
    // Wednesday 3 March 2027, 11:00 in Copenhagen: the institution is open.
    let t = TestApp::spawn_fixed("2027-03-03T10:00:00Z".parse().unwrap()).await;
    let malthe = t.course("Malthe");
    let susanne = family_login(&t, SUSANNE).await;
    let page = susanne.get(t.url(&format!("/familie/forloeb/{malthe}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Hvem har vagten nu?") && page.contains("Julemærkehjemmet Fjordlyst har åbent nu"), "{page}");
    assert!(page.contains("Bed om støtte") && page.contains("Samvær og samarbejdet med barnets forældre"), "the form with the model's topics");
    assert!(page.contains("Besvaret") && page.contains("Venter på svar"), "the demo's two requests: {page}");
    assert!(!page.contains("Koordinationsmøde"), "the professionals' coordination meeting is not on the family's «Det sker snart»: {page}");

    // Refused: no topic; what she wrote is kept, nothing is saved.
    let before = t.app.store.course(malthe).await.unwrap().unwrap().version;
    let form = |topic: &'static str, urgency: &'static str| {
        [("csrf", hidden_csrf(&page)), ("topic", topic.into()), ("urgency", urgency.into()), ("request_text", "Malthe vil ikke i skole om morgenen.".into())]
    };
    let r = susanne.post(t.url(&format!("/familie/forloeb/{malthe}/henvendelser"))).form(&form("", "snart")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("Vælg, hvad henvendelsen handler om.") && refused.contains("Malthe vil ikke i skole om morgenen."), "{refused}");
    assert_eq!(t.app.store.course(malthe).await.unwrap().unwrap().version, before);

    let r = susanne.post(t.url(&format!("/familie/forloeb/{malthe}/henvendelser"))).form(&form("skole", "snart")).send().await.unwrap();
    assert_eq!(r.headers()["location"], format!("/familie/forloeb/{malthe}?besked=henvendelse"));
    let mail = last_mail(&t, "mette@fjordlyst.example", text::REQUEST_SUBJECT).await;
    assert!(mail.body.contains(&format!("/forloeb/{malthe}/henvendelser")) && !mail.body.contains("Malthe") && !mail.body.contains("Holm"), "a link, no names: {}", mail.body);

    // On Mette's list, due Friday ("snart": 2 days).
    let (mette, mcsrf) = t.login("mette").await;
    let listed = requests(&t, &mette, malthe).await;
    let new = &listed["requests"][0];
    assert_eq!((new["topic_da"].as_str(), new["answered"].as_bool()), (Some("Skole, dagtilbud og fritid"), Some(false)), "{listed}");
    let id = format!("henvendelse:{}", new["id"]);
    let due = task(&t, &mette, &id).await.expect("the request is on the fixed contact's list");
    assert_eq!((due["due_to"].as_str(), due["status"].as_str()), (Some("2027-03-05"), Some("open")), "{due}");

    // She answers in the request's thread (the API), and the task is done.
    let thread = new["thread"].as_u64().unwrap();
    let r = mette
        .post(t.url(&format!("/api/v1/courses/{malthe}/threads/{thread}/messages")))
        .header("x-csrf-token", &mcsrf)
        .json(&serde_json::json!({"text": "Jeg ringer til skolen i dag og vender tilbage."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(task(&t, &mette, &id).await.is_none(), "answered: off the open list");
    assert_eq!(requests(&t, &mette, malthe).await["requests"][0]["answered"], true);
    let page = susanne.get(t.url(&format!("/familie/forloeb/{malthe}/beskeder/{thread}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Jeg ringer til skolen i dag"), "the answer is a message she reads");
    let journal = t.app.store.journal(malthe).await.unwrap();
    assert!(journal.iter().any(|e| e.event.kind() == "request_made"), "journaled");

    // The child's mother sees the course, but not the foster family's name and address, and
    // neither the duty phone nor the form.
    let lene = family_login(&t, LENE).await;
    let page = lene.get(t.url(&format!("/familie/forloeb/{malthe}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Malthe Brandt"), "{page}");
    assert!(t.seeded.orgs.contains_key(tovholder_app::demo::FOSTER_FAMILY));
    assert!(!page.contains("Engvej") && !page.contains("Plejefamilien Holm") && page.contains("Plejefamilie (vises ikke)"), "{page}");
    assert!(!page.contains("Hvem har vagten nu?") && !page.contains("Bed om støtte"));
    let asks = [("csrf", hidden_csrf(&page)), ("topic", "skole".into()), ("urgency", "snart".into()), ("request_text", "Hvor bor Malthe?".into())];
    let r = lene.post(t.url(&format!("/familie/forloeb/{malthe}/henvendelser"))).form(&asks).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("Du kan ikke sende henvendelser i dette forløb.") && !refused.contains("Engvej"), "only foster parents ask: {refused}");
}

/// A local SMS gateway: what the webhook was sent.
async fn sms_sink() -> (String, Arc<Mutex<Vec<Value>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let kept = got.clone();
    // The first message is refused (503), as a gateway that is down answers; the rest are taken.
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| async move {
            let mut got = kept.lock().unwrap();
            got.push(body);
            if got.len() == 1 { axum::http::StatusCode::SERVICE_UNAVAILABLE } else { axum::http::StatusCode::OK }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

#[tokio::test]
async fn an_acute_request_at_two_on_a_sunday_goes_to_whoever_is_on_call_and_is_followed_up_on_monday() {
    let (url, texts) = sms_sink().await;
    // 02:00 on Sunday 7 March 2027 in Copenhagen.
    let config = AppConfig { sms_webhook: Some(url.clone()), ..AppConfig::default() };
    let t = TestApp::spawn_on(config, Clock::fixed("2027-03-07T01:00:00Z".parse().unwrap())).await;
    // The SMS worker, as `serve` starts it with `sms_webhook` configured.
    tovholder_app::sms::start(t.app.store.clone(), t.app.clock.clone(), url);
    let malthe = t.course("Malthe");
    // Jonas has Saturday night's duty at the institution (its roster, as Beredskab keeps it),
    // in place of the demo's.
    let fjordlyst = t.seeded.orgs["Julemærkehjemmet Fjordlyst"];
    let now = t.app.clock.now();
    for s in t.app.store.duty_shifts(fjordlyst, now, now + jiff::SignedDuration::from_secs(1)).await.unwrap() {
        t.app.store.remove_duty_shift(fjordlyst, s.id).await.unwrap();
    }
    let tz = tovholder_core::calendar::copenhagen().unwrap();
    let at = |s: &str| tovholder_core::duty::local_instant(&tz, s.parse().unwrap()).unwrap();
    let jonas = t.seeded.users["jonas"].person;
    let shift = tovholder_store::DutyShift {
        id: 0,
        org: t.seeded.orgs["Julemærkehjemmet Fjordlyst"],
        person: jonas,
        from: at("2027-03-06T16:00"),
        to: at("2027-03-07T08:00"),
        phone: "+45 70 20 30 41".into(),
    };
    t.app.store.add_duty_shift(&shift, jonas, t.app.clock.now()).await.unwrap();

    let susanne = family_login(&t, SUSANNE).await;
    let page = susanne.get(t.url(&format!("/familie/forloeb/{malthe}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<strong>Jonas Holm</strong> har vagten") && page.contains("href=\"tel:+4570203041\"") && page.contains("Ring nu: +45 70 20 30 41"), "{page}");
    let form = [
        ("csrf", hidden_csrf(&page)),
        ("topic", "trivsel".to_string()),
        ("urgency", "akut".to_string()),
        ("request_text", "Malthe er løbet hjemmefra efter et skænderi. Vi ved ikke, hvor han er.".into()),
    ];
    let r = susanne.post(t.url(&format!("/familie/forloeb/{malthe}/henvendelser"))).form(&form).send().await.unwrap();
    assert_eq!(r.headers()["location"], format!("/familie/forloeb/{malthe}?besked=akut"));

    // To Jonas, on call: an e-mail and an SMS, each a link and nothing about the family.
    let mail = last_mail(&t, "jonas@fjordlyst.example", text::ACUTE_REQUEST_SUBJECT).await;
    assert!(mail.body.contains(&format!("/forloeb/{malthe}/henvendelser")) && !mail.body.contains("Malthe"));
    last_mail(&t, "mette@fjordlyst.example", text::ACUTE_REQUEST_CONTACT_SUBJECT).await;
    // The gateway is down at first: the SMS waits in the outbox and goes when it answers again.
    let delivered = async |n: usize| {
        for _ in 0..100 {
            if texts.lock().unwrap().len() >= n {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        texts.lock().unwrap().clone()
    };
    assert_eq!(delivered(1).await.len(), 1, "tried once");
    let waiting = outbox(&t).await.into_iter().find(|m| m.mail.sms_to().is_some()).expect("the SMS in the outbox");
    assert!(waiting.sent.is_none(), "refused by the gateway: not sent");
    t.app.clock.advance(jiff::SignedDuration::from_secs(60));
    let sent = delivered(2).await;
    assert_eq!(sent.len(), 2, "tried again after its pause: {sent:?}");
    assert_eq!(sent[1]["to"], "+4570203041");
    for _ in 0..100 {
        if outbox(&t).await.into_iter().any(|m| m.id == waiting.id && m.sent.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(outbox(&t).await.into_iter().any(|m| m.id == waiting.id && m.sent.is_some()), "marked sent");
    let sms = sent[1]["text"].as_str().unwrap();
    assert!(sms.contains(&format!("/forloeb/{malthe}/henvendelser")) && !sms.contains("Malthe") && !sms.contains("Holm"), "{sms}");

    // On Jonas's list for today; on Mette's (the fixed contact) for Monday.
    let (jonas_c, _) = t.login("jonas").await;
    let listed = requests(&t, &jonas_c, malthe).await;
    let r0 = &listed["requests"][0];
    assert_eq!((r0["acute"].as_bool(), r0["on_call"][0].as_str()), (Some(true), Some("Jonas Holm")), "{listed}");
    let n = r0["id"].as_u64().unwrap();
    let acute = task(&t, &jonas_c, &format!("akut:{n}")).await.expect("the acute request is on Jonas's list");
    assert_eq!(acute["due_to"], "2027-03-07");
    let (mette, mcsrf) = t.login("mette").await;
    let follow = task(&t, &mette, &format!("opfoelg_akut:{n}")).await.expect("the follow-up is on the fixed contact's list");
    assert_eq!((follow["due_from"].as_str(), follow["status"].as_str()), (Some("2027-03-08"), Some("upcoming")));

    // Jonas logs what was done: an empty log is refused, then it is written.
    let page = jonas_c.get(t.url(&format!("/forloeb/{malthe}/henvendelser"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("id=\"log-{n}\"")), "{page}");
    let csrf = hidden_csrf(&page);
    let field = format!("text{n}");
    let log = |text: &'static str| jonas_c.post(t.url(&format!("/forloeb/{malthe}/henvendelser/{n}/log"))).form(&[("csrf", csrf.as_str()), (field.as_str(), text)]).send();
    let r = log("  ").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Skriv, hvad der blev gjort."));
    assert_eq!(log("Ringede kl. 2.10. Malthe var hos en kammerat; plejefar hentede ham. Aftalt samtale mandag.").await.unwrap().status(), StatusCode::SEE_OTHER);
    let listed = requests(&t, &mette, malthe).await;
    assert!(listed["requests"][0]["logged"].as_str().unwrap().starts_with("Ringede kl. 2.10."), "{listed}");
    assert!(task(&t, &jonas_c, &format!("akut:{n}")).await.is_none(), "logged: done");
    let r = mette.post(t.url(&format!("/api/v1/courses/{malthe}/requests/{n}/log"))).header("x-csrf-token", &mcsrf).json(&serde_json::json!({"text": "Igen"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "logged once");

    // Monday: Mette writes to the foster family in the request's thread, and her follow-up is done.
    t.app.clock.advance(jiff::SignedDuration::from_hours(31));
    let (mette, mcsrf) = t.login("mette").await;
    assert_eq!(task(&t, &mette, &format!("opfoelg_akut:{n}")).await.unwrap()["status"], "open");
    let thread = listed["requests"][0]["thread"].as_u64().unwrap();
    let r = mette
        .post(t.url(&format!("/api/v1/courses/{malthe}/threads/{thread}/messages")))
        .header("x-csrf-token", &mcsrf)
        .json(&serde_json::json!({"text": "Jeg har hørt om i nat. Skal vi tale sammen i dag kl. 14?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(task(&t, &mette, &format!("opfoelg_akut:{n}")).await.is_none());

    // Someone with no part in the course sees no requests.
    let (tove, _) = t.login("tove").await;
    assert_eq!(tove.get(t.url(&format!("/forloeb/{malthe}/henvendelser"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn respite_is_booked_within_its_places_and_never_twice_for_one_child() {
    // Wednesday 3 March 2027: the demo's respite weekend is 5–7 March, and Malthe is booked on it.
    let t = TestApp::spawn_fixed("2027-03-03T10:00:00Z".parse().unwrap()).await;
    let malthe = t.course("Malthe");
    let (jonas, jcsrf) = t.login("jonas").await;
    let org: Value = jonas.get(t.url("/api/v1/respite")).send().await.unwrap().json().await.unwrap();
    let weekend = org["offers"].as_array().unwrap().iter().find(|o| o["title"] == "Weekend på Fjordlyst").unwrap().clone();
    assert_eq!((weekend["from"].as_str(), weekend["least_free"].as_u64()), (Some("2027-03-05"), Some(3)), "{weekend}");
    assert_eq!(weekend["bookings"][0]["child"], "Malthe Brandt", "the institution sees who is booked");
    let offer = serde_json::json!({"kind": "fritid", "title": "Klatring", "from": "2027-03-10", "to": "2027-03-10", "capacity": 1});
    let r = jonas.post(t.url("/api/v1/respite/offers")).header("x-csrf-token", &jcsrf).json(&offer).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "only the organisation's administrators add offers");
    // The climbing afternoon has one place, and another child already has it.
    let fjordlyst = t.seeded.orgs["Julemærkehjemmet Fjordlyst"];
    let day = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    let climbing = tovholder_core::respite::Offer { id: 0, org: fjordlyst, kind: "fritid".into(), title: "Klatring".into(), from: day("2027-03-10"), to: day("2027-03-10"), capacity: 1 };
    let climbing = t.app.store.add_respite_offer(&climbing, t.seeded.users["jonas"].person, t.app.clock.now()).await.unwrap();
    let other = tovholder_core::respite::Booking { id: 0, offer: climbing, course: t.course("Noah"), child: tovholder_core::ids::PersonId(1), from: day("2027-03-10"), to: day("2027-03-10") };
    t.app.store.book_respite(&other, t.seeded.users["jonas"].person, t.app.clock.now(), &|_, _| Ok(())).await.unwrap().unwrap();

    let (frida, fcsrf) = t.login("frida").await;
    let book = |offer: i64, from: &str, to: &str| {
        frida.post(t.url(&format!("/api/v1/courses/{malthe}/respite"))).header("x-csrf-token", &fcsrf).json(&serde_json::json!({"offer": offer, "from": from, "to": to})).send()
    };
    let before = t.app.store.course_respite(malthe).await.unwrap().len();
    let r = book(climbing, "2027-03-10", "2027-03-10").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Der er ikke flere pladser 10. mar. 2027."));
    let r = book(weekend["id"].as_i64().unwrap(), "2027-03-06", "2027-03-07").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Barnet er allerede booket til aflastning 5. mar. 2027 – 7. mar. 2027."), "no double booking");
    assert_eq!(t.app.store.course_respite(malthe).await.unwrap().len(), before, "nothing booked");

    // A summer camp day with room: booked through the page, seen by the foster family.
    let camp = t.app.store.respite_offers(fjordlyst, day("2027-03-03")).await.unwrap().into_iter().find(|o| o.title == "Sommerlejr ved fjorden").unwrap();
    let page = frida.get(t.url(&format!("/forloeb/{malthe}/aflastning"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"form-book\""), "{page}");
    let form = [("csrf", hidden_csrf(&page)), ("offer", camp.id.to_string()), ("from", camp.from.to_string()), ("to", camp.from.to_string())];
    let r = frida.post(t.url(&format!("/forloeb/{malthe}/aflastning"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let susanne = family_login(&t, SUSANNE).await;
    let page = susanne.get(t.url(&format!("/familie/forloeb/{malthe}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sommerlejr ved fjorden") && page.contains("Weekend på Fjordlyst"), "{page}");
    assert!(t.app.store.journal(malthe).await.unwrap().iter().any(|e| e.event.kind() == "respite_booked"), "journaled");

    // The fixed contact and the caseworker do not book; the consultant cancels.
    let (mette, mcsrf) = t.login("mette").await;
    let r = mette
        .post(t.url(&format!("/api/v1/courses/{malthe}/respite")))
        .header("x-csrf-token", &mcsrf)
        .json(&serde_json::json!({"offer": camp.id, "from": camp.to.to_string(), "to": camp.to.to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let booked = t.app.store.course_respite(malthe).await.unwrap();
    let last = booked.iter().find(|b| b.offer == camp.id).unwrap().id;
    let r = frida.delete(t.url(&format!("/api/v1/courses/{malthe}/respite/{last}"))).header("x-csrf-token", &fcsrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(t.app.store.course_respite(malthe).await.unwrap().len(), booked.len() - 1);
    let (tove, _) = t.login("tove").await;
    assert_eq!(tove.get(t.url(&format!("/api/v1/courses/{malthe}/respite"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_deputy_sees_the_colleagues_courses_and_tasks_only_during_the_period() {
    // Monday 1 March 2027. Karim (Egeskov) is kontaktperson for Lucas; Sara, his colleague, has no
    // part in Lucas's course.
    let t = TestApp::spawn_fixed("2027-03-01T09:00:00Z".parse().unwrap()).await;
    let lucas = t.course("Lucas");
    let (karim, kcsrf) = t.login("karim").await;
    let karims: Value = karim.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    let his = karims.as_array().unwrap().iter().find(|x| x["course"] == lucas.0).expect("Karim has a task on Lucas's course").clone();
    let sara = t.seeded.users["sara"].person;
    let (sara_c, _) = t.login("sara").await;
    let sees = async |c: &reqwest::Client| c.get(t.url(&format!("/api/v1/courses/{lucas}"))).send().await.unwrap().status();
    assert_eq!(sees(&sara_c).await, StatusCode::NOT_FOUND);

    // Refused: someone of another organisation, and a period that ends before it begins.
    let name = |deputy: i64, from: &str, to: &str| karim.post(t.url("/api/v1/me/deputies")).header("x-csrf-token", &kcsrf).json(&serde_json::json!({"deputy": deputy, "from": from, "to": to})).send();
    let r = name(t.seeded.users["mette"].person.0, "2027-03-08", "2027-03-19").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Vælg en kollega fra din egen organisation."));
    assert_eq!(name(sara.0, "2027-03-19", "2027-03-08").await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(name(sara.0, "2027-03-08", "2027-03-19").await.unwrap().status(), StatusCode::CREATED);
    let journal = t.app.store.journal(lucas).await.unwrap();
    assert!(journal.iter().any(|e| e.event.kind() == "deputy_named"), "journaled on his course");
    let page = karim.get(t.url(&format!("/forloeb/{lucas}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sara Berg er stedfortræder for Karim Aziz 8. mar. 2027 – 19. mar. 2027"), "visible on the course");

    // Before the period: nothing yet.
    assert_eq!(sees(&sara_c).await, StatusCode::NOT_FOUND);
    // During it: she reads his course as his deputy, and has his task.
    t.app.clock.advance(jiff::SignedDuration::from_hours(24 * 7));
    let (sara_c, _) = t.login("sara").await;
    assert_eq!(sees(&sara_c).await, StatusCode::OK);
    let log = t.app.store.access_log(Some(lucas), 20).await.unwrap();
    assert!(
        log.iter().any(|r| r.person == Some(sara) && r.allowed && r.reason == format!("deputy:{}:kontaktperson", t.seeded.users["karim"].person.0)),
        "the access reason names whom she stands in for"
    );
    let (tove, _) = t.login("tove").await;
    let who = tove.get(t.url(&format!("/forloeb/{lucas}/adgangslog"))).send().await.unwrap().text().await.unwrap();
    assert!(who.contains("Som stedfortræder for Karim Aziz (kontaktperson)"), "in words on «Hvem har set forløbet»: {who}");
    let tasks: Value = sara_c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    let hers = tasks.as_array().unwrap().iter().find(|x| x["course"] == lucas.0 && x["task"] == his["task"]).expect("his task on her list").clone();
    assert_eq!(hers["owner_da"], "Som stedfortræder for Karim Aziz");
    // And she does it, in his role.
    let (sara_c, scsrf) = t.login("sara").await;
    let task = his["task"].as_str().unwrap();
    let r = sara_c
        .post(t.url(&format!("/api/v1/courses/{lucas}/tasks/{task}")))
        .header("x-csrf-token", &scsrf)
        .json(&serde_json::json!({"outcome": "kontakt_holdt", "note": "Talt med familien, mens Karim er på ferie."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // After it: gone again.
    t.app.clock.advance(jiff::SignedDuration::from_hours(24 * 12));
    let (sara_c, _) = t.login("sara").await;
    assert_eq!(sees(&sara_c).await, StatusCode::NOT_FOUND);
    let tasks: Value = sara_c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(!tasks.as_array().unwrap().iter().any(|x| x["course"] == lucas.0));
    assert!(t.app.store.journal(lucas).await.unwrap().iter().any(|e| e.stamp.by == sara && e.event.kind() == "task_completed"), "done in her own name");
}

#[tokio::test]
async fn a_new_fixed_contact_reads_the_hand_over_note_first() {
    let t = TestApp::spawn_fixed("2027-03-03T10:00:00Z".parse().unwrap()).await;
    let malthe = t.course("Malthe");
    let (jonas, csrf) = t.login("jonas").await;
    let jonas_id = t.seeded.users["jonas"].person;
    let appoint = |handover: Option<&str>| serde_json::json!({"role": "kontaktperson", "person": jonas_id, "handover": handover});

    // Mette is the fixed contact: taking over asks for a note, and nothing changes without one.
    let before = t.app.store.course(malthe).await.unwrap().unwrap().version;
    let r = jonas.post(t.url(&format!("/api/v1/courses/{malthe}/appointments"))).header("x-csrf-token", &csrf).json(&appoint(None)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("handover.kontaktperson"));
    assert_eq!(t.app.store.course(malthe).await.unwrap().unwrap().version, before);

    let note = "Susanne ringer helst om formiddagen. Samværet med mor er svært for ham; tal med Frida før næste samvær.";
    let r = jonas.post(t.url(&format!("/api/v1/courses/{malthe}/appointments"))).header("x-csrf-token", &csrf).json(&appoint(Some(note))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let holders: Vec<_> = t.app.store.course(malthe).await.unwrap().unwrap().state.holders("kontaktperson").collect();
    assert_eq!(holders, vec![jonas_id]);

    // Jonas reads it first: at the top of the course, and on his list until he has.
    let page = jonas.get(t.url(&format!("/forloeb/{malthe}"))).send().await.unwrap().text().await.unwrap();
    let top = page.find("Læs først: overdragelse fra Mette Pedersen").expect("the note at the top");
    assert!(top < page.find("id=\"tidslinje\"").unwrap() && page.contains("Susanne ringer helst om formiddagen."), "{page}");
    assert!(task(&t, &jonas, "overdragelse:1").await.is_some());
    // Mette, no longer the contact, cannot mark it read for him.
    let (mette, mcsrf) = t.login("mette").await;
    let r = mette.post(t.url(&format!("/api/v1/courses/{malthe}/handovers/1/read"))).header("x-csrf-token", &mcsrf).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, location) = post_form(&t, &jonas, &csrf, &format!("/forloeb/{malthe}/overdragelser/1/laest"), &[]).await;
    assert_eq!((status, location.contains("gemt=overdragelse")), (StatusCode::SEE_OTHER, true), "{location}");
    let page = jonas.get(t.url(&format!("/forloeb/{malthe}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Læs først") && page.contains("Overdragelser (1)") && page.contains("læst"), "{page}");
    assert!(task(&t, &jonas, "overdragelse:1").await.is_none(), "read: off his open list");
    let journal = t.app.store.journal(malthe).await.unwrap();
    assert!(journal.iter().any(|e| matches!(&e.event, tovholder_core::course::Event::HandoverWritten { to, .. } if *to == jonas_id)));
}

#[tokio::test]
async fn back_early_the_deputy_period_ends_and_one_not_yet_begun_is_withdrawn() {
    // Monday 1 March 2027: Karim names Sara for two weeks from today and for a week in May.
    let t = TestApp::spawn_fixed("2027-03-01T09:00:00Z".parse().unwrap()).await;
    let lucas = t.course("Lucas");
    let (karim, kcsrf) = t.login("karim").await;
    let sara = t.seeded.users["sara"].person;
    let name = async |from: &str, to: &str| -> i64 {
        let r = karim.post(t.url("/api/v1/me/deputies")).header("x-csrf-token", &kcsrf).json(&serde_json::json!({"deputy": sara, "from": from, "to": to})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    };
    let now = name("2027-03-01", "2027-03-14").await;
    let may = name("2027-05-03", "2027-05-09").await;
    let sees = async || {
        let (c, _) = t.login("sara").await;
        c.get(t.url(&format!("/api/v1/courses/{lucas}"))).send().await.unwrap().status()
    };
    assert_eq!(sees().await, StatusCode::OK);

    // Thursday he is back: from then on she no longer stands in; the course records it.
    t.app.clock.advance(jiff::SignedDuration::from_hours(24 * 3));
    let (karim, kcsrf) = t.login("karim").await;
    let (status, location) = post_form(&t, &karim, &kcsrf, &format!("/stedfortraeder/{now}/afslut"), &[]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/stedfortraeder"));
    assert_eq!(sees().await, StatusCode::NOT_FOUND);
    let page = karim.get(t.url(&format!("/forloeb/{lucas}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("data-deputy>Sara Berg er stedfortræder for Karim Aziz 1. mar."), "the ended period is no longer shown as current: {page}");
    assert!(page.contains("Sara Berg er stedfortræder for Karim Aziz til og med 3. mar. 2027 (kortet af)."), "the journal says so: {page}");
    let journal = t.app.store.journal(lucas).await.unwrap();
    assert!(journal.iter().any(|e| e.event.kind() == "deputy_ended"), "journaled on his course");

    // May's period is withdrawn before it begins (the API): it never gives her access.
    let r = karim.delete(t.url(&format!("/api/v1/me/deputies/{may}"))).header("x-csrf-token", &kcsrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let mine: Value = karim.get(t.url("/api/v1/me/deputies")).send().await.unwrap().json().await.unwrap();
    assert!(!mine["named"].as_array().unwrap().iter().any(|d| d["id"] == may || d["id"] == now), "neither is listed any more: {mine}");
    let page = karim.get(t.url(&format!("/forloeb/{lucas}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("data-deputy>Sara Berg er stedfortræder for Karim Aziz 3. maj"), "May's period is not shown ahead: {page}");
    t.app.clock.advance(jiff::SignedDuration::from_hours(24 * 64));
    assert_eq!(sees().await, StatusCode::NOT_FOUND);
    // Nobody else ends his periods.
    let (sara_c, scsrf) = t.login("sara").await;
    let r = sara_c.delete(t.url(&format!("/api/v1/me/deputies/{may}"))).header("x-csrf-token", &scsrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// An organisation made by the instance's administrator, as the README says; its id.
async fn new_org(t: &TestApp, root: &reqwest::Client, csrf: &str, name: &str, kind: &str) -> tovholder_core::ids::OrgId {
    let (status, _) = post_form(t, root, csrf, "/admin/organisationer", &[("name", name), ("kind", kind)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{name}");
    t.app.store.orgs().await.unwrap().iter().find(|o| o.name == name).unwrap().id
}

#[tokio::test]
async fn a_foster_family_is_supported_on_an_instance_set_up_from_empty() {
    let t = TestApp::spawn_empty().await;
    let (root, csrf, kommune, _, _) = from_empty_with_coordinator(&t).await;
    // An opholdssted and a foster family; the municipality's familiepleje and the place's staff.
    let lyngly = new_org(&t, &root, &csrf, "Opholdsstedet Lyngly", "opholdssted").await;
    let berg = new_org(&t, &root, &csrf, "Plejefamilien Berg, Skovvej 3", "plejefamilie").await;
    for (org, name, login, roles) in [(kommune, "Frede Falk", "frede", "familiepleje"), (lyngly, "Lone Lyng", "lone", "institutionens_personale")] {
        let user = [("name", name), ("login", login), ("email", &format!("{login}@example.org")), ("roles", roles), ("password", "korrekt hest batteri")];
        assert_eq!(post_form(&t, &root, &csrf, &format!("/admin/organisationer/{org}/brugere"), &user).await.0, StatusCode::SEE_OTHER, "{login}");
    }
    let (frede, fcsrf) = t.login_as("frede", "korrekt hest batteri").await;
    let (lone, lcsrf) = t.login_as("lone", "korrekt hest batteri").await;

    // The familiepleje opens the support course under its bevilling.
    let body = serde_json::json!({
        "model": "plejefamilie_stoette", "parties": {"kommune": kommune, "institution": lyngly, "plejefamilie": berg},
        "family": [
            {"role": "barn", "name": "Otto Kjær", "cpr": "050518-4322"},
            {"role": "plejeforaelder", "name": "Birthe Berg", "email": "birthe@familie.example"},
            {"role": "foraelder", "name": "Dorthe Kjær", "email": "dorthe@familie.example", "custody": true}
        ],
        "dates": {"bevilling": t.app.clock.today().to_string()}, "decisions": {}
    });
    let r = frede.post(t.url("/api/v1/courses")).header("x-csrf-token", &fcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let course = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let lone_id = t.app.store.user_by_name("lone").await.unwrap().unwrap().person;
    let r =
        lone.post(t.url(&format!("/api/v1/courses/{course}/appointments"))).header("x-csrf-token", &lcsrf).json(&serde_json::json!({"role": "kontaktperson", "person": lone_id})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    // The foster mother logs in as a family does, asks for support, and it is on Lone's list.
    let birthe = family_login(&t, "birthe@familie.example").await;
    let page = birthe.get(t.url(&format!("/familie/forloeb/{course}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Bed om støtte"), "{page}");
    let form = [("csrf", hidden_csrf(&page)), ("topic", "hverdag".into()), ("urgency", "almindelig".into()), ("request_text", "Hvordan får vi morgenerne til at gå?".into())];
    let r = birthe.post(t.url(&format!("/familie/forloeb/{course}/henvendelser"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(task(&t, &lone, "henvendelse:1").await.is_some(), "the request is on the fixed contact's list");

    // Lyngly plans supervision: the list is Birthe, found from its course; she signs up.
    let start = (t.app.clock.today() + jiff::Span::new().days(10)).at(17, 0, 0, 0);
    let plan = serde_json::json!({"kind": "plejefamilie_stoette:supervision", "title": "Supervision", "place": "Lyngly", "capacity": 6, "sessions": [{"start": start, "minutes": 90}]});
    let r = lone.post(t.url("/api/v1/activities")).header("x-csrf-token", &lcsrf).json(&plan).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let v: Value = lone.get(t.url(&format!("/api/v1/activities/{id}"))).send().await.unwrap().json().await.unwrap();
    let invited: Vec<&str> = v["invitees"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(invited, vec!["Birthe Berg"]);
    let r = lone.post(t.url(&format!("/api/v1/activities/{id}/invitations"))).header("x-csrf-token", &lcsrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = birthe.get(t.url(&format!("/familie/aktiviteter/{id}"))).send().await.unwrap().text().await.unwrap();
    let r = birthe.post(t.url(&format!("/familie/aktiviteter/{id}/svar"))).form(&[("csrf", hidden_csrf(&page)), ("svar", "ja".into())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The child's mother never sees where he lives.
    let dorthe = family_login(&t, "dorthe@familie.example").await;
    let page = dorthe.get(t.url(&format!("/familie/forloeb/{course}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Skovvej") && page.contains("Plejefamilie (vises ikke)"), "{page}");
}
