//! HTTP tests: activities across courses. Julemærkehjemmet Fjordlyst plans supervision for the
//! foster families it supports (the Holms are found from Malthe's course), sends the invitations
//! with a calendar file per session, the foster parents sign up on the family's pages within the
//! places, notes that name the child are refused, and Jonas records who came. The home's yearly
//! network meeting invites the tovholdere and kontaktpersoner of the municipalities that used the
//! Julemærkehjem model with it; the list is edited by hand, and an invited tovholder answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SUSANNE: &str = "susanne.holm@familie.example";
const MICHAEL: &str = "michael.holm@familie.example";
const LENE: &str = "lene.brandt@familie.example";

async fn activity(t: &TestApp, c: &reqwest::Client, id: i64) -> Value {
    c.get(t.url(&format!("/api/v1/activities/{id}"))).send().await.unwrap().json().await.unwrap()
}

fn names(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["invitees"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect();
    out.sort();
    out
}

#[tokio::test]
async fn supervision_for_foster_families_is_signed_up_for_within_its_places_and_attendance_is_recorded() {
    // Wednesday 3 March 2027, 11:00 in Copenhagen.
    let t = TestApp::spawn_fixed("2027-03-03T10:00:00Z".parse().unwrap()).await;
    let (jonas, csrf) = t.login("jonas").await;
    let kinds: Value = jonas.get(t.url("/api/v1/activities")).send().await.unwrap().json().await.unwrap();
    assert!(kinds["kinds"].as_array().unwrap().iter().any(|k| k["value"] == "plejefamilie_stoette:supervision"), "{kinds}");

    // Refused, by field, and nothing is saved: a date in the past, no places.
    let before = jonas.get(t.url("/api/v1/activities")).send().await.unwrap().json::<Value>().await.unwrap()["ours"].as_array().unwrap().len();
    let plan = |start: &str, capacity: u32| json!({"kind": "plejefamilie_stoette:supervision", "title": "Supervision, forår", "place": "Fjordlyst, mødelokalet", "capacity": capacity, "sessions": [{"start": start, "minutes": 120}]});
    let r = jonas.post(t.url("/api/v1/activities")).header("x-csrf-token", &csrf).json(&plan("2027-03-01T17:00", 0)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem = r.text().await.unwrap();
    assert!(problem.contains("capacity") && problem.contains("fremtiden"), "{problem}");
    let after = jonas.get(t.url("/api/v1/activities")).send().await.unwrap().json::<Value>().await.unwrap()["ours"].as_array().unwrap().len();
    assert_eq!(before, after);

    // One place, one evening next week; the list is the foster parents of Fjordlyst's support courses.
    let r = jonas.post(t.url("/api/v1/activities")).header("x-csrf-token", &csrf).json(&plan("2027-03-10T17:00", 1)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let v = activity(&t, &jonas, id).await;
    assert_eq!(names(&v), vec!["Michael Holm", "Susanne Holm"], "{v}");
    assert_eq!(v["not_yet_invited"], 2);

    // Staff of another organisation do not see it.
    let (karim, _) = t.login("karim").await;
    assert_eq!(karim.get(t.url(&format!("/api/v1/activities/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // The invitations: a notice with a link and a calendar file, no names.
    let r = jonas.post(t.url(&format!("/api/v1/activities/{id}/invitations"))).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["invited"], 2);
    let mail = last_mail(&t, SUSANNE, "Invitation: Supervision").await;
    assert!(mail.body.contains(&format!("/familie/aktiviteter/{id}")) && !mail.body.contains("Malthe") && !mail.body.contains("Holm"), "{}", mail.body);
    let ics = mail.attachment.expect("a calendar file").text;
    assert!(ics.contains("DTSTART;TZID=Europe/Copenhagen:20270310T170000") && ics.contains("SUMMARY:Supervision") && ics.contains("METHOD:REQUEST"), "{ics}");
    assert!(ics.contains(&format!("UID:tovholder-aktivitet-{id}-1@")) && !ics.contains("Malthe"), "{ics}");

    // Susanne sees it on her course page and signs up; Michael finds it full.
    let susanne = family_login(&t, SUSANNE).await;
    let page = susanne.get(t.url(&format!("/familie/forloeb/{}", t.course("Malthe")))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Tilbud til jer") && page.contains(&format!("/familie/aktiviteter/{id}")), "{page}");
    let page = susanne.get(t.url(&format!("/familie/aktiviteter/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Har ikke svaret") && page.contains("1 ledige"), "{page}");
    let r = susanne.post(t.url(&format!("/familie/aktiviteter/{id}/svar"))).form(&[("csrf", hidden_csrf(&page)), ("svar", "ja".into())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let michael = family_login(&t, MICHAEL).await;
    let page = michael.get(t.url(&format!("/familie/aktiviteter/{id}"))).send().await.unwrap().text().await.unwrap();
    let r = michael.post(t.url(&format!("/familie/aktiviteter/{id}/svar"))).form(&[("csrf", hidden_csrf(&page)), ("svar", "ja".into())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("ikke flere ledige pladser"));
    let v = activity(&t, &jonas, id).await;
    assert_eq!((v["signed_up"].as_u64(), v["places_left"].as_u64()), (Some(1), Some(0)), "{v}");
    // On Susanne's «Det sker snart», not on Michael's (he is not signed up).
    let soon = |page: &str| page.split("id=\"naeste\"").nth(1).and_then(|p| p.split("</section>").next()).unwrap_or_default().to_string();
    let course = t.course("Malthe");
    let hers = soon(&susanne.get(t.url(&format!("/familie/forloeb/{course}"))).send().await.unwrap().text().await.unwrap());
    assert!(hers.contains("10. mar. 2027 kl. 17.00") && hers.contains("Supervision"), "{hers}");
    let his = soon(&michael.get(t.url(&format!("/familie/forloeb/{course}"))).send().await.unwrap().text().await.unwrap());
    assert!(!his.contains("Supervision"), "{his}");

    // A note naming the child is refused and not kept; one that does not is shared with Michael.
    let r = michael.post(t.url(&format!("/familie/aktiviteter/{id}/noter"))).form(&[("csrf", hidden_csrf(&page)), ("text", "Malthe sover dårligt efter samvær.".into())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("«Malthe»") && refused.contains("Malthe sover dårligt efter samvær."), "what he wrote is kept in the form: {refused}");
    assert!(activity(&t, &jonas, id).await["notes"].as_array().unwrap().is_empty());
    let r = jonas.post(t.url(&format!("/api/v1/activities/{id}/notes"))).header("x-csrf-token", &csrf).json(&json!({"text": "Vi tager udgangspunkt i jeres spørgsmål om søvn."})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let page = michael.get(t.url(&format!("/familie/aktiviteter/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Vi tager udgangspunkt i jeres spørgsmål om søvn.") && page.contains("Jonas Holm"), "{page}");
    assert!(!page.contains("Susanne Holm"), "the invited do not see the list of who else is invited");

    // Moved a day, with a second evening: those invited get the changed calendar entries.
    let change = |sessions: Value| json!({"title": "Supervision, forår", "place": "Fjordlyst, mødelokalet", "capacity": 1, "sessions": sessions});
    let put = |body: Value| jonas.put(t.url(&format!("/api/v1/activities/{id}"))).header("x-csrf-token", &csrf).json(&body).send();
    let r = put(json!({"title": "Supervision, forår", "place": "Fjordlyst", "capacity": 0, "sessions": [{"start": "2027-03-11T18:00", "minutes": 120}]})).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no places for the one signed up");
    let two = json!([{"start": "2027-03-11T18:00", "minutes": 120}, {"start": "2027-03-25T18:00", "minutes": 120}]);
    assert_eq!(put(change(two)).await.unwrap().status(), StatusCode::NO_CONTENT);
    let to_susanne: Vec<String> = outbox(&t).await.into_iter().filter(|m| m.mail.to == SUSANNE).filter_map(|m| m.mail.attachment.map(|a| a.text)).collect();
    assert!(
        to_susanne.iter().any(|ics| ics.contains("DTSTART;TZID=Europe/Copenhagen:20270311T180000") && ics.contains("SEQUENCE:2") && ics.contains(&format!("UID:tovholder-aktivitet-{id}-1@"))),
        "the first date moved, in place"
    );
    assert!(to_susanne.iter().any(|ics| ics.contains("20270325T180000") && ics.contains(&format!("UID:tovholder-aktivitet-{id}-2@"))), "the second date added");
    // Back to one evening: the second is cancelled in their calendars.
    assert_eq!(put(change(json!([{"start": "2027-03-11T18:00", "minutes": 120}]))).await.unwrap().status(), StatusCode::NO_CONTENT);
    let cancelled = last_mail(&t, SUSANNE, "Aflyst: Supervision").await.attachment.unwrap().text;
    assert!(cancelled.contains("METHOD:CANCEL") && cancelled.contains(&format!("UID:tovholder-aktivitet-{id}-2@")) && cancelled.contains("SEQUENCE:3"), "{cancelled}");
    let v = activity(&t, &jonas, id).await;
    assert_eq!((v["sessions"].as_array().unwrap().len(), v["signed_up"].as_u64()), (1, Some(1)), "the answers are kept: {v}");

    // The child's mother is not invited: not found.
    let lene = family_login(&t, LENE).await;
    assert_eq!(lene.get(t.url(&format!("/familie/aktiviteter/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Attendance waits for the evening; then Jonas records that Susanne came.
    let susanne_id = v["invitees"].as_array().unwrap().iter().find(|i| i["name"] == "Susanne Holm").unwrap()["person"].as_i64().unwrap();
    let attend = |present: Vec<i64>| json!({"present": present});
    let r = jonas.post(t.url(&format!("/api/v1/activities/{id}/sessions/1/attendance"))).header("x-csrf-token", &csrf).json(&attend(vec![susanne_id])).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    t.app.clock.advance_days(8);
    t.app.clock.advance(jiff::SignedDuration::from_hours(8));
    // A week on, the sessions have ended: log in again.
    let (jonas, csrf) = t.login("jonas").await;
    let michael = family_login(&t, MICHAEL).await;
    let r = jonas.post(t.url(&format!("/api/v1/activities/{id}/sessions/1/attendance"))).header("x-csrf-token", &csrf).json(&attend(vec![susanne_id])).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let v = activity(&t, &jonas, id).await;
    assert_eq!(v["sessions"][0]["attended"], json!([susanne_id]), "{v}");
    let page = jonas.get(t.url(&format!("/aktiviteter/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("id=\"present-1-{susanne_id}\" name=\"present\" value=\"{susanne_id}\" checked")), "{page}");
    // Begun: no more signing up.
    let page = michael.get(t.url(&format!("/familie/aktiviteter/{id}"))).send().await.unwrap().text().await.unwrap();
    let r = michael.post(t.url(&format!("/familie/aktiviteter/{id}/svar"))).form(&[("csrf", hidden_csrf(&page)), ("svar", "nej".into())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_network_meeting_invites_the_tovholdere_and_kontaktpersoner_of_the_municipalities_that_used_the_model() {
    let t = TestApp::spawn_fixed("2027-03-03T10:00:00Z".parse().unwrap()).await;
    let (jonas, csrf) = t.login("jonas").await;
    let body = json!({"kind": "julemaerkehjem:netvaerksmoede", "title": "Netværksmøde 2027", "place": "Fjordlyst", "capacity": 30, "sessions": [{"start": "2027-05-20T10:00", "minutes": 180}]});
    let r = jonas.post(t.url("/api/v1/activities")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // The expected list from the store: every Julemærkehjem course at Fjordlyst gives its
    // kontaktpersoner, and its municipality its tovholdere.
    let fjordlyst = t.seeded.orgs["Julemærkehjemmet Fjordlyst"];
    let mut expected = std::collections::BTreeSet::new();
    for id in t.app.store.course_ids().await.unwrap() {
        let c = t.app.store.course(id).await.unwrap().unwrap();
        if c.state.model != "julemaerkehjem" || c.state.parties.get("home") != Some(&fjordlyst) {
            continue;
        }
        let kp: Vec<_> = c.state.holders("kontaktperson").collect();
        for p in t.app.store.persons(&kp).await.unwrap() {
            expected.insert(p.name);
        }
        for u in t.app.store.staff(c.state.parties["municipality"]).await.unwrap().iter().filter(|u| u.org_roles.iter().any(|r| r == "tovholder")) {
            expected.insert(u.name.clone());
        }
    }
    let v = activity(&t, &jonas, id).await;
    assert_eq!(names(&v), expected.iter().cloned().collect::<Vec<_>>(), "{v}");
    // Until the invitations go out the list is Jonas's draft: Tove is told nothing.
    let (tc, _) = t.login("tove").await;
    assert_eq!(tc.get(t.url(&format!("/api/v1/activities/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let hers: Value = tc.get(t.url("/api/v1/activities")).send().await.unwrap().json().await.unwrap();
    assert!(!hers["invited"].as_array().unwrap().iter().any(|a| a["id"] == id), "{hers}");
    assert!(expected.contains("Tove Lund") && expected.contains("Lars Møller"), "both municipalities' tovholdere: {expected:?}");
    assert!(!expected.contains("Hanne Vestergaard") && !expected.contains("Mette Pedersen"), "no other model's staff, not the home's own");

    // Edited by hand: an unknown address is refused, Hanne is added, Lars is taken off.
    let add = |email: &str| json!({"email": email});
    let r = jonas.post(t.url(&format!("/api/v1/activities/{id}/invitees"))).header("x-csrf-token", &csrf).json(&add("ingen@example.invalid")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A family of another organisation's course is not found either (the same answer), one of
    // the home's own courses is.
    let r = jonas.post(t.url(&format!("/api/v1/activities/{id}/invitees"))).header("x-csrf-token", &csrf).json(&add("louise.bak@familie.example")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = jonas.post(t.url(&format!("/api/v1/activities/{id}/invitees"))).header("x-csrf-token", &csrf).json(&add("lene.brandt@familie.example")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let hanne = t.seeded.users["hanne"].clone();
    let r = jonas.post(t.url(&format!("/api/v1/activities/{id}/invitees"))).header("x-csrf-token", &csrf).json(&add(hanne.email.as_deref().unwrap())).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let lars = t.seeded.users["lars"].person;
    let r = jonas.delete(t.url(&format!("/api/v1/activities/{id}/invitees/{lars}"))).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let v = activity(&t, &jonas, id).await;
    let now = names(&v);
    assert!(now.contains(&"Hanne Vestergaard".to_string()) && !now.contains(&"Lars Møller".to_string()), "{now:?}");
    let added = v["invitees"].as_array().unwrap().iter().find(|i| i["name"] == "Hanne Vestergaard").unwrap();
    assert_eq!(added["computed"], false);

    // Sent: Tove gets it with a link to the staff page, and answers there.
    jonas.post(t.url(&format!("/aktiviteter/{id}/inviter"))).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    let tove = t.seeded.users["tove"].clone();
    let mail = last_mail(&t, tove.email.as_deref().unwrap(), "Invitation: Netværksmøde for kommunernes tovholdere og kontaktpersoner").await;
    assert!(mail.body.contains(&format!("/aktiviteter/{id}")) && !mail.body.contains("/familie/"), "{}", mail.body);
    let (tc, tcsrf) = t.login("tove").await;
    let mine: Value = tc.get(t.url("/api/v1/activities")).send().await.unwrap().json().await.unwrap();
    assert!(mine["invited"].as_array().unwrap().iter().any(|a| a["id"] == id), "{mine}");
    let (status, _) = post_form(&t, &tc, &tcsrf, &format!("/aktiviteter/{id}/svar"), &[("svar", "ja")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let v = activity(&t, &jonas, id).await;
    let answer = v["invitees"].as_array().unwrap().iter().find(|i| i["name"] == "Tove Lund").unwrap()["answer"].clone();
    assert_eq!(answer, "yes");
    // After the meeting Jonas writes the minutes: naming a child is refused; Tove reads them.
    t.app.clock.advance_days(78);
    let (jonas, csrf) = t.login("jonas").await;
    let (tc, _) = t.login("tove").await;
    let child = t.app.store.persons(&t.app.store.course(t.course("William")).await.unwrap().unwrap().state.holders("barn").collect::<Vec<_>>()).await.unwrap()[0].name.clone();
    let first = child.split_whitespace().next().unwrap().to_string();
    let write = |text: String| jonas.post(t.url(&format!("/api/v1/activities/{id}/summary"))).header("x-csrf-token", &csrf).json(&json!({"text": text})).send();
    let r = write(format!("Vi talte om {first} og overgangen hjem.")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(activity(&t, &jonas, id).await["summary"].is_null());
    assert_eq!(write("Kommunerne ønsker udtalelsen en uge før opholdets afslutning.".into()).await.unwrap().status(), StatusCode::NO_CONTENT);
    let page = tc.get(t.url(&format!("/aktiviteter/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Referat") && page.contains("Kommunerne ønsker udtalelsen en uge før opholdets afslutning."), "{page}");
    // Lars, taken off, does not see it.
    let (lc, _) = t.login("lars").await;
    assert_eq!(lc.get(t.url(&format!("/api/v1/activities/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Cancelled: those invited get the calendar's cancellation.
    let r = jonas.post(t.url(&format!("/api/v1/activities/{id}/cancel"))).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let mail = last_mail(&t, tove.email.as_deref().unwrap(), "Aflyst: Netværksmøde for kommunernes tovholdere og kontaktpersoner").await;
    assert!(mail.attachment.unwrap().text.contains("METHOD:CANCEL"));
}
