//! HTTP tests: the family looks in. A family member is invited from the course, logs in with a
//! link and a code by e-mail, sees their own course and nothing else, and withdraws a consent.
//! A real server on port 0 over a fresh store with the demo data (SQLite, or PostgreSQL with
//! TOVHOLDER_TEST_STORE=postgres), driven by real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use tovholder_app::text;
use tovholder_core::ids::{CourseId, PersonId};

const LOUISE: &str = "louise.bak@familie.example";

fn person_in(state: &tovholder_core::course::CourseState, role: &str) -> PersonId {
    state.members.iter().find(|m| m.role == role).unwrap().person
}

/// The coordinator invites the mother from the course; the mail holds a link and nothing about
/// the family; opening it uses nothing up (mail scanners open links), "Fortsæt" does and mails a
/// code; a wrong code is refused, the right one opens her course, and only hers: every other
/// course, and every plan that is not theirs, is "not found", and so are the staff pages.
#[tokio::test]
async fn a_parent_is_invited_and_logs_in_with_link_and_code() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let state = t.app.store.course(bak).await.unwrap().unwrap().state;
    let louise = person_in(&state, "voksen");
    let (hanne, csrf) = t.login("hanne").await;
    let page = hanne.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    let invite = format!("/forloeb/{bak}/familie/{louise}/inviter");
    assert!(page.contains(&format!("action=\"{invite}\"")), "the course page offers the invitation");
    let (status, location) = post_form(&t, &hanne, &csrf, &invite, &[]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/forloeb/{bak}?gemt=inviteret#personer").as_str()));

    let mail = last_mail(&t, LOUISE, text::FAMILY_INVITE_SUBJECT).await;
    for private in ["Bak", "Sofie", "Malthe", "Louise", "Furesø"] {
        assert!(!mail.body.contains(private) && !mail.subject.contains(private), "the invitation names {private}");
    }
    let token = link_token(&mail.body);
    let c = t.anonymous();
    // A scanner's look, then the person's: both see the button.
    assert_eq!(c.get(t.url(&format!("/familie/link?t={token}"))).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(press_continue(&t, &c, &token).await, (StatusCode::SEE_OTHER, "/familie/kode".to_string()));
    assert_eq!(c.get(t.url(&format!("/familie/link?t={token}"))).send().await.unwrap().status(), StatusCode::GONE, "the link works once");
    let code_mail = last_mail(&t, LOUISE, text::FAMILY_CODE_SUBJECT).await;
    let code = code_in(&code_mail.body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = send_code(&t, &c, wrong).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains(text::FAMILY_CODE_WRONG));
    let r = send_code(&t, &c, &code).await;
    assert_eq!((r.status(), r.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/familie"));
    // One course: the front page goes straight to it.
    let r = c.get(t.url("/familie")).send().await.unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/familie/forloeb/{bak}"));
    let page = c.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<html lang=\"da\">") && page.contains("Familiens Fremtid") && page.contains("Hanne Vestergaard"), "{page}");
    assert!(page.contains("action=\"/familie/logout\""), "the family's own logout");
    assert!(!page.contains("CPR"), "no CPR number on the family's pages");

    for other in ["Noah", "William", "Jonas"] {
        let id = t.course(other);
        assert_eq!(c.get(t.url(&format!("/familie/forloeb/{id}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{other}'s course");
        assert_eq!(c.get(t.url(&format!("/familie/forloeb/{id}/plan/1"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{other}'s plan");
    }
    assert_eq!(c.get(t.url(&format!("/familie/forloeb/{bak}/plan/999"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(c.get(t.url(&format!("/familie/forloeb/{}", CourseId(999_999)))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // A family session is no staff session.
    assert_eq!(c.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().headers()["location"], "/login");
    assert_eq!(c.get(t.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // Her reads and the refusals are in the access log.
    let log = t.app.store.access_log(None, 1000).await.unwrap();
    assert!(log.iter().any(|r| r.person == Some(louise) && r.course == Some(bak) && r.allowed && r.action == "family:read"));
    assert!(log.iter().any(|r| r.person == Some(louise) && r.course == Some(t.course("Noah")) && !r.allowed));
}

/// The plan's versions are on the family's page as PDFs.
#[tokio::test]
async fn the_family_reads_their_plan() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let plans = t.app.store.course(bak).await.unwrap().unwrap().state.plans.clone();
    assert!(!plans.is_empty(), "the demo's Bak family has a plan");
    // It was sent to the family too: a notice with a link to their own pages, and nothing else.
    let notice = last_mail(&t, LOUISE, text::NEW_DOCUMENT_SUBJECT).await;
    assert!(notice.body.contains(&format!("/familie/forloeb/{bak}")) && !notice.body.contains("Bak"), "{}", notice.body);
    let c = family_login(&t, LOUISE).await;
    let page = c.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    let href = format!("/familie/forloeb/{bak}/plan/{}", plans[0].doc);
    assert!(page.contains(&href), "{page}");
    let r = c.get(t.url(&href)).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(!r.headers()["content-disposition"].to_str().unwrap().contains("Bak"), "a neutral file name");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdftotext(&pdf).contains("Familiens egne mål"));
}

/// The mother withdraws her consent with one click: the health visitor who read the course by
/// it gets "not found" on her very next request. Withdrawing twice, or a consent that is not
/// hers, is refused and changes nothing.
#[tokio::test]
async fn a_withdrawn_consent_closes_the_course_at_once() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let (gitte, _) = t.login("gitte").await;
    assert_eq!(gitte.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().status(), StatusCode::OK, "Sundhedsplejen reads by consent");
    let c = family_login(&t, LOUISE).await;
    let page = c.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    let withdraw = format!("/familie/forloeb/{bak}/samtykker/1/tilbagekald");
    assert!(page.contains(&format!("action=\"{withdraw}\"")) && page.contains("Sundhedsplejen"), "her consent and who it names");
    let csrf = hidden_csrf(&page);
    let r = c.post(t.url(&withdraw)).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(gitte.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "closed on the next request");
    let page = c.get(t.url(&format!("/familie/forloeb/{bak}?besked=tilbagekaldt"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(text::FAMILY_REVOKED) && page.contains("Tilbagekaldt"), "{page}");
    let version = t.app.store.course(bak).await.unwrap().unwrap().version;
    let r = c.post(t.url(&withdraw)).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = c.post(t.url(&format!("/familie/forloeb/{bak}/samtykker/1/tilbagekald"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "without the CSRF token");
    assert_eq!(t.app.store.course(bak).await.unwrap().unwrap().version, version, "nothing changed");
    let journal = t.app.store.journal(bak).await.unwrap();
    let louise = person_in(&t.app.store.course(bak).await.unwrap().unwrap().state, "voksen");
    assert!(journal.iter().any(|e| e.stamp.by == louise && matches!(e.event, tovholder_core::course::Event::ConsentRevoked { consent: 1, .. })), "journaled as hers");
}

/// Asking for a link answers the same for a known and an unknown address; five wrong codes end
/// the step, so even the right one is then refused and a new link is needed.
#[tokio::test]
async fn links_and_codes_give_nothing_away_and_wear_out() {
    let t = TestApp::spawn().await;
    let c = t.anonymous();
    let html = c.get(t.url("/familie/login")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_csrf(&html);
    let before = outbox(&t).await.len();
    let unknown = c.post(t.url("/familie/login")).form(&[("csrf", csrf.as_str()), ("email", "nobody@familie.example")]).send().await.unwrap().text().await.unwrap();
    assert_eq!(outbox(&t).await.len(), before, "no mail to an unknown address");
    let staff = c.post(t.url("/familie/login")).form(&[("csrf", csrf.as_str()), ("email", "hanne@furesoe.example")]).send().await.unwrap().text().await.unwrap();
    assert_eq!(outbox(&t).await.len(), before, "no family link to a staff member");
    let known = c.post(t.url("/familie/login")).form(&[("csrf", csrf.as_str()), ("email", "Louise.Bak@familie.example")]).send().await.unwrap().text().await.unwrap();
    assert_eq!(outbox(&t).await.len(), before + 1, "a link to the family member, whatever the case");
    assert!(unknown.contains(text::FAMILY_LINK_SENT) && staff.contains(text::FAMILY_LINK_SENT) && known.contains(text::FAMILY_LINK_SENT));

    let token = link_token(&last_mail(&t, LOUISE, text::FAMILY_LINK_SUBJECT).await.body);
    press_continue(&t, &c, &token).await;
    let code = code_in(&last_mail(&t, LOUISE, text::FAMILY_CODE_SUBJECT).await.body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(send_code(&t, &c, wrong).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = c.post(t.url("/familie/kode")).form(&[("csrf", csrf.as_str()), ("code", code.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::GONE, "the sixth try is refused, the right code too");
    assert_eq!(c.get(t.url("/familie")).send().await.unwrap().headers()["location"], "/familie/login", "not logged in");
}

/// Before the network meeting the mother sees its agenda and Furesø's five preparation
/// questions; an answer with a CPR number is refused and nothing is saved; her answers reach
/// the coordinator's meeting page, never a reader by consent's.
#[tokio::test]
async fn the_family_prepares_and_the_coordinator_reads_it() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let c = family_login(&t, LOUISE).await;
    let url = format!("/familie/forloeb/{bak}");
    let page = c.get(t.url(&url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Din forberedelse til netværksmødet") && page.contains("Hvad arbejdes der med p.t.?"), "{page}");
    assert!(page.contains("Familiens indlæg"), "the meeting's agenda");
    let action = format!("/familie/forloeb/{bak}/moeder/2/forberedelse");
    assert!(page.contains(&format!("action=\"{action}\"")));
    // Her invitation (and the agenda a week before) leads here; neither names the family.
    for subject in ["Invitation: Netværksmøde", "Dagsorden: Netværksmøde"] {
        let Some(m) = outbox(&t).await.into_iter().map(|m| m.mail).find(|m| m.to == LOUISE && m.subject.starts_with(subject)) else { panic!("no «{subject}» to her") };
        assert!(m.body.contains(&format!("/familie/forloeb/{bak}")) && !m.body.contains("Bak"), "{}", m.body);
    }
    let csrf = hidden_csrf(&page);
    let version = t.app.store.course(bak).await.unwrap().unwrap().version;
    let r = c.post(t.url(&action)).form(&[("csrf", csrf.as_str()), ("answer1", "Min søn har cpr 220915-4551"), ("answer2", "Skolen")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("Skriv ikke CPR-numre her.") && page.contains(">Skolen</textarea>"), "the error, and what she typed kept");
    assert_eq!(t.app.store.course(bak).await.unwrap().unwrap().version, version, "nothing saved");
    let r = c.post(t.url(&action)).form(&[("csrf", csrf.as_str()), ("answer1", "Hverdagen er blevet roligere."), ("answer5", "Møderne må gerne ligge om morgenen.")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c.get(t.url(&format!("{url}?besked=forberedelse"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(text::FAMILY_PREPARED) && page.contains(">Hverdagen er blevet roligere.</textarea>"), "her answers, to correct until the meeting");

    let (hanne, _) = t.login("hanne").await;
    let meeting = hanne.get(t.url(&format!("/forloeb/{bak}/moeder/2"))).send().await.unwrap().text().await.unwrap();
    assert!(meeting.contains("Familiens forberedelse") && meeting.contains("Hverdagen er blevet roligere.") && meeting.contains("Situationen p.t."), "{meeting}");
    let (gitte, _) = t.login("gitte").await;
    let r = gitte.get(t.url(&format!("/forloeb/{bak}/moeder/2"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "Sundhedsplejen reads the meeting by consent");
    assert!(!r.text().await.unwrap().contains("Hverdagen er blevet roligere."), "not the family's answers");
}

/// Jonas (15) has his own page: the next date, who to talk to, "Mine ønsker". His caseworker
/// reads his wishes; his father only once Jonas says yes.
#[tokio::test]
async fn the_childs_page_and_his_wishes() {
    let t = TestApp::spawn().await;
    let friis = t.course("Jonas");
    let jonas = family_login(&t, "jonas.friis@familie.example").await;
    let url = format!("/familie/forloeb/{friis}");
    let page = jonas.get(t.url(&url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("class=\"child-page\"") && page.contains("Hej Jonas Friis") && page.contains("Camilla Krogh") && page.contains("Mine ønsker"), "{page}");
    let csrf = hidden_csrf(&page);
    let wish = "Jeg vil gerne tale om, at jeg er træt om morgenen.";
    let r = jonas.post(t.url(&format!("{url}/oensker"))).form(&[("csrf", csrf.as_str()), ("text", wish), ("parents_may_see", "nej")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (camilla, _) = t.login("camilla").await;
    let course = camilla.get(t.url(&format!("/forloeb/{friis}"))).send().await.unwrap().text().await.unwrap();
    assert!(course.contains(wish) && course.contains("forældrene ser dem ikke"), "the caseworker reads them");
    let mads = family_login(&t, "mads.friis@familie.example").await;
    let page = mads.get(t.url(&url)).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("child-page") && !page.contains(wish), "not the father, unless Jonas says so");
    let r = mads.post(t.url(&format!("{url}/oensker"))).form(&[("csrf", hidden_csrf(&page).as_str()), ("text", "Far skriver")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "only the child writes the child's wishes");
    jonas.post(t.url(&format!("{url}/oensker"))).form(&[("csrf", csrf.as_str()), ("text", wish), ("parents_may_see", "ja")]).send().await.unwrap();
    assert!(mads.get(t.url(&url)).send().await.unwrap().text().await.unwrap().contains(wish), "now he may");
}

/// A youth of 15 signs too: the caseworker records the father's consent for the school; the
/// father signs it on his page, and the school still sees nothing until Jonas has signed on his.
#[tokio::test]
async fn a_youth_of_15_signs_a_consent_on_his_own_page() {
    let t = TestApp::spawn().await;
    let friis = t.course("Jonas");
    let state = t.app.store.course(friis).await.unwrap().unwrap().state;
    let (camilla, csrf) = t.login("camilla").await;
    let today = t.app.clock.today();
    let body = serde_json::json!({
        "giver": person_in(&state, "foraelder"), "about": [person_in(&state, "ung")],
        "recipients": [{"org": org(&t, "Ballerup Kommune").parse::<i64>().unwrap(), "department": "Skolen"}],
        "kinds": ["forloeb"], "purpose": "Skolen følger Jonas' mål", "valid_from": today.to_string(),
        "valid_to": today.checked_add(jiff::ToSpan::days(90)).unwrap().to_string()
    });
    let r = camilla.post(t.url(&format!("/api/v1/courses/{friis}/consents"))).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (jakob, _) = t.login("jakob").await;
    let school = t.url(&format!("/forloeb/{friis}"));
    let sign = |c: reqwest::Client| {
        let t = &t;
        async move {
            let url = format!("/familie/forloeb/{friis}");
            let page = c.get(t.url(&url)).send().await.unwrap().text().await.unwrap();
            let action = format!("{url}/samtykker/1/underskriv");
            assert!(page.contains(&format!("action=\"{action}\"")), "{page}");
            c.post(t.url(&action)).form(&[("csrf", hidden_csrf(&page).as_str())]).send().await.unwrap().status()
        }
    };
    assert_eq!(sign(family_login(&t, "mads.friis@familie.example").await).await, StatusCode::SEE_OTHER);
    assert_eq!(jakob.get(&school).send().await.unwrap().status(), StatusCode::NOT_FOUND, "the youth has not signed");
    assert_eq!(sign(family_login(&t, "jonas.friis@familie.example").await).await, StatusCode::SEE_OTHER);
    assert_eq!(jakob.get(&school).send().await.unwrap().status(), StatusCode::OK, "both have signed");
    let consent = t.app.store.course(friis).await.unwrap().unwrap().state.consents[0].clone();
    assert!(consent.signatures.iter().all(|s| s.how == "Digitalt på familiens sider") && consent.signatures.len() == 2);
}

/// A family member's session is short (15 idle minutes by default), a staff member's is not:
/// after 16 minutes without use she logs in again, while the coordinator is still in.
#[tokio::test]
async fn the_family_session_ends_sooner_than_staffs() {
    let t = TestApp::spawn().await;
    let (hanne, _) = t.login("hanne").await;
    let c = family_login(&t, LOUISE).await;
    let home = |c: &reqwest::Client| {
        let url = t.url("/familie");
        let c = c.clone();
        async move { c.get(url).send().await.unwrap().headers()["location"].to_str().unwrap().to_string() }
    };
    assert!(home(&c).await.starts_with("/familie/forloeb/"), "logged in");
    t.app.clock.advance(jiff::SignedDuration::from_mins(10));
    assert!(home(&c).await.starts_with("/familie/forloeb/"), "10 minutes idle: still in");
    t.app.clock.advance(jiff::SignedDuration::from_mins(16));
    assert_eq!(home(&c).await, "/familie/login", "16 minutes idle: out");
    assert_eq!(hanne.get(t.url("/")).send().await.unwrap().status(), StatusCode::OK, "staff's 30 minutes are not up");
}

/// A parent gives a new consent on his own page: the model's recipients and kinds to choose from,
/// signed as he gives it. Without a recipient it is refused and nothing changes. The school sees
/// the course only once Jonas (15) has added his signature on his page; Jonas himself gives no
/// consent here (he is not a parent).
#[tokio::test]
async fn a_parent_gives_a_consent_and_the_youth_adds_his_signature() {
    let t = TestApp::spawn().await;
    let friis = t.course("Jonas");
    let state = t.app.store.course(friis).await.unwrap().unwrap().state;
    let jonas = person_in(&state, "ung");
    let (jakob, _) = t.login("jakob").await;
    let school = t.url(&format!("/forloeb/{friis}"));
    assert_eq!(jakob.get(&school).send().await.unwrap().status(), StatusCode::NOT_FOUND, "no consent yet");

    let mads = family_login(&t, "mads.friis@familie.example").await;
    let course = mads.get(t.url(&format!("/familie/forloeb/{friis}"))).send().await.unwrap().text().await.unwrap();
    let new = format!("/familie/forloeb/{friis}/samtykker/ny");
    assert!(course.contains(&format!("href=\"{new}\"")), "{course}");
    let form = mads.get(t.url(&new)).send().await.unwrap().text().await.unwrap();
    let skolen = format!("dept:{}:Skolen", org(&t, "Ballerup Kommune"));
    assert!(form.contains(&format!("value=\"{skolen}\"")) && form.contains("<html lang=\"da\">"), "{form}");
    let csrf = hidden_csrf(&form);
    let today = t.app.clock.today();
    let to = today.checked_add(jiff::ToSpan::days(90)).unwrap().to_string();
    let about = jonas.to_string();
    let mut fields = vec![("csrf", csrf.as_str()), ("about", about.as_str()), ("kind", "forloeb"), ("purpose", "Skolen følger Jonas' mål"), ("valid_from", ""), ("valid_to", to.as_str())];
    let today_s = today.to_string();
    fields[4].1 = today_s.as_str();
    let version = t.app.store.course(friis).await.unwrap().unwrap().version;
    let r = mads.post(t.url(&format!("/familie/forloeb/{friis}/samtykker"))).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "no recipient chosen");
    let html = r.text().await.unwrap();
    assert!(html.contains("Vælg mindst én modtager.") && html.contains("Skolen følger Jonas"), "the error, and what he typed kept");
    assert_eq!(t.app.store.course(friis).await.unwrap().unwrap().version, version, "nothing changed");
    fields.push(("recipient", skolen.as_str()));
    let r = mads.post(t.url(&format!("/familie/forloeb/{friis}/samtykker"))).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let consent = t.app.store.course(friis).await.unwrap().unwrap().state.consents.last().cloned().unwrap();
    assert_eq!((consent.giver, consent.signatures.len()), (person_in(&state, "foraelder"), 1), "given and signed by Mads");
    assert_eq!(jakob.get(&school).send().await.unwrap().status(), StatusCode::NOT_FOUND, "Jonas has not signed yet");

    let jonas_c = family_login(&t, "jonas.friis@familie.example").await;
    assert_eq!(jonas_c.get(t.url(&new)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "a youth gives no parent's consent");
    let page = jonas_c.get(t.url(&format!("/familie/forloeb/{friis}"))).send().await.unwrap().text().await.unwrap();
    let sign = format!("/familie/forloeb/{friis}/samtykker/{}/underskriv", consent.id);
    assert!(page.contains(&format!("action=\"{sign}\"")), "{page}");
    let r = jonas_c.post(t.url(&sign)).form(&[("csrf", hidden_csrf(&page).as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(jakob.get(&school).send().await.unwrap().status(), StatusCode::OK, "both have signed");
}

/// Name and address protection: the coordinator marks Sofie; from then on her mother's page and
/// every new plan version call her "Navn beskyttet", while staff see her name and the mark.
/// Only a family member can be marked, and the mark is journaled.
#[tokio::test]
async fn a_protected_name_is_never_on_the_familys_side() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let state = t.app.store.course(bak).await.unwrap().unwrap().state;
    let sofie = state.members.iter().find(|m| m.role == "barn").unwrap().person;
    let louise = family_login(&t, LOUISE).await;
    let page = louise.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sofie Bak"), "before the mark");

    let (hanne, csrf) = t.login("hanne").await;
    let staff = hanne.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    let mark = format!("/forloeb/{bak}/familie/{sofie}/beskyttelse");
    assert!(staff.contains(&format!("action=\"{mark}?version=")), "the coordinator may mark her");
    let hanne_id = state.members.iter().find(|m| m.role == "koordinator").unwrap().person;
    let (status, _) = post_form(&t, &hanne, &csrf, &format!("/forloeb/{bak}/familie/{hanne_id}/beskyttelse"), &[("protected", "ja")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "staff are not marked");
    let (status, _) = post_form(&t, &hanne, &csrf, &mark, &[("protected", "ja")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let staff = hanne.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(staff.contains("data-protected") && staff.contains("Sofie Bak"), "staff see the name and the mark");

    let page = louise.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Sofie Bak") && page.contains(text::PROTECTED_NAME), "{page}");
    let (status, _) = post_form(&t, &hanne, &csrf, &format!("/forloeb/{bak}/familieplan"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let plan = t.app.store.course(bak).await.unwrap().unwrap().state.plans.last().unwrap().doc;
    let pdf = louise.get(t.url(&format!("/familie/forloeb/{bak}/plan/{plan}"))).send().await.unwrap().bytes().await.unwrap();
    let text = pdftotext(&pdf);
    assert!(!text.contains("Sofie Bak") && text.contains("Louise Bak"), "{text}");
    let journal = t.app.store.journal(bak).await.unwrap();
    assert!(journal.iter().any(|e| matches!(e.event, tovholder_core::course::Event::ProtectionSet { person, protected: true } if person == sofie)));
}

/// A person of the family's network named in a consent: the demo's grandmother, Inge, whom
/// Louise's second consent lets have the plan. She logs in like the family, sees the meetings she
/// is invited to and the plan sent to her, and nothing of the family's own (consents, messages,
/// preparation); staff see her among those who can see the course. When Louise withdraws the
/// consent, Inge's very next request is "not found".
#[tokio::test]
async fn a_person_of_the_network_named_in_a_consent_reads_the_plan() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    const INGE: &str = "inge.bak@familie.example";
    let notice = last_mail(&t, INGE, text::NEW_DOCUMENT_SUBJECT).await;
    assert!(notice.body.contains(&format!("/familie/forloeb/{bak}")) && !notice.body.contains("Bak"), "{}", notice.body);
    let inge = family_login(&t, INGE).await;
    let page = inge.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    let state = t.app.store.course(bak).await.unwrap().unwrap().state;
    let plan = state.plans[0].doc;
    let href = format!("/familie/forloeb/{bak}/plan/{plan}");
    assert!(page.contains(&href) && page.contains("Netværksmøde"), "the plan and the meeting she is invited to: {page}");
    for family_only in ["id=\"samtykker\"", "id=\"beskeder\"", "/forberedelse", "/samtykker/ny"] {
        assert!(!page.contains(family_only), "{family_only} is the family's");
    }
    let pdf = inge.get(t.url(&href)).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let csrf = hidden_csrf(&page);
    let r = inge.post(t.url(&format!("/familie/forloeb/{bak}/samtykker/2/tilbagekald"))).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "she withdraws nothing: the consent is Louise's");
    assert_eq!(inge.get(t.url(&format!("/familie/forloeb/{}", t.course("Noah")))).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let (hanne, _) = t.login("hanne").await;
    let staff = hanne.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(staff.contains("Inge Bak (mormor)"), "staff see whom the consent names");
    let inge_id = t.app.store.course(bak).await.unwrap().unwrap().state.network.iter().find(|e| e.entry == 1).and_then(|e| e.person).unwrap();
    let invite = format!("/forloeb/{bak}/familie/{inge_id}/inviter");
    assert!(staff.contains(&format!("action=\"{invite}\"")), "she can be invited from the course");
    let (status, _) = post_form(&t, &hanne, &hidden_csrf(&staff), &invite, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let _ = last_mail(&t, INGE, text::FAMILY_INVITE_SUBJECT).await;
    let form = hanne.get(t.url(&format!("/forloeb/{bak}/samtykker/ny"))).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("value=\"net:1\""), "a person of the network can be chosen as a recipient");

    let louise = family_login(&t, LOUISE).await;
    let mine = louise.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("Inge Bak (mormor)"), "Louise sees whom her consent names");
    let r = louise.post(t.url(&format!("/familie/forloeb/{bak}/samtykker/2/tilbagekald"))).form(&[("csrf", hidden_csrf(&mine).as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(inge.get(t.url(&format!("/familie/forloeb/{bak}"))).send().await.unwrap().status(), StatusCode::NOT_FOUND, "closed on her next request");
    assert_eq!(inge.get(t.url(&href)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let log = t.app.store.access_log(None, 1000).await.unwrap();
    assert!(log.iter().any(|r| r.course == Some(bak) && r.allowed && r.reason.starts_with("network:1:consent:")), "her reads are logged with the consent");
}

/// Documents and minutes reach the family only when the model lets their kind and their author
/// chooses: Hanne shows the network meeting's minutes (Furesø lets the family read those; Bo, who
/// did not write them, cannot); Camilla shows the youth's plan she wrote (Ballerup lets the family
/// see that kind), and Jonas downloads it. Grandmother Inge, of the network, sees neither.
#[tokio::test]
async fn minutes_and_documents_reach_the_family_when_their_author_says_so() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let story = "Louise fortæller, at morgenerne er svære";
    let louise = family_login(&t, LOUISE).await;
    let mine = |c: &reqwest::Client, id: CourseId| {
        let (c, t) = (c.clone(), &t);
        async move { c.get(t.url(&format!("/familie/forloeb/{id}"))).send().await.unwrap().text().await.unwrap() }
    };
    assert!(!mine(&louise, bak).await.contains(story), "not before the author chooses");
    let share = format!("/forloeb/{bak}/moeder/1/referat/familie");
    let (bo, bo_csrf) = t.login("bo").await;
    let (status, _) = post_form(&t, &bo, &bo_csrf, &share, &[("shared", "ja")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "only the minutes' author decides");
    let (hanne, csrf) = t.login("hanne").await;
    let page = hanne.get(t.url(&format!("/forloeb/{bak}/moeder/1"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-minutes-family=\"false\"") && page.contains(&format!("action=\"{share}?version=")), "{page}");
    let (status, _) = post_form(&t, &hanne, &csrf, &share, &[("shared", "ja")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = mine(&louise, bak).await;
    assert!(page.contains(story) && page.contains("id=\"referat-1\""), "{page}");
    let inge = family_login(&t, "inge.bak@familie.example").await;
    assert!(!mine(&inge, bak).await.contains(story), "the network reads no minutes here");

    let friis = t.course("Jonas");
    let (camilla, ccsrf) = t.login("camilla").await;
    let form = reqwest::multipart::Form::new().text("csrf", ccsrf.clone()).text("kind", "plan").text("title", "Jonas' plan").text("text", "Mål: komme i skole tre dage om ugen.");
    assert_eq!(camilla.post(t.url(&format!("/forloeb/{friis}/dokumenter"))).multipart(form).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let doc = t.app.store.course(friis).await.unwrap().unwrap().state.documents.last().unwrap().meta.doc;
    let jonas = family_login(&t, "jonas.friis@familie.example").await;
    let href = format!("/familie/forloeb/{friis}/dokumenter/{doc}");
    assert_eq!(jonas.get(t.url(&href)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "not shown yet");
    let (status, _) = post_form(&t, &camilla, &ccsrf, &format!("/forloeb/{friis}/dokumenter/{doc}/familie"), &[("shared", "ja")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(mine(&jonas, friis).await.contains(&href));
    let r = jonas.get(t.url(&href)).send().await.unwrap();
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"), "always a download");
    assert_eq!(r.text().await.unwrap(), "Mål: komme i skole tre dage om ugen.");
}

/// On an instance set up from empty as the README says: the first administrator makes a family
/// coordinator, who opens a course, adds the grandfather to the network and invites the mother;
/// she logs in, gives a consent that names him for the plan; he is invited and logs in, and sees
/// the course as the network does.
#[tokio::test]
async fn the_family_and_their_network_look_in_on_an_instance_set_up_from_empty() {
    let t = TestApp::spawn_empty().await;
    let (_, _, org, mia, mcsrf) = from_empty_with_coordinator(&t).await;
    let id = lund_course(&t, &mia, &mcsrf, org).await;
    let net = serde_json::json!({"action": "set_network", "quadrant": "familie", "name": "Ole Lund", "relation": "Morfar", "email": "ole@familie.example"});
    let r = mia.post(t.url(&format!("/api/v1/courses/{id}/meeting-actions"))).header("x-csrf-token", &mcsrf).json(&net).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let karen = t.app.store.course(id).await.unwrap().unwrap().state.members.iter().find(|m| m.role == "voksen").unwrap().person;
    assert_eq!(post_form(&t, &mia, &mcsrf, &format!("/forloeb/{id}/familie/{karen}/inviter"), &[]).await.0, StatusCode::SEE_OTHER);

    let k = family_login(&t, "karen@familie.example").await;
    let form = k.get(t.url(&format!("/familie/forloeb/{id}/samtykker/ny"))).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("Ole Lund (Morfar, familiens netværk)"), "{form}");
    let liva = t.app.store.course(id).await.unwrap().unwrap().state.members.iter().find(|m| m.role == "barn").unwrap().person.to_string();
    let today = t.app.clock.today();
    let (from, to) = (today.to_string(), today.checked_add(jiff::ToSpan::days(180)).unwrap().to_string());
    let fields = [
        ("csrf", hidden_csrf(&form)),
        ("about", liva),
        ("recipient", "net:1".into()),
        ("kind", "familieplan".into()),
        ("purpose", "Morfar får planen.".into()),
        ("valid_from", from),
        ("valid_to", to),
    ];
    let r = k.post(t.url(&format!("/familie/forloeb/{id}/samtykker"))).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let ole = t.app.store.course(id).await.unwrap().unwrap().state.network[0].person.expect("a login of his own, made when the consent named him");
    assert_eq!(post_form(&t, &mia, &mcsrf, &format!("/forloeb/{id}/familie/{ole}/inviter"), &[]).await.0, StatusCode::SEE_OTHER);
    let o = family_login(&t, "ole@familie.example").await;
    let page = o.get(t.url(&format!("/familie/forloeb/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Du er logget ind som Ole Lund") && page.contains("Familien har givet samtykke til"), "{page}");
    assert!(!page.contains("id=\"samtykker\"") && !page.contains("id=\"beskeder\""), "the course as the network sees it: {page}");
}
