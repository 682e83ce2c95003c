//! Every PDF we produce opens with its title in the viewer's title bar: it
//! has a /Title (Info dictionary and XMP) without personal data, and
//! `/ViewerPreferences << /DisplayDocTitle true >>` in its catalog. Checked
//! with `pdfinfo` (Debian package poppler-utils) and in the PDF bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};
use tovholder_docs::{render_pdf, templates};

/// `pdfinfo` (`-meta`: the XMP metadata) output; panics if poppler reports
/// any problem reading the file, other than one it has with every tagged PDF
/// typst writes ("Suspects object is wrong type").
fn pdfinfo(pdf: &[u8], meta: bool) -> String {
    let args: &[&str] = if meta { &["-meta", "-enc", "UTF-8"] } else { &["-enc", "UTF-8"] };
    let out = common::poppler("pdfinfo", args, pdf);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems: Vec<&str> = stderr.lines().filter(|l| !l.contains("Suspects object is wrong type")).collect();
    assert!(out.status.success() && problems.is_empty(), "pdfinfo reports problems: {problems:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn info_title(pdf: &[u8]) -> String {
    pdfinfo(pdf, false).lines().find_map(|l| l.strip_prefix("Title:")).expect("pdfinfo prints a Title").trim().to_owned()
}

/// The last (current) catalog dictionary in the file, as text.
fn current_catalog(pdf: &[u8]) -> String {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind("/Type/Catalog").expect("the PDF has a catalog");
    let start = text[..at].rfind(" obj").unwrap();
    let end = at + text[at..].find("endobj").unwrap();
    text[start..end].to_owned()
}

fn assert_opens_with_title(pdf: &[u8], title: &str, personal: &[&str]) {
    assert_eq!(info_title(pdf), title);
    let catalog = current_catalog(pdf);
    assert!(catalog.contains("/ViewerPreferences<<") && catalog.contains("/DisplayDocTitle true"), "catalog lacks DisplayDocTitle: {catalog}");
    let xmp = pdfinfo(pdf, true);
    assert!(xmp.contains(&format!("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li>")), "XMP lacks the title: {xmp}");
    let info = pdfinfo(pdf, false);
    for name in personal {
        assert!(!info.contains(name), "{name:?} in the PDF's info:\n{info}");
        assert!(!xmp.contains(name), "{name:?} in the PDF's XMP metadata:\n{xmp}");
    }
}

#[test]
fn family_plan_opens_with_its_title() {
    let mut data: Value = serde_json::from_str(templates::FAMILY_PLAN_EXAMPLE_DATA).unwrap();
    data["family"] = json!("Familien Testesen");
    let pdf = render_pdf(templates::FAMILY_PLAN, &data).unwrap();
    assert_opens_with_title(&pdf, "Familieplan version 2.1", &["Testesen", "Ærø", "Åberg", "Mikkel", "Sofie", "Søren"]);

    // The smallest plan too (a one-page file with other objects).
    let minimal = json!({
        "title": "Familieplan",
        "organisation": "Egeskov Kommune",
        "family": "Familien Ø",
        "version": "1.0",
        "period": "1. jan. 2027 – 31. mar. 2027",
        "updated": "2. jan. 2027",
    });
    let pdf = render_pdf(templates::FAMILY_PLAN, &minimal).unwrap();
    assert_opens_with_title(&pdf, "Familieplan version 1.0", &["Familien"]);
}

#[test]
fn consent_form_opens_with_its_title() {
    let data: Value = serde_json::from_str(templates::CONSENT_EXAMPLE_DATA).unwrap();
    let pdf = render_pdf(templates::CONSENT, &data).unwrap();
    assert_opens_with_title(&pdf, "Samtykkeerklæring", &["Søren", "Ærø", "Åberg", "Mikkel", "Sofie", "150385", "Julemærkehjem"]);
}

#[test]
fn the_title_flag_is_added_once_and_the_file_still_reads() {
    let pdf = render_pdf("#set document(title: \"Prøve\")\n#set text(lang: \"da\")\nHej", &json!({})).unwrap();
    assert_eq!(info_title(&pdf), "Prøve");
    let text = String::from_utf8_lossy(&pdf);
    assert_eq!(text.matches("/DisplayDocTitle true").count(), 1);
    // One incremental update: two trailers, the second pointing back.
    assert_eq!(text.matches("%%EOF").count(), 2);
    assert!(text.contains("/Prev "), "{}", &text[text.len() - 400..]);
}
