//! Import from a CSV file on an instance set up from empty: organisations from a file Danish
//! Excel wrote (Windows-1252), departments through the API, staff with every error shown by
//! line before anything is saved, then saved, each new login mailed a link.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// The value of the hidden field `name` in `html`, unescaped.
fn hidden(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no field {name}")) + name.len() + 15;
    let raw = html[at..].split('"').next().unwrap();
    raw.replace("&#13;", "\r").replace("&#10;", "\n").replace("&quot;", "\"").replace("&#x27;", "'").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

async fn upload(t: &TestApp, c: &reqwest::Client, csrf: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let form = Form::new().text("csrf", csrf.to_string()).part("file", Part::bytes(bytes).file_name("import.csv"));
    let r = c.post(t.url("/admin/import")).multipart(form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn save(t: &TestApp, c: &reqwest::Client, csrf: &str, page: &str) -> reqwest::Response {
    let form = Form::new().text("csrf", csrf.to_string()).text("content", hidden(page, "content"));
    c.post(t.url("/admin/import/gem")).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn organisations_departments_and_staff_come_from_spreadsheets() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    // A template to fill in, as Danish Excel opens it.
    let r = root.get(t.url("/admin/import/skabelon/brugere.csv")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("tovholder-brugere.csv"));
    assert!(r.text().await.unwrap().starts_with("\u{feff}Navn;Brugernavn;E-mail;Organisation;Afdeling;Roller\r\n"));

    // Organisations, saved by Excel as "CSV (semikolonsepareret)": Windows-1252.
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode("Navn;Type;CVR;Kommunekode\r\nNordby Kommune;Kommune;29189838;101\r\nSøby Skole;skole;;\r\n;;;\r\n");
    let (status, page) = upload(&t, &root, &csrf, cp1252.into_owned()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Forhåndsvisning: 2 organisationer") && page.contains("Søby Skole"), "decoded, the empty line skipped");
    assert!(t.app.store.orgs().await.unwrap().iter().all(|o| o.name != "Søby Skole"), "nothing saved by the preview");
    let r = save(&t, &root, &csrf, &page).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let done = root.get(t.url(r.headers()["location"].to_str().unwrap())).send().await.unwrap().text().await.unwrap();
    assert!(done.contains("2 organisationer er oprettet."));
    let orgs = t.app.store.orgs().await.unwrap();
    let nordby = orgs.iter().find(|o| o.name == "Nordby Kommune").unwrap();
    assert_eq!((nordby.kind.as_str(), nordby.codes.cvr.as_deref()), ("kommune", Some("29189838")));
    assert_eq!(orgs.iter().find(|o| o.name == "Søby Skole").unwrap().kind, "skole");

    // Departments through the API: a dry run, then saved.
    let post = |query: &'static str, body: &'static str| root.post(t.url(&format!("/api/v1/admin/import{query}"))).header("x-csrf-token", &csrf).body(body).send();
    let departments = "Organisation;Afdeling;Arbejder med\nNordby Kommune;Familierådgivningen;Familierådgivning\nNordby Kommune;PPR;ppr\n";
    let dry: Value = post("?dry_run=true", departments).await.unwrap().json().await.unwrap();
    assert_eq!((dry["kind"].as_str(), dry["lines"].as_array().unwrap().len(), dry["errors"].as_array().unwrap().len()), (Some("departments"), 2, 0), "{dry}");
    assert!(t.app.store.departments(nordby.id).await.unwrap().is_empty());
    let r = post("", departments).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["created"], 2);

    // Staff: every wrong line is named, and nothing is saved.
    let wrong = "\u{feff}Navn;Brugernavn;E-mail;Organisation;Afdeling;Roller\r\n\
        Anna Berg;anna.berg;anna@nordby.example;Nordby Kommune;Familierådgivningen;Tovholder\r\n\
        Bo Bøgh;bo.boegh;ikke en mail;Nordby Kommune;;\r\n\
        Carl Dam;anna.berg;carl@nordby.example;Ukendt Kommune;;Dirigent\r\n";
    let (status, page) = upload(&t, &root, &csrf, wrong.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for e in [
        "Linje 3, E-mail: Skriv en gyldig e-mailadresse.",
        "Linje 4, Brugernavn: Brugernavnet står flere gange i filen.",
        "Linje 4, Organisation: Organisationen «Ukendt Kommune» findes ikke",
        "Linje 4, Roller: Ukendt rolle «Dirigent»",
    ] {
        assert!(page.contains(e), "{e} in {page}");
    }
    assert!(!page.contains("form-gem"), "no way to save a file with errors");
    let r = root.post(t.url("/api/v1/admin/import")).header("x-csrf-token", &csrf).body(wrong).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    assert!(problem["errors"].as_array().unwrap().iter().any(|e| e["field"] == "3.email"), "{problem}");
    assert!(t.app.store.user_by_name("anna.berg").await.unwrap().is_none());

    // Put right, it is saved, and each new login gets a link to choose a password.
    let right =
        wrong.replace("ikke en mail", "bo@nordby.example").replace("Carl Dam;anna.berg", "Carl Dam;carl.dam").replace("Ukendt Kommune;;Dirigent", "Nordby Kommune;PPR;Tovholder, Administrator");
    let mails = outbox(&t).await.len();
    let (status, page) = upload(&t, &root, &csrf, right.into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let r = save(&t, &root, &csrf, &page).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let carl = t.app.store.user_by_name("carl.dam").await.unwrap().unwrap();
    assert_eq!((carl.department.as_deref(), carl.org_roles.clone()), (Some("PPR"), vec!["tovholder".to_string(), "administrator".to_string()]));
    assert_eq!(outbox(&t).await.len(), mails + 3, "a link each");
    // Sent again, the same file only says the logins are taken.
    let (status, page) = upload(&t, &root, &csrf, wrong.replace("ikke en mail", "x@y.dk").into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Linje 2, Brugernavn: Brugernavnet er taget."));
}
