//! HTTP tests: insight for a person (GDPR art. 15). An administrator enters a CPR number by POST
//! and gets every read of that person's courses by staff, with staff names only when asked for,
//! as a page, a CSV file and a PDF letter; nobody else gets anything, and the search is logged
//! without the number.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;

const LOUISE_CPR: &str = "150388-4316";

#[tokio::test]
async fn an_administrator_answers_who_has_seen_a_persons_courses() {
    let t = TestApp::spawn().await;
    let bak = t.course("Sofie");
    let (gitte, _) = t.login("gitte").await;
    assert_eq!(gitte.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap().status(), StatusCode::OK);
    let (hanne, hcsrf) = t.login("hanne").await;
    hanne.get(t.url(&format!("/forloeb/{bak}"))).send().await.unwrap();

    // Not for staff who administer nothing.
    assert_eq!(hanne.get(t.url("/admin/indsigt")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(post_form(&t, &hanne, &hcsrf, "/admin/indsigt", &[("cpr", LOUISE_CPR)]).await.0, StatusCode::NOT_FOUND);

    let (admin, csrf) = t.login("admin").await;
    let form = admin.get(t.url("/admin/indsigt")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("<h1>Indsigt for en person</h1>") && form.contains("method=\"post\" action=\"/admin/indsigt\""));
    let (status, page) = post_form(&t, &admin, &csrf, "/admin/indsigt", &[("cpr", "123")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no CPR number");
    assert!(page.contains("id=\"cpr-error\""));

    let (status, page) = post_form(&t, &admin, &csrf, "/admin/indsigt", &[("cpr", LOUISE_CPR)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Personen er med i 1 forløb"), "{page}");
    assert!(page.contains("Sundhedsplejen") || page.contains("Ved samtykke nr. 1"), "Sundhedsplejen's read by consent");
    assert!(!page.contains("Gitte Skov"), "no staff names unless asked for");
    let (_, named) = post_form(&t, &admin, &csrf, "/admin/indsigt", &[("cpr", LOUISE_CPR), ("staff", "ja")]).await;
    assert!(named.contains("Gitte Skov") && named.contains("Hanne Vestergaard"), "names when asked for");

    let csv = admin.post(t.url("/admin/indsigt/csv")).form(&[("csrf", csrf.as_str()), ("cpr", LOUISE_CPR)]).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("\u{feff}Tidspunkt;Organisation;Forløb;Hvad;Grundlag\r\n") && text.contains(";Ved samtykke nr. 1"), "{text}");
    let pdf = admin.post(t.url("/admin/indsigt/pdf")).form(&[("csrf", csrf.as_str()), ("cpr", LOUISE_CPR)]).send().await.unwrap().bytes().await.unwrap();
    let letter = pdftotext(&pdf);
    assert!(letter.contains("Indsigt: hvem har set oplysningerne") && letter.contains("Ved samtykke nr. 1"), "{letter}");

    let log = t.app.store.access_log(None, 500).await.unwrap();
    let searches: Vec<_> = log.iter().filter(|r| r.action == "admin:insight").collect();
    assert!(searches.len() >= 4 && searches.iter().all(|r| r.reason.starts_with("cpr_hmac:")), "each search logged");
    assert!(!log.iter().any(|r| r.reason.contains("150388") || r.action.contains("150388")), "never the number");
}

/// Reads by three organisations (the home, the municipality and the region by consent) show
/// in the spreadsheet with their grounds; a row the reviewer withholds is left out of the
/// spreadsheet and the letter, which says how much was withheld.
#[tokio::test]
async fn three_organisations_reads_show_and_a_withheld_row_is_left_out() {
    const NOAH_CPR: &str = "300512-5519";
    let t = TestApp::spawn().await;
    let noah = t.course("Noah");
    for who in ["mette", "tove", "rikke"] {
        let (c, _) = t.login(who).await;
        assert_eq!(c.get(t.url(&format!("/forloeb/{noah}"))).send().await.unwrap().status(), StatusCode::OK, "{who}");
    }
    let (admin, csrf) = t.login("admin").await;
    let csv = |withhold: Vec<String>| {
        let mut form = vec![("csrf".to_string(), csrf.clone()), ("cpr".to_string(), NOAH_CPR.to_string())];
        form.extend(withhold.into_iter().map(|w| ("udelad".to_string(), w)));
        admin.post(t.url("/admin/indsigt/csv")).form(&form).send()
    };
    let text = csv(vec![]).await.unwrap().text().await.unwrap();
    for (org, ground) in [("Julemærkehjemmet Fjordlyst", ""), ("Egeskov Kommune", ""), ("Region Syd, Børne- og Ungdomspsykiatrien", "Ved samtykke nr.")] {
        let line = text.lines().find(|l| l.contains(&format!(";{org};")) || l.contains(&format!(";\"{org}\";"))).unwrap_or_else(|| panic!("no read by {org}: {text}"));
        assert!(line.contains(ground), "{line}");
    }
    // The reviewer withholds the region's read.
    let (_, page) = post_form(&t, &admin, &csrf, "/admin/indsigt", &[("cpr", NOAH_CPR)]).await;
    let region_row = page.split("<tr").find(|r| r.contains("Region Syd")).unwrap();
    let id = region_row.split("name=\"udelad\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let (_, page) = post_form(&t, &admin, &csrf, "/admin/indsigt", &[("cpr", NOAH_CPR), ("udelad", id.as_str())]).await;
    assert!(text_of(&page, "insight-summary").unwrap().contains("1 er undtaget"), "{page}");
    let text = csv(vec![id.clone()]).await.unwrap().text().await.unwrap();
    assert!(!text.contains("Region Syd") && text.contains("Egeskov Kommune"), "{text}");
    let pdf = admin.post(t.url("/admin/indsigt/pdf")).form(&[("csrf", csrf.as_str()), ("cpr", NOAH_CPR), ("udelad", id.as_str())]).send().await.unwrap().bytes().await.unwrap();
    let letter = pdftotext(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(letter.contains("1 registrering er undtaget") && !letter.contains("Region Syd"), "{letter}");
    // Nobody else gets it.
    let (rikke, rcsrf) = t.login("rikke").await;
    assert_eq!(rikke.post(t.url("/admin/indsigt/csv")).form(&[("csrf", rcsrf.as_str()), ("cpr", NOAH_CPR)]).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}
