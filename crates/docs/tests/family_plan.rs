//! Renders the family plan ("Familieplan") and inspects the PDF with
//! `pdftotext -layout` (Debian package poppler-utils).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tovholder_docs::network_map::{MapEntry, Quadrant, network_map_description, network_map_svg};
use tovholder_docs::{render_pdf, templates};

const EXAMPLE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/familieplan.example.json");

fn example() -> Value {
    serde_json::from_str(templates::FAMILY_PLAN_EXAMPLE_DATA).expect("example data is valid JSON")
}

/// The network map the example's `network_svg` was drawn from.
fn example_map() -> (Vec<String>, Vec<MapEntry>) {
    let centre = ["Søren Ærø Åberg", "Mikkel Ærø Åberg", "Sofie Åberg"].map(str::to_owned).to_vec();
    let e = |name: &str, relation: &str, quadrant| MapEntry { name: name.to_owned(), relation: relation.to_owned(), quadrant };
    let entries = vec![
        e("Birthe Ærø", "mormor", Quadrant::Familie),
        e("Jens & Tove Åberg", "farfar og farmor", Quadrant::Familie),
        e("Ahmed", "nabo, Mikkels fodboldtræner", Quadrant::Venner),
        e("Anne Lykke", "klasselærer 5. B", Quadrant::Arbejde),
        e("Per Holm", "AKT-lærer", Quadrant::Arbejde),
        e("Karen Østergård", "familierådgiver", Quadrant::Professionelle),
        e("Lone Bøgh", "familiebehandler", Quadrant::Professionelle),
        e("Jesper Kjær", "jobkonsulent", Quadrant::Professionelle),
        e("Julemærkehjem Kildemose", "ophold for Mikkel", Quadrant::Professionelle),
    ];
    (centre, entries)
}

fn pdf_text(pdf: &[u8]) -> String {
    common::pdftotext(pdf, &["-layout"])
}

/// First match of `\d{6}-?\d{4}` not inside a longer digit run.
fn find_cpr(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let digits = |from: usize, n: usize| from + n <= chars.len() && chars[from..from + n].iter().all(char::is_ascii_digit);
    for i in 0..chars.len() {
        if !digits(i, 6) {
            continue;
        }
        for j in [i + 6, i + 7] {
            if (j == i + 6 || chars[i + 6] == '-') && digits(j, 4) {
                return Some(chars[i..j + 4].iter().collect());
            }
        }
    }
    None
}

fn save(name: &str, pdf: &[u8]) {
    // To look at the result: TOVHOLDER_DOCS_OUT=/tmp cargo test -p tovholder-docs
    if let Some(dir) = std::env::var_os("TOVHOLDER_DOCS_OUT") {
        std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
    }
}

#[test]
fn example_network_svg_is_current() {
    let (centre, entries) = example_map();
    let svg = network_map_svg(&centre, &entries);
    let alt = network_map_description(&centre, &entries);
    let data = example();
    if std::env::var_os("TOVHOLDER_DOCS_BLESS").is_some() {
        // Rewrites the two one-line fields in place, keeping the file's layout.
        let source = std::fs::read_to_string(EXAMPLE_PATH).unwrap();
        let mut out = String::new();
        for line in source.lines() {
            if line.starts_with("  \"network_svg\": ") {
                out.push_str(&format!("  \"network_svg\": {},", json!(svg)));
            } else if line.starts_with("  \"network_alt\": ") {
                out.push_str(&format!("  \"network_alt\": {},", json!(alt)));
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        std::fs::write(EXAMPLE_PATH, out).unwrap();
        return;
    }
    assert!(
        data["network_svg"] == json!(svg) && data["network_alt"] == json!(alt),
        "templates/familieplan.example.json has an outdated network map; regenerate with \
         TOVHOLDER_DOCS_BLESS=1 cargo test -p tovholder-docs --test family_plan example_network_svg"
    );
}

#[test]
fn family_plan_renders_all_sections() {
    let data = example();
    let pdf = render_pdf(templates::FAMILY_PLAN, &data).expect("family plan renders");
    assert!(pdf.starts_with(b"%PDF-"));
    save("familieplan.pdf", &pdf);
    let text = pdf_text(&pdf);
    let pages = text.matches('\u{c}').count();

    let must_contain = |needle: &str| {
        assert!(text.contains(needle), "PDF text lacks {needle:?}; text was:\n{text}");
    };
    for heading in [
        "1. Aftaler fra netværksmødet",
        "2. Netværk",
        "2.1. Kommunalt netværk",
        "2.2. Skolen",
        "2.3. Eksternt netværk",
        "2.4. Personligt netværk",
        "3. Netværkskort",
        "4. Overblik over aktuelle indsatser",
        "5. Aktuel status",
        "6. Familiens egne mål",
        "7. Planer for hver person",
    ] {
        must_contain(heading);
    }
    // Danish letters survive in names, titles and table headers.
    must_contain("Familien Ærø Åberg");
    must_contain("Søren Ærø Åberg");
    must_contain("Karen Østergård");
    must_contain("Jens & Tove Åberg");
    must_contain("Timer pr. uge");
    must_contain("Afdeling, funktion eller relation");
    must_contain("Ansvarlig, støtte fra");
    must_contain("Hvem gør hvad");
    // Numbers get a decimal comma.
    must_contain("1,5");
    must_contain("Netværksmøde 23. nov. 2026 kl. 9.00");
    must_contain("Opfølgningsmøde 2. feb. 2027 kl. 9.00");
    must_contain("1. dec. 2026 – 28. feb. 2027");
    must_contain("15. mar. 2015");
    // A person without plans is still listed.
    assert!(text.matches("Intet registreret.").count() >= 1, "{text}");
    must_contain("Egeskov Kommune · Familieplan version 2.1");
    must_contain(&format!("Side 1 af {pages}"));
    must_contain(&format!("Side {pages} af {pages}"));
    if let Some(cpr) = find_cpr(&text) {
        panic!("PDF contains a CPR-like number: {cpr}");
    }
}

#[test]
fn network_map_text_is_in_the_pdf() {
    // The SVG's text is kept as text, so the map is searchable and the
    // names survive with their Danish letters.
    let text = pdf_text(&render_pdf(templates::FAMILY_PLAN, &example()).unwrap());
    for needle in ["Birthe Ærø", "Julemærkehjem Kildemose", "Professionelle"] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
}

#[test]
fn empty_sections_say_so() {
    let data = json!({
        "title": "Familieplan",
        "organisation": "Egeskov Kommune",
        "family": "Familien Ø",
        "version": "1.0",
        "period": "1. jan. 2027 – 31. mar. 2027",
        "updated": "2. jan. 2027",
    });
    let pdf = render_pdf(templates::FAMILY_PLAN, &data).expect("minimal plan renders");
    save("familieplan-tom.pdf", &pdf);
    let text = pdf_text(&pdf);
    // Agreements, four network tables, map, interventions, status, goals, plans.
    assert_eq!(text.matches("Intet registreret.").count(), 10, "{text}");
    assert!(!text.contains("Næste møde"), "{text}");
    assert!(text.contains("7. Planer for hver person"), "{text}");
}

#[test]
fn user_text_is_not_markup() {
    let mut data = example();
    let evil = "*Ole* _Bøg_ #panic(\"x\") $x$ [a] <l> @ref";
    data["agreements"][0]["content"] = json!(evil);
    data["person_plans"][0]["items"][0]["tasks"] = json!(evil);
    let text = pdf_text(&render_pdf(templates::FAMILY_PLAN, &data).unwrap());
    assert!(text.matches(evil).count() == 2, "{text}");
}

#[test]
fn tall_network_map_is_capped_to_the_page() {
    let (centre, mut entries) = example_map();
    for q in [Quadrant::Familie, Quadrant::Venner, Quadrant::Arbejde, Quadrant::Professionelle] {
        for i in 0..12 {
            entries.push(MapEntry { name: format!("Person {i} med et langt navn-Østergård"), relation: "relation der også er lang nok til to linjer".to_owned(), quadrant: q });
        }
    }
    let mut data = example();
    data["network_svg"] = json!(network_map_svg(&centre, &entries));
    let pdf = render_pdf(templates::FAMILY_PLAN, &data).expect("renders with a tall map");
    save("familieplan-stort-kort.pdf", &pdf);
    let text = pdf_text(&pdf);
    // The map's bottom labels are only on the page if the map was shrunk to fit.
    for needle in ["Arbejde, skole, uddannelse", "Professionelle", "4. Overblik over aktuelle indsatser"] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
}

/// Mean render time of the example after one warm-up (run with
/// `cargo test -p tovholder-docs --release -- --ignored --nocapture bench`).
#[test]
#[ignore]
fn bench_family_plan() {
    let data = example();
    render_pdf(templates::FAMILY_PLAN, &data).unwrap();
    let runs = 10;
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        let start = Instant::now();
        let pdf = render_pdf(templates::FAMILY_PLAN, &data).unwrap();
        total += start.elapsed();
        assert!(pdf.starts_with(b"%PDF-"));
    }
    eprintln!("familieplan: mean render {:?} over {runs} runs", total / runs);

    // Typst memoizes across renders, so identical data is partly served from
    // cache; a different family name each run shows the cost of new data.
    let mut total = Duration::ZERO;
    for i in 0..runs {
        let mut data = data.clone();
        data["family"] = json!(format!("Familien Ærø Åberg {i}"));
        data["agreements"][0]["content"] = json!(format!("Aftale nummer {i}"));
        let start = Instant::now();
        render_pdf(templates::FAMILY_PLAN, &data).unwrap();
        total += start.elapsed();
    }
    eprintln!("familieplan: mean render {:?} over {runs} runs with changed data", total / runs);
}
