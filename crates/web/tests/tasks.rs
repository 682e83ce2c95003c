//! HTTP tests: Mine opgaver: tasks, what completes them, and the way to their forms.
//! A real server on port 0 over a fresh store with the demo data (SQLite, or PostgreSQL with
//! TOVHOLDER_TEST_STORE=postgres), driven by real HTTP as the demo's users.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

#[tokio::test]
async fn mine_opgaver_lists_the_users_tasks_soonest_first() {
    let t = TestApp::spawn().await;
    let (c, _) = t.login("tove").await;
    let tasks: Vec<Value> = c.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    let william = t.course("William").0;
    let overdue = tasks.iter().find(|x| x["course"] == william && x["task"] == "udpeg_kontaktperson").expect("the tovholder's overdue appointment");
    assert_eq!(overdue["status"], "overdue");
    assert_eq!(overdue["course_title"], "William Larsen");
    let dates: Vec<&str> = tasks.iter().map(|x| x["due_to"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    // The parents of Oliver said no: nothing of his course reaches the municipality.
    let oliver = t.course("Oliver").0;
    assert!(tasks.iter().all(|x| x["course"] != oliver));
    // A kontaktperson sees the follow-up contact task of their own child, both ways of completing it.
    let (k, _) = t.login("karim").await;
    let tasks: Vec<Value> = k.get(t.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
    assert!(tasks.iter().any(|x| x["course"] == t.course("Lucas").0 && x["task"] == "kontakt_efter_opfoelgning" && x["status"] == "open"), "{tasks:?}");
    // The home sees Oliver's follow-up task, overdue.
    let (m, _) = t.login("mette").await;
    let page = m.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Oliver Nielsen") && page.contains("data-task=\"opfoelg_nej\" data-status=\"overdue\""));
}

/// Every task leads to what completes it: Mine opgaver and the course page link straight to
/// the form (opened, its field focused) and say in one line what completing it means; a task
/// whose time has not come shows no completion form up front.
#[tokio::test]
async fn a_task_leads_to_the_form_that_completes_it() {
    let t = TestApp::spawn().await;
    let (tove, _) = t.login("tove").await;
    let william = t.course("William").0;
    let tasks = tove.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    let href = format!("/forloeb/{william}?aaben=form-udpegning&#38;felt=role.kontaktperson#role.kontaktperson");
    assert!(tasks.contains(&format!("<a href=\"{href}\" class=\"task-link\">Udpeg kontaktperson")), "Mine opgaver links to the appointment form: {}", &tasks[tasks.find("<tbody>").unwrap_or(0)..]);
    assert!(tasks.contains("Løses, når kontaktperson er udpeget, og «"), "and says what completes it");
    let page = tove.get(t.url(&href.replace("&#38;", "&"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<details class=\"action\" open><summary>Udpeg til en rolle</summary>"), "the form is opened");
    assert!(page.contains("id=\"role.kontaktperson\" name=\"role.kontaktperson\" autofocus"), "its field is focused");
    let plain = tove.get(t.url(&format!("/forloeb/{william}"))).send().await.unwrap().text().await.unwrap();
    assert!(plain.contains("<details class=\"action\"><summary>Udpeg til en rolle</summary>") && !plain.contains(" autofocus"), "folded without the link");

    // The home's application: done by a date, and Tovholder does not send the letter.
    let (mette, _) = t.login("mette").await;
    let emma = t.course("Emma").0;
    let tasks = mette.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(tasks.contains(&format!("/forloeb/{emma}?aaben=form-datoer&#38;felt=date.tilsagn#date.tilsagn")));
    assert!(tasks.contains("(Tovholder sender det ikke)"));
    let page = mette.get(t.url(&format!("/forloeb/{emma}?aaben=form-datoer&felt=date.tilsagn"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<details class=\"action\" open><summary>Sæt eller ret datoer</summary>"));
    assert!(page.contains("id=\"date.tilsagn\" name=\"date.tilsagn\" value=\"\" autofocus"));

    // Noah's stay is under way: the follow-up contact's time has not come.
    let (jonas, _) = t.login("jonas").await;
    let page = jonas.get(t.url(&format!("/forloeb/{}", t.course("Noah").0))).send().await.unwrap().text().await.unwrap();
    let row = &page[page.find("data-task=\"kontakt_efter_opfoelgning\"").expect("the follow-up contact task")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("data-status=\"upcoming\"") || row.contains("<summary>Afslut før tid</summary>"), "{row}");
    assert!(row.contains("<summary>Afslut før tid</summary>"), "an upcoming task's form is folded away: {row}");
}

/// A task's link is shown only to whoever has its form: tove sees that the kontaktpædagog
/// sends the statement, without a link to a form she does not have.
#[tokio::test]
async fn a_task_link_is_shown_only_to_whoever_has_its_form() {
    let t = TestApp::spawn().await;
    let william = t.course("William").0;
    let (tove, _) = t.login("tove").await;
    let page = tove.get(t.url(&format!("/forloeb/{william}"))).send().await.unwrap().text().await.unwrap();
    let row = &page[page.find("data-task=\"udtalelse_handleplan\"").expect("the statement task")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("Løses, når udtalelse og handleplan er sendt til tovholder."), "{row}");
    assert!(!row.contains("task-link"), "tove cannot write the home's statement: {row}");
    let (jonas, _) = t.login("jonas").await;
    let page = jonas.get(t.url(&format!("/forloeb/{william}"))).send().await.unwrap().text().await.unwrap();
    let row = &page[page.find("data-task=\"udtalelse_handleplan\"").unwrap()..];
    assert!(row[..row.find("</tr>").unwrap()].contains("?aaben=form-dokument&#38;felt=doc.kind#doc.kind\" class=\"task-link\">Skriv eller upload dokumentet</a>"));
}
