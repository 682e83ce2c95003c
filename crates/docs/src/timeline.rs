//! A simple time line as an SVG drawing: one row per date or deadline, a bar for a window and
//! a dot for a single day, on a shared axis of months. Used by the model preview; the table
//! beside it carries the same facts as text, and the `<desc>` lists them for screen readers.

use std::fmt::Write as _;

use jiff::civil::Date;
use tovholder_core::calendar::format_date_da;

use crate::svg::{ACCENT, FONT_FAMILY, INK, MUTED, RULE, TextStyle, WHITE, escape, num, text_el, wrap};

const WIDTH: f64 = 760.0;
const LABEL_W: f64 = 280.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 40.0;
const ROW: f64 = 30.0;
const BOTTOM: f64 = 20.0;
const LABEL: TextStyle = TextStyle { size: 12.0, fill: INK, bold: false };
const AXIS: TextStyle = TextStyle { size: 11.0, fill: MUTED, bold: false };
/// Deadlines are drawn in the muted ink, dates in the accent.
const TASK: &str = MUTED;

pub struct Bar {
    pub label: String,
    pub from: Date,
    pub to: Date,
    /// A chosen or proposed day inside the bar, drawn as a dot.
    pub day: Option<Date>,
    pub task: bool,
}

pub fn timeline_svg(title: &str, bars: &[Bar]) -> String {
    let height = TOP + ROW * bars.len().max(1) as f64 + BOTTOM;
    let mut svg = String::new();
    // Writing to a String cannot fail.
    let _ =
        writeln!(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\">", w = num(WIDTH), h = num(height));
    let _ = writeln!(svg, "<title>{}</title>", escape(title));
    let _ = writeln!(svg, "<desc>{}</desc>", escape(&description(bars)));
    let _ = writeln!(svg, "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{WHITE}\"/>", num(WIDTH), num(height));
    let (Some(first), Some(last)) = (bars.iter().map(|b| b.from).min(), bars.iter().map(|b| b.to).max()) else {
        text_el(&mut svg, WIDTH / 2.0, TOP, "middle", &AXIS, "Ingen datoer endnu");
        svg.push_str("</svg>\n");
        return svg;
    };
    let days = ((last - first).get_days().max(1)) as f64;
    let plot_w = WIDTH - LABEL_W - RIGHT;
    let x_of = |d: Date| LABEL_W + plot_w * ((d - first).get_days() as f64 / days);
    // Month ticks: the first of each month inside the span.
    let mut tick = Date::new(first.year(), first.month(), 1).ok();
    while let Some(t) = tick.filter(|t| *t <= last) {
        if t >= first {
            let x = x_of(t);
            let _ = writeln!(svg, "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{RULE}\" stroke-width=\"0.5\"/>", num(TOP - 8.0), num(height - BOTTOM), x = num(x));
            let month = format_date_da(t);
            let month = month.split_once(' ').map_or(month.as_str(), |(_, m)| m).to_string();
            text_el(&mut svg, x + 3.0, TOP - 12.0, "start", &AXIS, &month);
        }
        tick = t.checked_add(jiff::Span::new().months(1)).ok();
    }
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64 + ROW / 2.0;
        let line = wrap(&b.label, 40).into_iter().next().unwrap_or_default();
        text_el(&mut svg, 8.0, y + 4.0, "start", &LABEL, &line);
        let colour = if b.task { TASK } else { ACCENT };
        let (x1, x2) = (x_of(b.from), x_of(b.to));
        let _ =
            writeln!(svg, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"10\" rx=\"3\" fill=\"{colour}\" fill-opacity=\"0.35\" stroke=\"{colour}\"/>", num(x1), num(y - 5.0), num((x2 - x1).max(4.0)));
        if let Some(d) = b.day {
            let _ = writeln!(svg, "<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{colour}\"/>", num(x_of(d)), num(y));
        }
    }
    svg.push_str("</svg>\n");
    svg
}

fn description(bars: &[Bar]) -> String {
    let lines: Vec<String> = bars
        .iter()
        .map(|b| {
            let when = if b.from == b.to { format_date_da(b.from) } else { format!("{} til {}", format_date_da(b.from), format_date_da(b.to)) };
            match b.day {
                Some(d) if b.from != b.to => format!("{}: {when}, dagen {}", b.label, format_date_da(d)),
                _ => format!("{}: {when}", b.label),
            }
        })
        .collect();
    lines.join(". ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::svg::tests::{check_root, parse, texts};
    use jiff::civil::date;

    #[test]
    fn each_row_is_drawn_and_described_in_danish() {
        let bars = [
            Bar { label: "Opholdets afslutning".into(), from: date(2027, 3, 26), to: date(2027, 3, 26), day: Some(date(2027, 3, 26)), task: false },
            Bar { label: "Opfølgningsdag".into(), from: date(2027, 4, 23), to: date(2027, 5, 7), day: Some(date(2027, 4, 23)), task: false },
            Bar { label: "Kontakt <efter>".into(), from: date(2027, 4, 23), to: date(2027, 4, 30), day: None, task: true },
        ];
        let svg = timeline_svg("Tidslinje", &bars);
        let doc = parse(&svg);
        let (title, desc) = check_root(&doc);
        assert_eq!(title, "Tidslinje");
        assert!(desc.contains("Opfølgningsdag: 23. apr. 2027 til 7. maj 2027, dagen 23. apr. 2027"), "{desc}");
        let t = texts(&doc);
        assert!(t.contains(&"Kontakt <efter>".to_string()), "{t:?}");
        assert!(t.iter().any(|x| x.starts_with("apr.")), "{t:?}");
        assert_eq!(doc.descendants().filter(|n| n.has_tag_name("rect")).count(), 4);
    }

    #[test]
    fn no_rows_says_so() {
        let svg = timeline_svg("Tidslinje", &[]);
        assert!(texts(&parse(&svg)).contains(&"Ingen datoer endnu".to_string()));
    }
}
