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
