//! A line chart of one indicator measured over time (school absence in %,
//! grades, ...) as an SVG drawing, for the family plan and the web pages.
//!
//! Time runs along the x axis in true proportion (irregular measuring dates
//! stay irregular), dates are written the Danish way (`3. nov. 2026`) and
//! numbers with a decimal comma. Every point carries its value; labels that
//! would collide are left out of the picture, but the `<desc>` always lists
//! every measurement as text, so screen-reader users get all the data.
//! No measurements gives a frame saying "Ingen målinger endnu" instead of an
//! empty axis.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::svg::{ACCENT, FONT_FAMILY, INK, MUTED, RULE, TextStyle, WHITE, escape, num, text_el, text_width};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 36.0;
const TOP: f64 = 58.0;
const BOTTOM: f64 = 46.0;
const TITLE: TextStyle = TextStyle { size: 15.0, fill: INK, bold: true };
/// Axis labels.
const LABEL: TextStyle = TextStyle { size: 11.5, fill: MUTED, bold: false };
/// The value at each point.
const VALUE: TextStyle = TextStyle { size: 11.5, fill: INK, bold: true };
const NOTE: TextStyle = TextStyle { size: 13.0, fill: MUTED, bold: false };
const GRID: &str = "#d9dee5";

/// A date the Danish way (`3. nov. 2026`): the one formatting the rest of Tovholder uses.
pub use tovholder_core::calendar::format_date_da as danish_date;

/// A value with a decimal comma and at most one decimal (`12,5`, `7`).
fn danish_number(value: f64) -> String {
    num(value).replace('.', ",")
}

fn with_unit(value: f64, unit: &str) -> String {
    if unit.trim().is_empty() { danish_number(value) } else { format!("{} {unit}", danish_number(value)) }
}

/// Draws `points` (any order; non-finite values are ignored) as a line chart
/// titled `title`, with values in `unit` (e.g. `%`, `dage`; may be empty).
pub fn indicator_plot_svg(title: &str, unit: &str, points: &[(Date, f64)]) -> String {
    let mut points: Vec<(Date, f64)> = points.iter().copied().filter(|(_, v)| v.is_finite()).collect();
    points.sort_by_key(|&(date, _)| date);

    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ =
        writeln!(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\">", w = num(WIDTH), h = num(HEIGHT),);
    let _ = writeln!(svg, "<title>{}</title>", escape(title));
    let _ = writeln!(svg, "<desc>{}</desc>", escape(&description(title, unit, &points)));
    let _ = writeln!(svg, "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{WHITE}\"/>", num(WIDTH), num(HEIGHT));
    text_el(&mut svg, 12.0, 24.0, "start", &TITLE, title);

    let (Some(&(first, _)), Some(&(last, _))) = (points.first(), points.last()) else {
        let _ = writeln!(svg, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{GRID}\"/>", num(LEFT), num(TOP), num(WIDTH - LEFT - RIGHT), num(HEIGHT - TOP - BOTTOM));
        let mid_x = LEFT + (WIDTH - LEFT - RIGHT) / 2.0;
        let mid_y = TOP + (HEIGHT - TOP - BOTTOM) / 2.0;
        text_el(&mut svg, mid_x, mid_y, "middle", &NOTE, "Ingen målinger endnu");
        svg.push_str("</svg>\n");
        return svg;
    };

    // y scale: always includes zero, so changes are not exaggerated.
    let lo = points.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let hi = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let ticks = nice_ticks(lo, hi);
    let (y_lo, y_hi) = match (ticks.first(), ticks.last()) {
        (Some(&a), Some(&b)) if b > a => (a, b),
        _ => (lo, lo + 1.0),
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y_of = |v: f64| TOP + plot_h * (1.0 - (v - y_lo) / (y_hi - y_lo));
    // x scale: days since the first measurement; a single date sits centred.
    let span = (last - first).get_days().max(0);
    let x_pad = 28.0;
    let x_of = |d: Date| {
        if span == 0 {
            LEFT + plot_w / 2.0
        } else {
            let days = (d - first).get_days();
            LEFT + x_pad + (plot_w - 2.0 * x_pad) * f64::from(days) / f64::from(span)
        }
    };

    // Grid and y ticks.
    for &t in &ticks {
        let y = y_of(t);
        let _ = writeln!(svg, "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{GRID}\" stroke-width=\"1\"/>", num(LEFT), num(WIDTH - RIGHT), y = num(y));
        text_el(&mut svg, LEFT - 8.0, y + 4.0, "end", &LABEL, &danish_number(t));
    }
    if !unit.trim().is_empty() {
        text_el(&mut svg, LEFT - 8.0, TOP - 16.0, "end", &LABEL, unit);
    }
    // Axes.
    let _ = writeln!(svg, "<path d=\"M {l} {t} V {b} H {r}\" stroke=\"{RULE}\" stroke-width=\"1.2\" fill=\"none\"/>", l = num(LEFT), t = num(TOP), b = num(TOP + plot_h), r = num(WIDTH - RIGHT),);

    // Date labels under the points, skipping any that would collide; the
    // newest date matters most, so it displaces earlier ones.
    let mut dates: Vec<Date> = points.iter().map(|p| p.0).collect();
    dates.dedup();
    let mut shown: Vec<(f64, f64, f64, String)> = Vec::new(); // (x, x0, x1, text)
    for (i, &d) in dates.iter().enumerate() {
        let text = danish_date(d);
        let x = x_of(d);
        let half = text_width(&text, LABEL.size) / 2.0;
        // Centred on the point unless that would cross the edge.
        let centre = x.clamp(2.0 + half, (WIDTH - 2.0 - half).max(2.0 + half));
        let (x0, x1) = (centre - half, centre + half);
        let clashes = |&(_, a, b, _): &(f64, f64, f64, String)| x0 < b + 8.0 && a < x1 + 8.0;
        if shown.iter().any(clashes) {
            if i + 1 < dates.len() {
                continue;
            }
            shown.retain(|l| !clashes(l));
        }
        shown.push((x, x0, x1, text));
    }
    let axis_y = TOP + plot_h;
    for (x, x0, x1, text) in &shown {
        let _ = writeln!(svg, "<line x1=\"{x}\" y1=\"{b}\" x2=\"{x}\" y2=\"{b5}\" stroke=\"{RULE}\" stroke-width=\"1\"/>", x = num(*x), b = num(axis_y), b5 = num(axis_y + 5.0),);
        text_el(&mut svg, (x0 + x1) / 2.0, axis_y + 20.0, "middle", &LABEL, text);
    }

    // The line, then points and values on top.
    if points.len() > 1 {
        let path: Vec<String> = points.iter().map(|&(d, v)| format!("{},{}", num(x_of(d)), num(y_of(v)))).collect();
        let _ = writeln!(svg, "<polyline points=\"{}\" fill=\"none\" stroke=\"{ACCENT}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>", path.join(" "));
    }
    let mut value_boxes: Vec<(f64, f64, f64, f64)> = Vec::new();
    for &(d, v) in &points {
        let (x, y) = (x_of(d), y_of(v));
        let _ = writeln!(svg, "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{ACCENT}\"/>", num(x), num(y));
        let text = with_unit(v, unit);
        let half = text_width(&text, VALUE.size) / 2.0;
        let base = y - 9.0;
        let b = (x - half, base - VALUE.size, x + half, base + 3.0);
        if value_boxes.iter().any(|o| b.0 < o.2 && o.0 < b.2 && b.1 < o.3 && o.1 < b.3) {
            continue;
        }
        value_boxes.push(b);
        text_el(&mut svg, x, base, "middle", &VALUE, &text);
    }

    svg.push_str("</svg>\n");
    svg
}

/// Round tick values covering `lo..=hi`, about four to six of them.
fn nice_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = if hi - lo < 1e-9 { (lo, lo + 1.0) } else { (lo, hi) };
    let rough = (hi - lo) / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= rough).unwrap_or(10.0 * magnitude);
    let start = (lo / step).floor() * step;
    let end = (hi / step).ceil() * step;
    let count = ((end - start) / step).round() as i64;
    (0..=count).map(|i| start + i as f64 * step).collect()
}

/// Every measurement as text, for screen readers.
fn description(title: &str, unit: &str, points: &[(Date, f64)]) -> String {
    if points.is_empty() {
        return format!("{title}: Ingen målinger endnu.");
    }
    let values: Vec<String> = points.iter().map(|&(d, v)| format!("{}: {}", danish_date(d), with_unit(v, unit))).collect();
    format!("{title}. Målinger: {}.", values.join("; "))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::svg::tests::{check_root, contrast, parse, texts};
    use jiff::civil::date;

    #[test]
    fn danish_dates() {
        assert_eq!(danish_date(date(2026, 11, 3)), "3. nov. 2026");
        assert_eq!(danish_date(date(2027, 5, 1)), "1. maj 2027");
        assert_eq!(danish_number(12.5), "12,5");
        assert_eq!(with_unit(7.0, ""), "7");
        assert_eq!(with_unit(3.25, "%"), "3,3 %");
    }

    fn absence() -> Vec<(Date, f64)> {
        vec![(date(2026, 12, 1), 8.0), (date(2026, 9, 1), 22.5), (date(2026, 11, 3), 12.5), (date(2027, 2, 1), 4.0)]
    }

    #[test]
    fn draws_points_line_and_labels() {
        let svg = indicator_plot_svg("Fravær i skolen & <SFO>", "%", &absence());
        let doc = parse(&svg);
        let (title, desc) = check_root(&doc);
        assert_eq!(title, "Fravær i skolen & <SFO>");
        assert_eq!(
            desc,
            "Fravær i skolen & <SFO>. Målinger: 1. sep. 2026: 22,5 %; 3. nov. 2026: 12,5 %; \
             1. dec. 2026: 8 %; 1. feb. 2027: 4 %."
        );
        let texts = texts(&doc);
        for needle in ["1. sep. 2026", "1. feb. 2027", "22,5 %", "4 %", "0", "%"] {
            assert!(texts.iter().any(|t| t == needle), "no {needle:?} in {texts:?}");
        }
        let circles: Vec<(f64, f64)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .map(|n| {
                let a = |k| n.attribute(k).unwrap().parse::<f64>().unwrap();
                (a("cx"), a("cy"))
            })
            .collect();
        assert_eq!(circles.len(), 4);
        // Sorted by date: x increases; highest value is highest (smallest y).
        assert!(circles.windows(2).all(|w| w[0].0 < w[1].0), "{circles:?}");
        assert!(circles[0].1 < circles[1].1 && circles[1].1 < circles[2].1);
        // Time in proportion: Sep 1 → Nov 3 is 63 of 153 days.
        let frac = (circles[1].0 - circles[0].0) / (circles[3].0 - circles[0].0);
        assert!((frac - 63.0 / 153.0).abs() < 0.01, "{frac}");
        assert_eq!(doc.descendants().filter(|n| n.has_tag_name("polyline")).count(), 1);
        // Text colours meet WCAG AA on the white background.
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            assert!(contrast(t.attribute("fill").unwrap(), WHITE) >= 4.5);
        }
    }

    #[test]
    fn ticks_cover_the_data() {
        let t = nice_ticks(0.0, 22.5);
        assert_eq!(t.first(), Some(&0.0));
        assert!(*t.last().unwrap() >= 22.5);
        assert!((4..=7).contains(&t.len()), "{t:?}");
        let g = nice_ticks(-3.0, 12.0);
        assert!(g[0] <= -3.0 && *g.last().unwrap() >= 12.0, "{g:?}");
        assert_eq!(nice_ticks(0.0, 0.0), [0.0, 0.25, 0.5, 0.75, 1.0]);
    }

    #[test]
    fn zero_points() {
        let svg = indicator_plot_svg("Karakterer", "", &[(date(2026, 1, 1), f64::NAN)]);
        let doc = parse(&svg);
        let (_, desc) = check_root(&doc);
        assert!(texts(&doc).iter().any(|t| t == "Ingen målinger endnu"));
        assert_eq!(desc, "Karakterer: Ingen målinger endnu.");
        assert_eq!(doc.descendants().filter(|n| n.has_tag_name("circle")).count(), 0);
    }

    #[test]
    fn one_point() {
        let svg = indicator_plot_svg("Karakterer", "", &[(date(2026, 6, 20), 7.0)]);
        let doc = parse(&svg);
        check_root(&doc);
        let texts = texts(&doc);
        assert!(texts.iter().any(|t| t == "20. jun. 2026"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "7"), "{texts:?}");
        assert_eq!(doc.descendants().filter(|n| n.has_tag_name("polyline")).count(), 0);
        let c = doc.descendants().find(|n| n.has_tag_name("circle")).unwrap();
        let cx: f64 = c.attribute("cx").unwrap().parse().unwrap();
        assert!((cx - (LEFT + (WIDTH - LEFT - RIGHT) / 2.0)).abs() < 0.1);
    }

    #[test]
    fn dense_dates_keep_the_newest_label_and_do_not_overlap() {
        let points: Vec<(Date, f64)> = (0..30).map(|i| (date(2026, 9, 1) + jiff::Span::new().days(i * 3), f64::from(i % 7))).collect();
        let svg = indicator_plot_svg("Fravær", "dage", &points);
        let doc = parse(&svg);
        let (_, desc) = check_root(&doc);
        let texts = texts(&doc);
        let newest = danish_date(points[29].0);
        assert!(texts.contains(&newest), "{texts:?}");
        assert!(texts.iter().any(|t| t == "1. sep. 2026"));
        // Every value is in the description even where the picture skips it.
        for (d, _) in &points {
            assert!(desc.contains(&danish_date(*d)), "{desc}");
        }
        // No two labels overlap.
        let boxes: Vec<(f64, f64, f64, f64)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| {
                let a = |k| n.attribute(k).unwrap().parse::<f64>().unwrap();
                let text: String = n.descendants().filter(|t| t.is_text()).filter_map(|t| t.text()).collect();
                let (x, y, s) = (a("x"), a("y"), a("font-size"));
                let w = text_width(&text, s);
                let x0 = match n.attribute("text-anchor") {
                    Some("middle") => x - w / 2.0,
                    Some("end") => x - w,
                    _ => x,
                };
                (x0, y - 0.8 * s, x0 + w, y + 0.25 * s)
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
                assert!(!overlap, "{a:?} {b:?}");
            }
        }
    }
}
