//! Renders the shipped templates and inspects the PDF with `pdftotext`
//! (Debian package poppler-utils).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Instant;

use serde_json::{Value, json};
use tovholder_docs::{DocError, render_pdf, templates};

fn example() -> Value {
    serde_json::from_str(templates::CONSENT_EXAMPLE_DATA).expect("example data is valid JSON")
}

/// Extracts the PDF's text with `pdftotext`, whitespace collapsed to single
/// spaces (page breaks are kept as form feeds, one after each page).
fn pdf_text(pdf: &[u8]) -> String {
    let text = common::pdftotext(pdf, &[]);
    let mut collapsed = String::with_capacity(text.len());
    let mut last_space = false;
    for ch in text.chars() {
        if ch == '\u{c}' {
            collapsed.push(ch);
            last_space = false;
        } else if ch.is_whitespace() {
            if !last_space {
                collapsed.push(' ');
            }
            last_space = true;
        } else {
            collapsed.push(ch);
            last_space = false;
        }
    }
    collapsed
}

/// Finds a full CPR number: six digits, an optional hyphen or space, four digits.
fn find_full_cpr(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let digits = |from: usize, n: usize| from + n <= chars.len() && chars[from..from + n].iter().all(char::is_ascii_digit);
    for i in 0..chars.len() {
        if i > 0 && chars[i - 1].is_ascii_digit() {
            continue;
        }
        if !digits(i, 6) {
            continue;
        }
        let mut j = i + 6;
        if j < chars.len() && (chars[j] == '-' || chars[j] == ' ') {
            j += 1;
        }
        if digits(j, 4) {
            return Some(chars[i..j + 4].iter().collect());
        }
    }
    None
}

#[test]
fn consent_form_contains_all_data() {
    let data = example();

    let start = Instant::now();
    let pdf = render_pdf(templates::CONSENT, &data).expect("consent renders");
    let cold = start.elapsed();

    // A second render with different data (so nothing is served whole from
    // typst's memo cache) shows the steady-state cost in a server.
    let mut other = data.clone();
    other["giver"]["name"] = json!("Karen Østergård");
    let start = Instant::now();
    let pdf2 = render_pdf(templates::CONSENT, &other).expect("consent renders");
    let warm = start.elapsed();

    assert!(pdf.starts_with(b"%PDF-"));
    // To look at the result: TOVHOLDER_DOCS_OUT=/tmp cargo test -p tovholder-docs
    if let Some(dir) = std::env::var_os("TOVHOLDER_DOCS_OUT") {
        std::fs::write(std::path::Path::new(&dir).join("consent.pdf"), &pdf).unwrap();
    }
    let text = pdf_text(&pdf);
    let pages = text.matches('\u{c}').count();
    eprintln!(
        "consent render: first {cold:?} (includes font/library setup), second {warm:?}; \
         {pages} pages, {} bytes",
        pdf.len()
    );
    assert!(pdf_text(&pdf2).contains("Karen Østergård"));

    let must_contain = |needle: &str| {
        assert!(text.contains(needle), "PDF text lacks {needle:?}; text was:\n{text}");
    };
    must_contain("Søren Ærø Åberg");
    must_contain("Samtykkeerklæring");
    must_contain("Egeskov Kommune");
    must_contain("Samarbejde mellem kommune og Julemærkehjem");
    for r in data["recipients"].as_array().unwrap() {
        must_contain(r["name"].as_str().unwrap());
    }
    must_contain("Familierådgivningen");
    must_contain("Sundhedsplejen");
    for k in data["kinds"].as_array().unwrap() {
        must_contain(k["label"].as_str().unwrap());
    }
    for c in data["children"].as_array().unwrap() {
        must_contain(c["name"].as_str().unwrap());
    }
    must_contain("Retssikkerhedsloven § 11 a");
    must_contain("Forvaltningsloven § 27");
    must_contain("art. 7, stk. 3");
    must_contain("Databeskyttelsesloven");
    must_contain("1. dec. 2026");
    must_contain("30. jun. 2027");
    must_contain("150385-XXXX");
    must_contain("Dato");
    must_contain("Underskrift");
    must_contain(&format!("Side 1 af {pages}"));
    assert!(!text.contains("Persondataloven"));
    if let Some(cpr) = find_full_cpr(&text) {
        panic!("PDF contains a full CPR number: {cpr}");
    }

    // One signature block for the giver and one per youth (1 in the example).
    let youths = data["children"].as_array().unwrap().iter().filter(|c| c["youth"] == json!(true)).count();
    assert_eq!(text.matches("Underskrift").count(), 1 + youths + 1, "{text}"); // +1: section heading
}

#[test]
fn signature_block_per_youth() {
    let mut data = example();
    data["children"] = json!([
        {"name": "Ida Ærø", "cpr": "010110-XXXX", "youth": true},
        {"name": "Bo Ærø", "cpr": "010111-XXXX", "youth": true},
        {"name": "Lille Ærø", "cpr": "010120-XXXX", "youth": false},
    ]);
    let text = pdf_text(&render_pdf(templates::CONSENT, &data).unwrap());
    // Heading + giver + two youths.
    assert_eq!(text.matches("Underskrift").count(), 4, "{text}");
    assert_eq!(text.matches("Den unge:").count(), 2, "{text}");
}

#[test]
fn user_text_is_not_markup() {
    let mut data = example();
    data["giver"]["name"] = json!("*Ole* _Bøg_ #panic(\"x\") $x$ \\ [a] <l> @ref // c");
    let text = pdf_text(&render_pdf(templates::CONSENT, &data).unwrap());
    assert!(text.contains("*Ole* _Bøg_ #panic(\"x\") $x$ \\ [a] <l> @ref // c"), "{text}");
}

#[test]
fn syntax_error_is_compile_error_with_typst_message() {
    let err = render_pdf("#set text(lang: \"da\")\nHej #let x = (1, 2\n", &json!({})).unwrap_err();
    eprintln!("{err}");
    match err {
        DocError::Compile(msg) => {
            assert!(msg.contains("main.typ:2:"), "{msg}");
            assert!(msg.contains("unclosed delimiter"), "{msg}");
        }
        other => panic!("expected DocError::Compile, got {other:?}"),
    }
}

#[test]
fn missing_field_is_compile_error() {
    let err = render_pdf(templates::CONSENT, &json!({"title": "x"})).unwrap_err();
    assert!(matches!(&err, DocError::Compile(msg) if msg.contains("error:")), "{err}");
}

#[test]
fn only_data_json_is_readable() {
    let ok = render_pdf("#let d = json(\"data.json\")\n#d.a", &json!({"a": "æøå"})).unwrap();
    assert!(pdf_text(&ok).contains("æøå"));

    for template in ["#read(\"/etc/passwd\")", "#read(\"../../etc/hostname\")", "#read(\"main.typ\")", "#include \"other.typ\"", "#import \"@preview/example:0.1.0\": *", "#image(\"logo.png\")"] {
        let err = render_pdf(template, &json!({})).unwrap_err();
        assert!(matches!(err, DocError::Compile(_)), "{template}: {err:?}");
    }
}

#[test]
fn today_is_unavailable() {
    let err = render_pdf("#datetime.today().display()", &json!({})).unwrap_err();
    assert!(matches!(err, DocError::Compile(_)), "{err:?}");
}
