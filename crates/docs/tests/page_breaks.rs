//! How tables in the family plan and the consent form break across pages:
//! header rows repeat, rows never split, and a short table is never split so
//! that a page holds only its last row or two. Inspected page by page with
//! `pdftotext -layout -f N -l N` (Debian package poppler-utils).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use tovholder_docs::{render_pdf, templates};

/// The text of each page (`pdftotext -layout -f N -l N`), first page first.
fn pages(pdf: &[u8]) -> Vec<String> {
    let info = String::from_utf8(common::poppler("pdfinfo", &[], pdf).stdout).unwrap();
    let count: u32 = info.lines().find_map(|l| l.strip_prefix("Pages:")).expect("pdfinfo prints Pages:").trim().parse().unwrap();
    (1..=count)
        .map(|n| {
            let n = n.to_string();
            common::pdftotext(pdf, &["-layout", "-f", &n, "-l", &n])
        })
        .collect()
}

/// (page index, line index) of every line containing `needle`.
fn find_all(pages: &[String], needle: &str) -> Vec<(usize, usize)> {
    let mut hits = Vec::new();
    for (p, text) in pages.iter().enumerate() {
        for (l, line) in text.lines().enumerate() {
            if line.contains(needle) {
                hits.push((p, l));
            }
        }
    }
    hits
}

/// The page and line of the only line containing `needle`.
fn find_one(pages: &[String], needle: &str) -> (usize, usize) {
    match find_all(pages, needle).as_slice() {
        [one] => *one,
        other => panic!("{needle:?} found {} times: {other:?}\n{}", other.len(), dump(pages)),
    }
}

fn dump(pages: &[String]) -> String {
    pages.iter().enumerate().map(|(i, p)| format!("----- page {} -----\n{p}", i + 1)).collect()
}

fn save(name: &str, pdf: &[u8]) {
    // To look at the result: TOVHOLDER_DOCS_OUT=/tmp cargo test -p tovholder-docs
    if let Some(dir) = std::env::var_os("TOVHOLDER_DOCS_OUT") {
        std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
    }
}

/// A family plan with only the title block; sections get added by the tests.
fn minimal_plan() -> Value {
    json!({
        "title": "Familieplan",
        "organisation": "Egeskov Kommune",
        "family": "Familien Ærø",
        "version": "3.0",
        "period": "1. jan. 2027 – 31. mar. 2027",
        "updated": "2. jan. 2027",
    })
}

/// `n` agreements whose text wraps over five or six lines (typst would keep
/// two or three together anyway), each starting with `[Ann]` and ending with
/// `[Snn]`, so a row split across pages shows.
fn long_agreements(n: usize) -> Value {
    (1..=n)
        .map(|i| {
            json!({
                "content": format!(
                    "[A{i:02}] Aftale nummer {i} om skolegang, morgenrutiner og samarbejdet med \
                     skolen og familiebehandleren: mor vækker Mikkel kl. 7.00, de spiser \
                     morgenmad sammen kl. 7.15, og han cykler i skole kl. 7.45. Skolen ringer \
                     til mor inden kl. 9.00, hvis han ikke er kommet, og klasselæreren skriver \
                     i Aula hver fredag, hvordan ugen er gået. Familiebehandleren følger op \
                     hver tirsdag, og aftalen evalueres på næste netværksmøde [S{i:02}]"
                ),
                "responsible": format!("Rådgiver nr. {i}"),
                "deadline": "Løbende",
            })
        })
        .collect()
}

/// Asserts that the table whose rows are marked `[{start}nn]` .. `[{end}nn]`
/// (nn = 01..=rows) and whose header line contains all of `header`:
/// - has every row whole on one page and in order,
/// - shows its header on every page it has rows on, above those rows,
/// - starts on the page of its section heading `heading`.
///
/// Returns the pages (indexes) the table's rows are on.
fn assert_table_pages(pages: &[String], heading: &str, header: &[&str], start: char, end: char, rows: usize) -> Vec<usize> {
    let mut on_pages = Vec::new();
    let mut last = (0, 0);
    for i in 1..=rows {
        let first = find_one(pages, &format!("[{start}{i:02}]"));
        let last_line = find_one(pages, &format!("[{end}{i:02}]"));
        assert_eq!(first.0, last_line.0, "row {i} is split across pages {} and {}\n{}", first.0 + 1, last_line.0 + 1, dump(pages));
        assert!(first > last, "row {i} out of order\n{}", dump(pages));
        last = last_line;
        if on_pages.last() != Some(&first.0) {
            on_pages.push(first.0);
        }
    }
    for &page in &on_pages {
        let first_row = pages[page].lines().position(|l| l.contains(&format!("[{start}"))).unwrap();
        let header_line = pages[page].lines().position(|l| header.iter().all(|h| l.contains(h)));
        assert!(
            header_line.is_some_and(|h| h < first_row),
            "page {} has rows of the table under {heading:?} without its header {header:?} \
             above them\n{}",
            page + 1,
            dump(pages)
        );
    }
    let (heading_page, _) = find_one(pages, heading);
    assert_eq!(heading_page, on_pages[0], "heading {heading:?} is not on the page where its table starts\n{}", dump(pages));
    on_pages
}

#[test]
fn long_table_repeats_its_header_on_every_page() {
    let mut data = serde_json::from_str::<Value>(templates::FAMILY_PLAN_EXAMPLE_DATA).unwrap();
    let rows = 30;
    data["agreements"] = long_agreements(rows);
    let pdf = render_pdf(templates::FAMILY_PLAN, &data).unwrap();
    save("familieplan-lang-tabel.pdf", &pdf);
    let pages = pages(&pdf);
    let on_pages = assert_table_pages(&pages, "1. Aftaler fra netværksmødet", &["Indhold", "Ansvarlig", "Tidsfrist"], 'A', 'S', rows);
    assert!(on_pages.len() >= 3, "30 agreements should span at least three pages: {on_pages:?}\n{}", dump(&pages));
    // The next section follows the table (nothing was lost).
    assert!(find_one(&pages, "2. Netværk").0 >= *on_pages.last().unwrap());
}

#[test]
fn long_goal_and_intervention_tables_repeat_their_headers() {
    let mut data = minimal_plan();
    let rows = 90;
    data["interventions"] = (1..=rows)
        .map(|i| {
            json!({
                "name": format!("[I{i:02}] Barn nummer {i}"),
                "born": "1. jan. 2015",
                "plan": "Handleplan",
                "offer": "Familiebehandling og støtte i skolen",
                "hours": 2.5,
                "follow_up": "Hver 4. uge",
                "start": "1. jan. 2027",
                "end": format!("31. mar. 2027 [J{i:02}]"),
            })
        })
        .collect();
    data["goals"] = (1..=rows).map(|i| json!({"goal": format!("[G{i:02}] Mål nummer {i} [H{i:02}]"), "when": "Løbende", "who": "Hele familien"})).collect();
    let pdf = render_pdf(templates::FAMILY_PLAN, &data).unwrap();
    save("familieplan-lange-tabeller.pdf", &pdf);
    let pages = pages(&pdf);
    let interventions = assert_table_pages(&pages, "4. Overblik over aktuelle indsatser", &["Navn", "Født", "Tilbud", "Timer pr. uge", "Slut"], 'I', 'J', rows);
    let goals = assert_table_pages(&pages, "6. Familiens egne mål", &["Mål", "Hvornår", "Hvem"], 'G', 'H', rows);
    assert!(interventions.len() >= 2 && goals.len() >= 2, "{interventions:?} {goals:?}");
}

/// Moves a short status table (6 rows) and a person's plan (5 rows, no
/// header) down the page one agreement at a time, across the page end: each
/// is always whole on one page, with its heading.
#[test]
fn short_tables_move_whole_to_the_next_page() {
    let mut status_pages = Vec::new();
    let mut plan_pages = Vec::new();
    for k in 1..=70 {
        let mut data = minimal_plan();
        data["agreements"] = (1..=k).map(|i| json!({"content": format!("Aftale {i}"), "responsible": "Karen", "deadline": "Løbende"})).collect();
        data["status"] = (1..=6)
            .map(|i| {
                json!({
                    "name": format!("Person {i}"),
                    "situation": format!(
                        "[T{i:02}] Status for person {i}: trives i skolen og hjemme, men har \
                         brug for mere struktur om morgenen og hjælp til lektier og fritidsliv, \
                         som aftalt på mødet [U{i:02}]"
                    ),
                })
            })
            .collect();
        data["person_plans"] = json!([{"name": "Ida Ærø", "items": [{
            "intervention": "[P01] Samtalegruppe [Q01]",
            "purpose": "[P02] At Ida kan tale med andre børn [Q02]",
            "goal": "[P03] Ida bekymrer sig mindre [Q03]",
            "responsible": "[P04] Familiehuset [Q04]",
            "tasks": "[P05] Mormor kører Ida til gruppen.\nIda går selv hjem. [Q05]",
        }]}]);
        let pdf = render_pdf(templates::FAMILY_PLAN, &data).unwrap();
        if k == 20 {
            save("familieplan-kort-tabel.pdf", &pdf);
        }
        let pages = pages(&pdf);
        let status = assert_table_pages(&pages, "5. Aktuel status", &["Navn", "Aktuel situation"], 'T', 'U', 6);
        assert_eq!(status.len(), 1, "k = {k}: status table split over {status:?}");
        // The plan table has no header row; check only that it is whole and
        // stays with its heading.
        let first = find_one(&pages, "[P01]");
        let last = find_one(&pages, "[Q05]");
        assert_eq!(first.0, last.0, "k = {k}: plan split\n{}", dump(&pages));
        assert_eq!(find_one(&pages, "7.1. Ida Ærø").0, first.0, "k = {k}\n{}", dump(&pages));
        status_pages.push(status[0]);
        plan_pages.push(first.0);
    }
    // The sweep moved both tables across a page end, so each was, for some
    // k, where it would have been split.
    let crossed = |p: &[usize]| p.windows(2).any(|w| w[1] > w[0]);
    assert!(crossed(&status_pages), "status never crossed a page end: {status_pages:?}");
    assert!(crossed(&plan_pages), "plan never crossed a page end: {plan_pages:?}");
}

#[test]
fn consent_children_table_repeats_its_header() {
    let mut data = serde_json::from_str::<Value>(templates::CONSENT_EXAMPLE_DATA).unwrap();
    let rows = 70;
    data["children"] = (1..=rows).map(|i| json!({"name": format!("[C{i:02}] Barn {i} [D{i:02}]"), "cpr": "010115-XXXX", "youth": false})).collect();
    let pdf = render_pdf(templates::CONSENT, &data).unwrap();
    let pages = pages(&pdf);
    let on_pages = assert_table_pages(&pages, "Samtykket omfatter også oplysninger om", &["Barn / ung", "CPR-nr.", "Skal selv underskrive"], 'C', 'D', rows);
    assert!(on_pages.len() >= 2, "{on_pages:?}\n{}", dump(&pages));
}

#[test]
fn a_row_taller_than_a_page_still_prints_whole() {
    // Rows are unbreakable, but one too tall for a page must split rather
    // than run off the bottom of the page.
    let mut data = minimal_plan();
    let words: String = (1..=1400).map(|i| format!("ord{i} ")).collect();
    data["status"] = json!([
        {"name": "Kort", "situation": "[T01] Kort række [U01]"},
        {"name": "Lang", "situation": format!("[T02] {words}[U02]")},
    ]);
    let pdf = render_pdf(templates::FAMILY_PLAN, &data).unwrap();
    let pages = pages(&pdf);
    let text = pages.concat();
    for i in 1..=1400 {
        assert!(text.contains(&format!("ord{i} ")) || text.contains(&format!("ord{i}\n")), "ord{i} is missing\n{}", dump(&pages));
    }
    assert!(find_one(&pages, "[U02]").0 > find_one(&pages, "[T02]").0);
}
