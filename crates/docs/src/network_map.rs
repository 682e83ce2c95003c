//! The family's network map ("Familiens netværkskort") as an SVG drawing.
//!
//! The family sits in a circle in the middle; the page around it is split
//! into four quadrants (family; friends, acquaintances, neighbours; work,
//! school, education; professionals). Each person in the network is a dot
//! with their name and, smaller, their relation, stacked in a column on the
//! outer side of their quadrant and joined to the circle by a line. Labels
//! extend away from the centre, so connector lines never cross text, and the
//! drawing grows in height rather than letting stacked entries overlap. The
//! SVG is self-contained (no external fonts or styles), accessible (`role`,
//! `<title>`, a `<desc>` listing everyone) and sized in absolute units so
//! Typst can embed it in the family plan PDF.

use std::fmt::Write as _;

use crate::svg::{ACCENT, FONT_FAMILY, INK, MUTED, RULE, TextStyle, WHITE, chars_fitting, escape, num, text_el, wrap};

pub use tovholder_core::family_plan::Quadrant;

const QUADRANTS: [Quadrant; 4] = Quadrant::ALL;

fn is_left(q: Quadrant) -> bool {
    matches!(q, Quadrant::Familie | Quadrant::Arbejde)
}

fn is_top(q: Quadrant) -> bool {
    matches!(q, Quadrant::Familie | Quadrant::Venner)
}

/// Pale background; every text colour keeps ≥ 4.5:1 on it.
fn tint(q: Quadrant) -> &'static str {
    match q {
        Quadrant::Familie => "#fbf3ea",
        Quadrant::Venner => "#eef6ee",
        Quadrant::Arbejde => "#eef3fa",
        Quadrant::Professionelle => "#f5f0f8",
    }
}

/// One person (or place) in the family's network.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MapEntry {
    pub name: String,
    /// E.g. "mormor", "klasselærer", "nabo".
    pub relation: String,
    pub quadrant: Quadrant,
}

const WIDTH: f64 = 720.0;
const CX: f64 = WIDTH / 2.0;
const MARGIN: f64 = 14.0;
/// Room above the top quadrants' entries (and below the bottom ones) for the label.
const LABEL_BAND: f64 = 44.0;
/// Quadrant labels.
const LABEL: TextStyle = TextStyle { size: 15.0, fill: ACCENT, bold: true };
/// Vertical gap between the horizontal divider and the nearest entries.
const MID_GAP: f64 = 18.0;
/// Least distance from the centre line to the middle of the drawing's edge.
const MIN_HALF: f64 = 170.0;

const NAME: TextStyle = TextStyle { size: 13.5, fill: INK, bold: true };
const NAME_LEAD: f64 = 16.0;
const RELATION: TextStyle = TextStyle { size: 11.5, fill: MUTED, bold: false };
const REL_LEAD: f64 = 14.0;
const ENTRY_GAP: f64 = 9.0;
const DOT_R: f64 = 4.5;
/// Gap between a dot and its text.
const DOT_TEXT: f64 = 8.0;

/// The family's names, white on the accent circle.
const CENTRE: TextStyle = TextStyle { size: 13.5, fill: WHITE, bold: true };
const CENTRE_LEAD: f64 = 17.0;
const CENTRE_MIN_R: f64 = 88.0;

/// An entry laid out: wrapped lines and the top of its block.
struct Placed {
    name: Vec<String>,
    relation: Vec<String>,
    top: f64,
}

impl Placed {
    fn height(&self) -> f64 {
        self.name.len() as f64 * NAME_LEAD + self.relation.len() as f64 * REL_LEAD
    }
}

/// Draws the network map. `centre` are the family members in the middle
/// (drawn as "Familien" if empty); entries keep their given order within
/// their quadrant.
pub fn network_map_svg(centre: &[String], entries: &[MapEntry]) -> String {
    // The centre circle grows with the number of lines it holds.
    let centre_chars = chars_fitting(2.0 * CENTRE_MIN_R * 0.8, CENTRE.size);
    let mut centre_lines: Vec<String> = centre.iter().flat_map(|name| wrap(name, centre_chars)).collect();
    if centre_lines.is_empty() {
        centre_lines.push("Familien".to_owned());
    }
    let radius = CENTRE_MIN_R.max(centre_lines.len() as f64 * CENTRE_LEAD / 2.0 + 40.0);
    // Entry column: dots just outside the circle, text running outwards.
    let dot_dx = (radius + 48.0).max(140.0);
    let text_room = CX - dot_dx - DOT_TEXT - MARGIN;
    let name_chars = chars_fitting(text_room, NAME.size);
    let rel_chars = chars_fitting(text_room, RELATION.size);

    let mut columns: Vec<(Quadrant, Vec<Placed>)> = QUADRANTS
        .iter()
        .map(|&q| {
            let placed = entries.iter().filter(|e| e.quadrant == q).map(|e| Placed { name: non_empty(wrap(&e.name, name_chars)), relation: wrap(&e.relation, rel_chars), top: 0.0 }).collect();
            (q, placed)
        })
        .collect();
    let stack_height = |placed: &[Placed]| -> f64 { placed.iter().map(|p| p.height() + ENTRY_GAP).sum::<f64>() };
    let (mut top_h, mut bottom_h) = (0.0_f64, 0.0_f64);
    for (q, placed) in &columns {
        let h = stack_height(placed);
        if is_top(*q) {
            top_h = top_h.max(h);
        } else {
            bottom_h = bottom_h.max(h);
        }
    }
    let cy = (LABEL_BAND + top_h + MID_GAP).max(MIN_HALF).max(LABEL_BAND + radius + 8.0);
    let height = (cy + MID_GAP + bottom_h + LABEL_BAND).max(cy + MIN_HALF).max(cy + radius + LABEL_BAND);

    // Top quadrants stack down from under their label, bottom ones from under
    // the divider; `cy` leaves room for the taller top stack, so the halves
    // never meet.
    for (q, placed) in &mut columns {
        let mut y = if is_top(*q) { LABEL_BAND } else { cy + MID_GAP };
        for p in placed.iter_mut() {
            p.top = y;
            y += p.height() + ENTRY_GAP;
        }
    }

    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ =
        writeln!(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\">", w = num(WIDTH), h = num(height),);
    let _ = writeln!(svg, "<title>Familiens netværkskort</title>");
    let _ = writeln!(svg, "<desc>{}</desc>", escape(&network_map_description(centre, entries)));

    // Quadrant backgrounds and the dividing cross.
    for q in QUADRANTS {
        let x = if is_left(q) { 0.0 } else { CX };
        let (y, h) = if is_top(q) { (0.0, cy) } else { (cy, height - cy) };
        let _ = writeln!(svg, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", num(x), num(y), num(CX), num(h), tint(q));
    }
    let _ = writeln!(
        svg,
        "<path d=\"M {cx} 0 V {h} M 0 {cy} H {w}\" stroke=\"{RULE}\" stroke-width=\"1\" stroke-dasharray=\"4 4\" fill=\"none\"/>",
        cx = num(CX),
        h = num(height),
        cy = num(cy),
        w = num(WIDTH),
    );

    // Quadrant labels in the outer corners.
    for q in QUADRANTS {
        let (x, anchor) = if is_left(q) { (MARGIN, "start") } else { (WIDTH - MARGIN, "end") };
        let y = if is_top(q) { LABEL_BAND - 18.0 } else { height - 16.0 };
        text_el(&mut svg, x, y, anchor, &LABEL, q.label_da());
    }

    // Connector lines first, so dots and the circle sit on top of them.
    for (q, placed) in &columns {
        let dot_x = if is_left(*q) { CX - dot_dx } else { CX + dot_dx };
        for p in placed {
            let dot_y = p.top + NAME_LEAD * 0.7;
            let (dx, dy) = (dot_x - CX, dot_y - cy);
            let len = dx.hypot(dy).max(1.0);
            let _ = writeln!(
                svg,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{RULE}\" stroke-width=\"1.2\"/>",
                num(CX + dx / len * radius),
                num(cy + dy / len * radius),
                num(dot_x),
                num(dot_y),
            );
        }
    }

    // The family in the middle.
    let _ = writeln!(svg, "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{ACCENT}\"/>", num(CX), num(cy), num(radius));
    let first = cy - (centre_lines.len() as f64 - 1.0) * CENTRE_LEAD / 2.0 + CENTRE.size * 0.35;
    for (i, line) in centre_lines.iter().enumerate() {
        let y = first + i as f64 * CENTRE_LEAD;
        text_el(&mut svg, CX, y, "middle", &CENTRE, line);
    }

    // The entries.
    for (q, placed) in &columns {
        let (dot_x, text_x, anchor) = if is_left(*q) { (CX - dot_dx, CX - dot_dx - DOT_TEXT, "end") } else { (CX + dot_dx, CX + dot_dx + DOT_TEXT, "start") };
        for p in placed {
            let _ = writeln!(svg, "<g>");
            let _ = writeln!(svg, "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{ACCENT}\"/>", num(dot_x), num(p.top + NAME_LEAD * 0.7), num(DOT_R));
            // Baselines: name lines NAME_LEAD apart, relation lines REL_LEAD
            // below the last name line and each other.
            let mut baseline = p.top + NAME.size - NAME_LEAD;
            for line in &p.name {
                baseline += NAME_LEAD;
                text_el(&mut svg, text_x, baseline, anchor, &NAME, line);
            }
            for line in &p.relation {
                baseline += REL_LEAD;
                text_el(&mut svg, text_x, baseline, anchor, &RELATION, line);
            }
            let _ = writeln!(svg, "</g>");
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// A nameless entry still gets a line, so its relation stays readable.
fn non_empty(lines: Vec<String>) -> Vec<String> {
    if lines.is_empty() { vec!["(uden navn)".to_owned()] } else { lines }
}

/// The map as sentences, for screen readers: the SVG's `<desc>`, and the
/// alternative text to give the image where it is embedded (`network_alt`
/// in [`crate::templates::FAMILY_PLAN`]).
pub fn network_map_description(centre: &[String], entries: &[MapEntry]) -> String {
    let mut out = String::from("I midten: ");
    if centre.is_empty() {
        out.push_str("familien");
    } else {
        out.push_str(&centre.join(", "));
    }
    out.push('.');
    for q in QUADRANTS {
        let people: Vec<String> = entries.iter().filter(|e| e.quadrant == q).map(|e| if e.relation.trim().is_empty() { e.name.clone() } else { format!("{} ({})", e.name, e.relation) }).collect();
        let listed = if people.is_empty() { "ingen".to_owned() } else { people.join(", ") };
        let _ = write!(out, " {}: {listed}.", q.label_da());
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::svg::tests::{check_root, contrast, parse, texts};
    use crate::svg::text_width;

    fn entry(name: &str, relation: &str, quadrant: Quadrant) -> MapEntry {
        MapEntry { name: name.to_owned(), relation: relation.to_owned(), quadrant }
    }

    fn family() -> Vec<String> {
        vec!["Søren Ærø Åberg".to_owned(), "Sofie Åberg".to_owned()]
    }

    #[test]
    fn names_labels_and_escaping() {
        let entries = vec![
            entry("Mormor & morfar", "bedsteforældre", Quadrant::Familie),
            entry("Ole <Nabo>", "nabo, \"gode\" Ole", Quadrant::Venner),
            entry("Egeskov Skole", "5. B", Quadrant::Arbejde),
            entry("Karen Østergård", "familierådgiver", Quadrant::Professionelle),
        ];
        let svg = network_map_svg(&family(), &entries);
        assert!(svg.contains("Mormor &amp; morfar"));
        assert!(svg.contains("Ole &lt;Nabo&gt;"));
        assert!(!svg.contains("<Nabo>"));

        let doc = parse(&svg);
        let (title, desc) = check_root(&doc);
        assert_eq!(title, "Familiens netværkskort");
        let texts = texts(&doc);
        for needle in [
            "Mormor & morfar",
            "Ole <Nabo>",
            "Egeskov Skole",
            "Karen Østergård",
            "Søren Ærø Åberg",
            "Sofie Åberg",
            "Familie",
            "Venner, bekendte, naboer m.m.",
            "Arbejde, skole, uddannelse",
            "Professionelle",
            "familierådgiver",
        ] {
            assert!(texts.iter().any(|t| t == needle), "no text {needle:?}: {texts:?}");
            assert!(desc.contains(needle), "desc lacks {needle:?}: {desc}");
        }
        assert!(desc.contains("Ole <Nabo> (nabo, \"gode\" Ole)"), "{desc}");
        // One connector per entry.
        assert_eq!(doc.descendants().filter(|n| n.has_tag_name("line")).count(), 4);
    }

    #[test]
    fn empty_map_is_still_valid() {
        let svg = network_map_svg(&[], &[]);
        let doc = parse(&svg);
        let (_, desc) = check_root(&doc);
        assert!(texts(&doc).iter().any(|t| t == "Familien"));
        assert!(desc.contains("Professionelle: ingen."), "{desc}");
    }

    /// Estimated box of a `<text>`: (x0, y0, x1, y1).
    fn text_box(node: roxmltree::Node) -> (f64, f64, f64, f64) {
        let attr = |k: &str| node.attribute(k).unwrap().parse::<f64>().unwrap();
        let (x, y, size) = (attr("x"), attr("y"), attr("font-size"));
        let text: String = node.descendants().filter(|t| t.is_text()).filter_map(|t| t.text()).collect();
        let w = text_width(&text, size);
        let x0 = match node.attribute("text-anchor") {
            Some("end") => x - w,
            Some("middle") => x - w / 2.0,
            _ => x,
        };
        (x0, y - size * 0.8, x0 + w, y + size * 0.25)
    }

    #[test]
    fn twelve_long_entries_per_quadrant_do_not_overlap() {
        let mut entries = Vec::new();
        for q in QUADRANTS {
            for i in 0..12 {
                entries.push(entry(&format!("Person nummer {i} med et meget langt dobbeltnavn-Østergård"), &format!("relation {i}, som også kan være ret lang at læse"), q));
            }
        }
        let svg = network_map_svg(&family(), &entries);
        let doc = parse(&svg);
        check_root(&doc);
        let root = doc.root_element();
        let width: f64 = root.attribute("width").unwrap().parse().unwrap();
        let height: f64 = root.attribute("height").unwrap().parse().unwrap();

        let boxes: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("text")).map(text_box).collect();
        assert!(boxes.len() > 4 * 12 * 2);
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.0 >= 0.0 && a.2 <= width && a.1 >= 0.0 && a.3 <= height, "{a:?} outside");
            for b in &boxes[i + 1..] {
                let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
                assert!(!overlap, "text boxes overlap: {a:?} {b:?}");
            }
        }
        // Connector lines stay clear of all text.
        for line in doc.descendants().filter(|n| n.has_tag_name("line")) {
            let p = |k: &str| line.attribute(k).unwrap().parse::<f64>().unwrap();
            let (x1, y1, x2, y2) = (p("x1"), p("y1"), p("x2"), p("y2"));
            for b in &boxes {
                for s in 1..40 {
                    let t = f64::from(s) / 40.0;
                    let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
                    let inside = x > b.0 && x < b.2 && y > b.1 && y < b.3;
                    assert!(!inside, "line {x1},{y1}-{x2},{y2} crosses text {b:?}");
                }
            }
        }
    }

    #[test]
    fn large_family_circle_stays_inside() {
        let centre: Vec<String> = (0..20).map(|i| format!("Barn nummer {i}")).collect();
        let doc_src = network_map_svg(&centre, &[entry("A", "b", Quadrant::Arbejde)]);
        let doc = parse(&doc_src);
        let root = doc.root_element();
        let height: f64 = root.attribute("height").unwrap().parse().unwrap();
        let circle = doc.descendants().filter(|n| n.has_tag_name("circle")).find(|n| n.attribute("r").unwrap().parse::<f64>().unwrap() > 50.0).unwrap();
        let a = |k: &str| circle.attribute(k).unwrap().parse::<f64>().unwrap();
        assert!(a("cy") - a("r") >= LABEL_BAND, "{doc_src}");
        assert!(a("cy") + a("r") <= height - LABEL_BAND + 1e-9, "{doc_src}");
        for i in 0..20 {
            assert!(texts(&doc).contains(&format!("Barn nummer {i}")));
        }
    }

    #[test]
    fn text_contrast_on_every_background() {
        for q in QUADRANTS {
            for fg in [INK, MUTED, ACCENT] {
                assert!(contrast(fg, tint(q)) >= 4.5, "{fg} on {}", tint(q));
            }
        }
        assert!(contrast(WHITE, ACCENT) >= 4.5);
        // And those are the only text colours used.
        let svg = network_map_svg(&family(), &[entry("A", "b", Quadrant::Venner)]);
        let doc = parse(&svg);
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let fill = t.attribute("fill").unwrap();
            assert!([INK, MUTED, ACCENT, WHITE].contains(&fill), "{fill}");
        }
    }

    #[test]
    fn quadrant_serde_is_snake_case() {
        let q: Quadrant = serde_json::from_str("\"professionelle\"").unwrap();
        assert_eq!(q, Quadrant::Professionelle);
        assert_eq!(serde_json::to_string(&Quadrant::Venner).unwrap(), "\"venner\"");
    }
}
