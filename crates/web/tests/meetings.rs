//! HTTP tests: meetings, invitations and calendars, meeting places, and the family plan.
//! A real server on port 0 over a fresh store with the demo data (SQLite, or PostgreSQL with
//! TOVHOLDER_TEST_STORE=postgres), driven by real HTTP as the demo's users.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

/// One network-meeting round of a Familiens Fremtid course: planned with the seed's agenda,
/// invitations over real SMTP with an iCalendar file that names no one in the family, the
/// agenda mailed a week before, minutes and an agreement, and the plan PDF sent within the
/// week to the participants the consent covers.
#[tokio::test]
async fn a_network_meeting_round_from_invitation_to_the_plan() {
    let sink = SmtpSink::start().await;
    let t = TestApp::spawn().await;
    let id = t.course("Sofie");
    let (c, csrf) = t.login("hanne").await;
    let louise = members(&t, &c, id, "voksen").await[0].0.clone();
    let hanne = t.seeded.users["hanne"].person.to_string();
    let today = t.app.clock.today();
    let day = today.checked_add(jiff::ToSpan::days(14)).unwrap();
    let start = format!("{day}T09:00");
    let path = format!("/forloeb/{id}/moeder");
    let base: Vec<(&str, String)> = vec![
        ("kind", "netvaerksmoede".into()),
        ("start", start.clone()),
        ("attendees", format!("p{louise}")),
        ("attendees", format!("p{hanne}")),
        ("attendees", "n3".into()),
        ("attendees", "n4".into()),
    ];
    let form = |place: &str| {
        let mut f: Vec<(&str, String)> = base.clone();
        f.push(("place", place.to_string()));
        f.push(("csrf", csrf.clone()));
        f
    };
    // A meeting needs a place: none is refused, in Danish, and nothing is saved.
    let r = c.post(t.url(&path)).form(&form("")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Vælg et af jeres mødesteder, eller skriv, hvor mødet holdes."));
    let mut registered = form("");
    registered.push(("place_choice", FF_PLACE.to_string()));
    let r = c.post(t.url(&path)).form(&registered).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let meeting_url = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
    assert_eq!(meeting_url, format!("/forloeb/{id}/moeder/3"));
    let m: Value = c.get(t.url(&format!("/api/v1/courses/{id}/meetings/3"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(m["agenda"].as_array().unwrap().len(), 9, "the seed's nine-point agenda");
    assert_eq!(m["fits"], true, "{}", m["fit_da"]);
    assert!(m["attendees"].as_array().unwrap().iter().any(|a| a["role"].as_str().unwrap().contains("Sundhedsplejerske")), "each participant's role is shown");

    let (status, _) = post_form(&t, &c, &csrf, &format!("{meeting_url}/invitationer"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let smtp = tovholder_app::mailer::SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port,
        from: "Tovholder <tovholder@furesoe.example>".into(),
        username: None,
        password: None,
        tls: tovholder_app::mailer::Tls::None,
        lease_seconds: 120,
    };
    tovholder_app::mailer::start(t.app.store.clone(), t.app.clock.clone(), smtp).unwrap();
    let (_, subject, text, ics) =
        sink.wait_for(|m| m.0 == "lise.holm@skole.example" && m.1 == "Invitation: Netværksmøde" && m.3.as_deref().is_some_and(|i| i.contains(&format!("tovholder-{id}-3@")))).await;
    let ics = ics.unwrap();
    let unfolded = icalendar::parser::unfold(&ics);
    let cal = icalendar::parser::read_calendar(&unfolded).unwrap();
    assert!(cal.properties.iter().any(|p| p.name == "METHOD" && p.val == "REQUEST"));
    let ev = cal.components.iter().find(|c| c.name == "VEVENT").unwrap();
    let prop = |n: &str| ev.properties.iter().find(|p| p.name == n).unwrap();
    let dtstart = prop("DTSTART");
    assert_eq!(dtstart.val.as_str(), format!("{}T090000", day.strftime("%Y%m%d")), "9.00 Copenhagen time, as planned");
    assert!(dtstart.params.iter().any(|p| p.key == "TZID" && p.val.as_ref().is_some_and(|v| v.as_str() == "Europe/Copenhagen")));
    assert_eq!(prop("LOCATION").val.as_str(), FF_PLACE, "a registered meeting place goes into the calendar");
    assert_eq!(prop("ATTENDEE").val.as_str(), "mailto:lise.holm@skole.example", "each recipient sees only themselves");
    for word in ["Bak", "Louise", "Sofie", "Malthe", "@familie.example"] {
        assert!(!ics.contains(word) && !subject.contains(word) && !text.contains(word), "{word} in an invitation");
    }
    assert!(!tovholder_core::cpr::contains_cpr(&ics) && !tovholder_core::cpr::contains_cpr(&text));
    // The family gets one too, with a link to their own pages, never to the staff's.
    let (_, _, family_text, family_ics) =
        sink.wait_for(|m| m.0 == "louise.bak@familie.example" && m.1 == "Invitation: Netværksmøde" && m.3.as_deref().is_some_and(|i| i.contains(&format!("tovholder-{id}-3@")))).await;
    assert!(family_text.contains(&format!("/familie/forloeb/{id}")) && !family_text.contains(&format!("{}/forloeb/", t.url(""))) && family_ics.unwrap().contains("ATTENDEE"), "{family_text}");

    // The agenda waits until a week before the meeting.
    let agenda_key = format!("agenda:{id}:3");
    let queued: Vec<_> = outbox(&t).await.into_iter().filter(|m| m.mail.key.as_deref() == Some(agenda_key.as_str())).collect();
    assert_eq!(queued.len(), 4);
    assert!(queued.iter().all(|m| m.sent.is_none() && m.mail.not_before.is_some()));
    t.app.clock.advance_days(8);
    sink.wait_for(|m| m.0 == "lise.holm@skole.example" && m.1.starts_with("Dagsorden: Netværksmøde")).await;

    // On the day: minutes, an agreement, and the plan within the week.
    t.app.clock.advance_days(6);
    let (c, csrf) = t.login("hanne").await;
    let (status, body) = post_form(
        &t,
        &c,
        &csrf,
        &format!("{meeting_url}/referat"),
        &[
            ("present", &format!("p{louise}")),
            ("present", "n4"),
            ("story", "Morgenerne går bedre nu, fortæller Louise."),
            ("best_hope", "Ro på hjemme"),
            ("works.n4", "Søvnen er bedre"),
            ("challenges.n4", "Mandage"),
            ("dialogue", "Vi fortsætter morgenplanen."),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let due = t.app.clock.today().checked_add(jiff::ToSpan::days(30)).unwrap().to_string();
    let (status, body) = post_form(&t, &c, &csrf, &format!("/forloeb/{id}/aftaler"), &[("meeting", "3"), ("what", "Gitte følger op på søvnen hos Malthe"), ("responsible", "n4"), ("due", &due)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let tasks: Value = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.as_array().unwrap().iter().any(|x| x["task"] == "plan:3"), "sending the plan is on the coordinator's list: {tasks}");
    let (status, body) = post_form(&t, &c, &csrf, &format!("/forloeb/{id}/familieplan"), &[("meeting", "3"), ("send", "ja")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let course: Value = c.get(t.url(&format!("/api/v1/courses/{id}"))).send().await.unwrap().json().await.unwrap();
    let plan = course["documents"].as_array().unwrap().iter().find(|d| d["title"] == "Familieplan 2.0").expect("version 2.0 after the second network meeting");
    let doc = plan["doc"].as_u64().unwrap();
    let tasks: Value = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(!tasks.as_array().unwrap().iter().any(|x| x["task"] == "plan:3"), "sent: the deadline is done");
    let pdf = c.get(t.url(&format!("/forloeb/{id}/dokumenter/{doc}"))).send().await.unwrap().bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdftotext(&pdf);
    for section in [
        "Aftaler fra netværksmødet",
        "Netværk",
        "Netværkskort",
        "Overblik over aktuelle indsatser",
        "Aktuel status",
        "Familiens egne mål",
        "Planer for hver person",
        "Gitte følger op på søvnen hos Malthe",
        "Inge Bak",
        "Sundhedsplejerske",
    ] {
        assert!(text.contains(section), "{section} missing from the plan:\n{text}");
    }
    assert!(text.contains("Søvnen") || text.contains("Fraværet er faldet"), "Danish letters intact:\n{text}");
    assert!(!tovholder_core::cpr::contains_cpr(&text), "no CPR number in the plan");
    // Gitte (Sundhedsplejen, covered by the consent) got it and can read it; Emil was not at
    // the meeting; Lise has no login.
    let (gitte, _) = t.login("gitte").await;
    assert_eq!(gitte.get(t.url(&format!("/forloeb/{id}/dokumenter/{doc}"))).send().await.unwrap().status(), StatusCode::OK);
    let (emil, _) = t.login("emil").await;
    assert_eq!(emil.get(t.url(&format!("/forloeb/{id}/dokumenter/{doc}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // Gitte's agreement is on her own list.
    let tasks: Value = gitte.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.as_array().unwrap().iter().any(|x| x["label"].as_str().unwrap().contains("følger op på søvnen")), "{tasks}");
}

/// Ballerup: no meeting booked within 12 weeks gives the caseworker a call task, which a call
/// closes; the API takes meeting operations too and refuses one the role may not do.
#[tokio::test]
async fn ballerup_calls_the_family_when_no_meeting_is_booked() {
    let t = TestApp::spawn().await;
    let id = t.course("Jonas");
    let (c, csrf) = t.login("camilla").await;
    let tasks: Value = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    let call = tasks.as_array().unwrap().iter().find(|x| x["task"].as_str().unwrap().starts_with("ring_til_familien:")).expect("a call task").clone();
    assert_eq!(call["status"], "overdue");
    let task = call["task"].as_str().unwrap();
    let (status, body) = post_form(&t, &c, &csrf, &format!("/forloeb/{id}/opgaver/{task}"), &[("outcome", "ringet"), ("note", "Aftalt nyt møde")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    // Booking the next meeting through the API; a second call task follows it.
    let start = t.app.clock.today().checked_add(jiff::ToSpan::days(7)).unwrap().at(14, 0, 0, 0).to_string();
    let jonas = members(&t, &c, id, "ung").await[0].0.clone();
    let body = serde_json::json!({"action": "plan_meeting", "kind": "opfoelgningsmoede", "start": start, "place": "Ballerup Rådhus", "attendees": [{"person": jonas.parse::<i64>().unwrap()}]});
    let r = c.post(t.url(&format!("/api/v1/courses/{id}/meeting-actions"))).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let tasks: Value = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(!tasks.as_array().unwrap().iter().any(|x| x["task"] == call["task"]), "the call is done");
    // Jakob (the school, no role, no consent yet) cannot use it.
    let (j, jcsrf) = t.login("jakob").await;
    let r = j.post(t.url(&format!("/api/v1/courses/{id}/meeting-actions"))).header("x-csrf-token", &jcsrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// Whatever is typed as a meeting's place, no first or last name of anyone in the family, in
/// any form ("Sofies skole", "BAK"), reaches an invitation, a mail or a calendar file: only an
/// organisation's registered meeting places go out, any other place stays in Tovholder.
#[tokio::test]
async fn no_family_name_reaches_a_calendar_or_a_mail_whatever_the_place() {
    let t = TestApp::spawn().await;
    let id = t.course("Sofie");
    let (c, csrf) = t.login("hanne").await;
    let course = t.app.store.course(id).await.unwrap().unwrap();
    let family: Vec<_> = course.state.members.iter().filter(|m| matches!(m.role.as_str(), "voksen" | "barn")).map(|m| m.person).collect();
    let names: Vec<String> = t.app.store.persons(&family).await.unwrap().into_iter().flat_map(|p| p.name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>()).collect();
    assert!(names.len() >= 6 && names.contains(&"sofie".to_string()) && names.contains(&"malthe".to_string()), "a family of several members: {names:?}");
    let louise = members(&t, &c, id, "voksen").await[0].0.clone();
    let hanne = t.seeded.users["hanne"].person.to_string();
    let day = t.app.clock.today().checked_add(jiff::ToSpan::days(14)).unwrap();
    let before = outbox(&t).await.len();
    let places = ["Sofies skole", "Hjemme hos Louise Bak", "Baks have", "Malthes fodboldklub", "hos familien BAK", "Louise-Sofies sted"];
    for (i, place) in places.iter().enumerate() {
        let form: Vec<(&str, String)> = vec![
            ("csrf", csrf.clone()),
            ("kind", "netvaerksmoede".into()),
            ("start", format!("{day}T{:02}:00", 8 + i)),
            ("place_choice", "andet".into()),
            ("place", place.to_string()),
            ("attendees", format!("p{louise}")),
            ("attendees", format!("p{hanne}")),
            ("attendees", "n3".into()),
            ("attendees", "n4".into()),
        ];
        let r = c.post(t.url(&format!("/forloeb/{id}/moeder"))).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{place}");
        let meeting = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
        let page = c.get(t.url(&meeting)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(place), "{place} is shown inside Tovholder");
        assert_eq!(post_form(&t, &c, &csrf, &format!("{meeting}/invitationer"), &[]).await.0, StatusCode::SEE_OTHER);
        if i == 0 {
            assert_eq!(post_form(&t, &c, &csrf, &format!("{meeting}/aflys"), &[("note", "Sofie er syg")]).await.0, StatusCode::SEE_OTHER);
        }
    }
    let mails = outbox(&t).await;
    let fresh = &mails[..mails.len() - before];
    let invitations: Vec<&str> = fresh.iter().filter_map(|m| m.mail.attachment.as_ref()).map(|a| a.text.as_str()).collect();
    assert!(invitations.len() >= places.len() * 4, "every attendee got a calendar file ({} of them)", invitations.len());
    for ics in &invitations {
        assert!(ics.contains("LOCATION:Se mødet i Tovholder"), "{ics}");
        assert!(icalendar::parser::unfold(ics).contains("Sted: se mødet i Tovholder."), "{ics}");
    }
    for m in fresh {
        // The recipient's own address (To, ATTENDEE) is the one thing a mail must name.
        let text = format!("{}\n{}\n{}", m.mail.subject, m.mail.body, m.mail.attachment.as_ref().map_or(String::new(), |a| icalendar::parser::unfold(&a.text))).replace(&m.mail.to, "").to_lowercase();
        let mut words = text.split(|ch: char| !ch.is_alphanumeric());
        if let Some(w) = words.find(|w| names.iter().any(|n| w.starts_with(n.as_str()))) {
            panic!("«{w}» names the family in a mail to {}: {}\n{text}", m.mail.to, m.mail.subject);
        }
    }
    // A registered place does go out, to staff and family alike.
    let r = c
        .post(t.url(&format!("/api/v1/courses/{id}/meeting-actions")))
        .header("x-csrf-token", &csrf)
        .json(
            &serde_json::json!({"action": "plan_meeting", "kind": "netvaerksmoede", "start": format!("{day}T15:00:00"), "place": FF_PLACE, "attendees": [{"person": louise.parse::<i64>().unwrap()}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = r.json().await.unwrap();
    let meeting = view["meetings"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).max().unwrap();
    let r = c
        .post(t.url(&format!("/api/v1/courses/{id}/meeting-actions")))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"action": "send_invitations", "meeting": meeting}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let last = outbox(&t).await.into_iter().find(|m| m.mail.attachment.as_ref().is_some_and(|a| a.text.contains(&format!("tovholder-{id}-{meeting}@")))).expect("the invitation");
    let ics = icalendar::parser::unfold(&last.mail.attachment.unwrap().text);
    assert!(ics.contains(&format!("LOCATION:{}", FF_PLACE.replace(',', "\\,"))), "{ics}");
    assert!(!ics.contains("se mødet i Tovholder"), "{ics}");
}

/// Meeting places are the organisation's own: staff add them in a page of their own (and the
/// API), the planning form offers them, and another organisation neither sees nor removes them.
#[tokio::test]
async fn an_organisations_meeting_places() {
    let t = TestApp::spawn().await;
    let (c, csrf) = t.login("camilla").await;
    let (status, page) = post_form(&t, &c, &csrf, "/moedesteder", &[("name", ""), ("address", "Hold-An Vej 7")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Skriv mødestedets navn") && page.contains("value=\"Hold-An Vej 7\""));
    let (status, _) = post_form(&t, &c, &csrf, "/moedesteder", &[("name", "Ungehuset, lokale 1"), ("address", "Banegårdspladsen 1, 2750 Ballerup")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let places: Vec<Value> = c.get(t.url("/api/v1/meeting-places")).send().await.unwrap().json().await.unwrap();
    assert_eq!(places.len(), 2, "the demo's and the new one: {places:?}");
    let new = places.iter().find(|p| p["name"] == "Ungehuset, lokale 1").unwrap()["id"].as_i64().unwrap();
    let form = c.get(t.url(&format!("/forloeb/{}/moeder/ny?type=startmoede", t.course("Jonas")))).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("<option value=\"Ungehuset, lokale 1, Banegårdspladsen 1, 2750 Ballerup\">"), "the planning form offers it");
    // Furesø's coordinator neither sees nor removes Ballerup's places.
    let (h, hcsrf) = t.login("hanne").await;
    let theirs: Vec<Value> = h.get(t.url("/api/v1/meeting-places")).send().await.unwrap().json().await.unwrap();
    assert!(theirs.iter().all(|p| p["name"] != "Ungehuset, lokale 1"));
    assert_eq!(post_form(&t, &h, &hcsrf, &format!("/moedesteder/{new}/fjern"), &[]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(post_form(&t, &c, &csrf, &format!("/moedesteder/{new}/fjern"), &[]).await.0, StatusCode::SEE_OTHER);
    let r = c.post(t.url("/api/v1/meeting-places")).header("x-csrf-token", &csrf).json(&serde_json::json!({"name": "Lokale 010115-4321", "address": "Her"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no CPR number in a place");
    let places: Vec<Value> = c.get(t.url("/api/v1/meeting-places")).send().await.unwrap().json().await.unwrap();
    assert_eq!(places.len(), 1);
}

/// A meeting on a public holiday or a weekend is saved, with a warning that names the day.
#[tokio::test]
async fn a_meeting_on_a_holiday_or_a_weekend_is_warned_about_not_refused() {
    let t = TestApp::spawn().await;
    let id = t.course("Sofie");
    let (c, csrf) = t.login("hanne").await;
    let louise = members(&t, &c, id, "voksen").await[0].0.clone();
    let today = t.app.clock.today();
    let mut year = today.year();
    let easter_monday = loop {
        let d = tovholder_core::calendar::easter_sunday(year).unwrap().checked_add(jiff::ToSpan::days(1)).unwrap();
        if d > today {
            break d;
        }
        year += 1;
    };
    let mut saturday = today.checked_add(jiff::ToSpan::days(7)).unwrap();
    while saturday.weekday() != jiff::civil::Weekday::Saturday || tovholder_core::calendar::holiday_name(saturday).is_some() {
        saturday = saturday.checked_add(jiff::ToSpan::days(1)).unwrap();
    }
    let mut weekday = saturday.checked_add(jiff::ToSpan::days(2)).unwrap();
    while !tovholder_core::calendar::is_working_day(weekday) {
        weekday = weekday.checked_add(jiff::ToSpan::days(1)).unwrap();
    }
    for (day, warning) in [(easter_monday, Some("Bemærk: mødet ligger på 2. påskedag, en helligdag")), (saturday, Some("Bemærk: mødet ligger på en lørdag")), (weekday, None)] {
        let form = [("csrf", csrf.clone()), ("kind", "netvaerksmoede".into()), ("start", format!("{day}T10:00")), ("place_choice", FF_PLACE.into()), ("attendees", format!("p{louise}"))];
        let r = c.post(t.url(&format!("/forloeb/{id}/moeder"))).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{day}: saved, not refused");
        let meeting = r.headers()["location"].to_str().unwrap().to_string();
        let page = c.get(t.url(&meeting)).send().await.unwrap().text().await.unwrap();
        match warning {
            Some(w) => assert!(page.contains("id=\"day-warning\"") && page.contains(w), "{day}: {w}"),
            None => assert!(!page.contains("id=\"day-warning\""), "{day}: an ordinary weekday"),
        }
    }
}

/// Each meeting command has an API route of its own, whose row in the route table names the
/// action it needs: plan, invite, write the minutes, tick the checklist, make and close an
/// agreement, cancel. A reader by consent may read the meeting but none of them; a meeting
/// number that is not a number names nothing.
#[tokio::test]
async fn each_meeting_command_has_a_route_of_its_own() {
    let t = TestApp::spawn().await;
    let id = t.course("Sofie");
    let (c, csrf) = t.login("hanne").await;
    let louise: i64 = members(&t, &c, id, "voksen").await[0].0.parse().unwrap();
    let day = t.app.clock.today().checked_add(jiff::ToSpan::days(10)).unwrap();
    let post = |path: String, body: Value| {
        let (c, csrf) = (&c, &csrf);
        let url = t.url(&format!("/api/v1/courses/{id}/{path}"));
        async move { c.post(url).header("x-csrf-token", csrf).json(&body).send().await.unwrap() }
    };
    let r = post("meetings".into(), serde_json::json!({"kind": "netvaerksmoede", "start": format!("{day}T10:00:00"), "place": FF_PLACE, "attendees": [{"person": louise}]})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let view: Value = r.json().await.unwrap();
    let m = view["meetings"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).max().unwrap();
    let today = t.app.clock.today().to_string();
    for (path, body) in [
        (format!("meetings/{m}/invitations"), serde_json::json!({})),
        (format!("meetings/{m}/apologies"), serde_json::json!({"who": {"person": louise}, "substitute": "Morfar"})),
        (format!("meetings/{m}/checklist"), serde_json::json!({"step": "dagsorden", "on": today})),
        ("agreements".into(), serde_json::json!({"meeting": m, "what": "Louise ringer til skolen", "responsible": {"person": louise}, "due": day.to_string()})),
    ] {
        let r = post(path.clone(), body).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}: {}", r.text().await.unwrap());
    }
    let meeting: Value = c.get(t.url(&format!("/api/v1/courses/{id}/meetings/{m}"))).send().await.unwrap().json().await.unwrap();
    assert!(meeting.to_string().contains("Morfar") && meeting.to_string().contains("Louise ringer til skolen"), "{meeting}");
    // The minutes' route reaches the command, which waits for the meeting to be held.
    let minutes = serde_json::json!({"minutes": {"present": [{"person": louise}], "story": "Familien fortalte", "best_hope": "Ro", "rounds": [], "dialogue": ""}});
    let r = post(format!("meetings/{m}/minutes"), minutes).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("først skrives, når mødet er holdt"));
    let agreement = meeting["agreements"].as_array().unwrap()[0]["id"].as_i64().unwrap();
    assert_eq!(post(format!("agreements/{agreement}/close"), serde_json::json!({"done": true})).await.status(), StatusCode::OK);
    assert_eq!(post("meetings/x/cancel".into(), serde_json::json!({})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(post("meetings/2/minutes".into(), serde_json::json!({"minutes": "kort"})).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Gitte reads the course by consent: she sees the meeting, and may do none of this.
    let (g, gcsrf) = t.login("gitte").await;
    assert_eq!(g.get(t.url(&format!("/api/v1/courses/{id}/meetings/{m}"))).send().await.unwrap().status(), StatusCode::OK);
    let r = g.post(t.url(&format!("/api/v1/courses/{id}/meetings/{m}/cancel"))).header("x-csrf-token", &gcsrf).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(post(format!("meetings/{m}/cancel"), serde_json::json!({"note": "Flyttes"})).await.status(), StatusCode::OK);
    let meeting: Value = c.get(t.url(&format!("/api/v1/courses/{id}/meetings/{m}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(meeting["planned"], false, "{meeting}");
}

/// Ballerup holds its meetings only with the family: planning one without a family member among
/// the participants is refused with the reason and changes nothing; with the youth it is planned.
#[tokio::test]
async fn a_meeting_held_only_with_the_family_is_not_planned_without_it() {
    let t = TestApp::spawn().await;
    let id = t.course("Jonas");
    let (c, csrf) = t.login("camilla").await;
    let me: Value = c.get(t.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    let jonas: i64 = members(&t, &c, id, "ung").await[0].0.parse().unwrap();
    let start = t.app.clock.today().checked_add(jiff::ToSpan::days(7)).unwrap().at(14, 0, 0, 0).to_string();
    let before = t.app.store.course(id).await.unwrap().unwrap().version;
    let plan = |attendees: Value| serde_json::json!({"kind": "opfoelgningsmoede", "start": start, "place": "Ballerup Rådhus", "attendees": attendees});
    let r = c.post(t.url(&format!("/api/v1/courses/{id}/meetings"))).header("x-csrf-token", &csrf).json(&plan(serde_json::json!([{"person": me["person"]}]))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "attendees");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("holdes kun med familien"), "{problem}");
    assert_eq!(t.app.store.course(id).await.unwrap().unwrap().version, before, "nothing saved");
    let r = c.post(t.url(&format!("/api/v1/courses/{id}/meetings"))).header("x-csrf-token", &csrf).json(&plan(serde_json::json!([{"person": me["person"]}, {"person": jonas}]))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // The family can still send apologies; then the meeting page says to move or cancel it.
    let course: Value = r.json().await.unwrap();
    let meeting = course["meetings"].as_array().unwrap().iter().map(|m| m["id"].as_u64().unwrap()).max().unwrap();
    let url = |rest: &str| t.url(&format!("/api/v1/courses/{id}/meetings/{meeting}{rest}"));
    let view: Value = c.get(url("")).send().await.unwrap().json().await.unwrap();
    assert!(view["family_warning"].is_null(), "{view}");
    let r = c.post(url("/apologies")).header("x-csrf-token", &csrf).json(&serde_json::json!({"who": {"person": jonas}})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let view: Value = c.get(url("")).send().await.unwrap().json().await.unwrap();
    assert!(view["family_warning"].as_str().unwrap().contains("alle fra familien har meldt afbud"), "{view}");
    let page = c.get(t.url(&format!("/forloeb/{id}/moeder/{meeting}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"family-warning\""));
}
