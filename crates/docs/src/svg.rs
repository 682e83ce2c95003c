//! Small helpers shared by the SVG drawings ([`crate::network_map`],
//! [`crate::plot`]): escaping, number formatting, a rough text-width estimate
//! for wrapping, and the palette (checked for WCAG AA contrast in tests).

use std::fmt::Write as _;

/// Ends in the generic `sans-serif`. Typst has no sans font bundled and uses
/// the document's font for SVG text it cannot match; browsers pick one of these.
pub(crate) const FONT_FAMILY: &str = "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

/// Near-black body text.
pub(crate) const INK: &str = "#1a1a1a";
/// Secondary text (relations, axis labels): still ≥ 7:1 on white.
pub(crate) const MUTED: &str = "#454545";
/// Headings and data, the accent used by the PDF templates.
pub(crate) const ACCENT: &str = "#1f4e79";
pub(crate) const WHITE: &str = "#ffffff";
/// Non-text strokes (grid, connector lines).
pub(crate) const RULE: &str = "#8a9bb0";

/// Average advance of a character as a share of the font size. Generous
/// (real Helvetica averages ~0.55) so estimated boxes rarely undershoot.
const CHAR_WIDTH: f64 = 0.6;

/// Escapes text for XML content and attribute values. Characters XML 1.0
/// forbids (most C0 controls) are dropped so the output stays well-formed.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(' '),
            '\r' => {}
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal, without a trailing `.0`.
pub(crate) fn num(value: f64) -> String {
    // `+ 0.0` turns -0 into 0.
    let rounded = (value * 10.0).round() / 10.0 + 0.0;
    if rounded == rounded.trunc() { format!("{rounded:.0}") } else { format!("{rounded:.1}") }
}

/// Estimated rendered width of `text` at `size` px.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_WIDTH
}

/// How many characters fit in `width` px at `size` px (at least 1).
pub(crate) fn chars_fitting(width: f64, size: f64) -> usize {
    ((width / (size * CHAR_WIDTH)).floor() as usize).max(1)
}

/// Word-wraps `text` into lines of at most `max_chars` characters; words
/// longer than a line are split. Whitespace runs collapse to one space.
pub(crate) fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let max_chars = max_chars.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let gap = usize::from(len > 0);
            if len + gap + word.len() <= max_chars {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                len += gap + word.len();
                break;
            }
            if len > 0 {
                lines.push(std::mem::take(&mut line));
                len = 0;
                continue;
            }
            // A word longer than a whole line: hard break.
            let rest = word.split_off(max_chars);
            lines.push(word.into_iter().collect());
            word = rest;
        }
    }
    if len > 0 {
        lines.push(line);
    }
    lines
}

/// How a piece of text is set.
pub(crate) struct TextStyle {
    pub(crate) size: f64,
    pub(crate) fill: &'static str,
    pub(crate) bold: bool,
}

/// One `<text>` element (content escaped); `anchor` is `start`, `middle` or `end`.
pub(crate) fn text_el(out: &mut String, x: f64, y: f64, anchor: &str, style: &TextStyle, content: &str) {
    let weight = if style.bold { " font-weight=\"bold\"" } else { "" };
    // Writing to a String cannot fail.
    let _ = writeln!(out, "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"{}\"{weight}>{}</text>", num(x), num(y), num(style.size), style.fill, escape(content));
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// WCAG 2.x relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let hex = hex.trim_start_matches('#');
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }

    /// WCAG contrast ratio between two `#rrggbb` colours.
    pub(crate) fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// Parses the SVG (panicking with the source if it is not well-formed XML).
    pub(crate) fn parse(svg: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"))
    }

    /// The concatenated text of every `<text>` element.
    pub(crate) fn texts(doc: &roxmltree::Document) -> Vec<String> {
        doc.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.descendants().filter(|t| t.is_text()).filter_map(|t| t.text()).collect()).collect()
    }

    /// Checks the root is an accessible, sized SVG; returns (title, desc).
    pub(crate) fn check_root(doc: &roxmltree::Document) -> (String, String) {
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
        assert_eq!(root.attribute("role"), Some("img"));
        let vb: Vec<f64> = root.attribute("viewBox").unwrap().split_whitespace().map(|v| v.parse().unwrap()).collect();
        assert_eq!(vb.len(), 4);
        let w: f64 = root.attribute("width").unwrap().parse().unwrap();
        let h: f64 = root.attribute("height").unwrap().parse().unwrap();
        assert_eq!((w, h), (vb[2], vb[3]));
        let font = root.attribute("font-family").unwrap();
        assert!(font.trim_end().ends_with("sans-serif"), "{font}");
        let child_text = |name: &str| -> String {
            let node = root.children().find(|n| n.has_tag_name(name)).unwrap_or_else(|| panic!("no <{name}>"));
            node.text().unwrap_or_default().to_owned()
        };
        // <title> must be the first element child to name the image.
        assert!(root.first_element_child().unwrap().has_tag_name("title"));
        (child_text("title"), child_text("desc"))
    }

    #[test]
    fn palette_meets_wcag_aa() {
        for fg in [INK, MUTED, ACCENT] {
            assert!(contrast(fg, WHITE) >= 4.5, "{fg} on white");
        }
        assert!(contrast(WHITE, ACCENT) >= 4.5);
        // The formula itself: black on white is 21:1.
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    }

    #[test]
    fn escapes_markup_and_drops_invalid_chars() {
        assert_eq!(escape("A & B <c> \"d\" 'e'\u{1}\u{b}"), "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;");
    }

    #[test]
    fn wraps_words_and_splits_long_ones() {
        assert_eq!(wrap("Søren Ærø Åberg", 9), ["Søren Ærø", "Åberg"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("  a   b ", 10), ["a b"]);
        assert!(wrap("", 5).is_empty());
    }

    #[test]
    fn numbers() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-1.25), "-1.3");
    }
}
