//! The SVG drawings load in Typst (which parses SVG with usvg, stricter
//! than a browser) and keep their text searchable in the PDF.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use jiff::civil::date;
use serde_json::json;
use tovholder_docs::network_map::{MapEntry, Quadrant, network_map_svg};
use tovholder_docs::plot::indicator_plot_svg;
use tovholder_docs::render_pdf;

const TEMPLATE: &str = r#"
#let d = json("data.json")
#set page(paper: "a4", margin: 2cm)
#set text(lang: "da", font: "Libertinus Serif")
#for s in d.svgs {
  image(bytes(s), format: "svg", width: 100%)
}
"#;

fn pdf_text(pdf: &[u8]) -> String {
    common::pdftotext(pdf, &[])
}

#[test]
fn drawings_embed_in_typst() {
    let plot = indicator_plot_svg("Fravær i skolen", "%", &[(date(2026, 9, 1), 22.5), (date(2026, 11, 3), 12.5), (date(2027, 2, 1), 4.0)]);
    let empty_plot = indicator_plot_svg("Karakterer", "", &[]);
    let map = network_map_svg(&["Søren Ærø Åberg".to_owned()], &[MapEntry { name: "Mormor & <Åse>".to_owned(), relation: "bedstemor".to_owned(), quadrant: Quadrant::Familie }]);
    let pdf = render_pdf(TEMPLATE, &json!({ "svgs": [plot, empty_plot, map] })).expect("Typst accepts the SVGs");
    if let Some(dir) = std::env::var_os("TOVHOLDER_DOCS_OUT") {
        std::fs::write(std::path::Path::new(&dir).join("drawings.pdf"), &pdf).unwrap();
    }
    let text = pdf_text(&pdf);
    for needle in ["Fravær i skolen", "3. nov. 2026", "22,5 %", "Ingen målinger endnu", "Mormor & <Åse>", "Søren Ærø Åberg"] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
}
