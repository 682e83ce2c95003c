//! Makes PDF viewers show the document's title (its `/Title`, set from the
//! template's `set document(title: ..)`) in the title bar instead of the file
//! name: `/ViewerPreferences << /DisplayDocTitle true >>` in the catalog.
//!
//! `typst-pdf` (through krilla) writes that flag only for PDF/UA-1 output, and
//! PDF/UA-1 fails the export on any accessibility shortcoming in user data, so
//! the flag is added here instead, as a PDF *incremental update*: the bytes
//! typst wrote are kept as they are, and a new revision of the catalog object
//! (the same dictionary plus the flag), a cross-reference section for it and
//! a trailer pointing back to the original one (`/Prev`) are appended. Every
//! PDF reader must support incremental updates (ISO 32000-1, 7.5.6).
//!
//! Only the file layout `pdf-writer` produces is handled: one classic
//! cross-reference table, no `/Prev`, no encryption, a catalog that is a
//! plain (not compressed) object. Anything else is returned unchanged (the
//! viewer then shows the file name, nothing worse); the tests in
//! `tests/pdf_title.rs` check the flag is there in what we produce.

/// Returns `pdf` with `/DisplayDocTitle true` in its catalog's viewer
/// preferences, or unchanged when it has that already or its layout is not
/// the one expected (see the module docs).
pub(crate) fn display_doc_title(mut pdf: Vec<u8>) -> Vec<u8> {
    if let Some(update) = update(&pdf) {
        pdf.extend_from_slice(&update);
    }
    pdf
}

/// The bytes to append, or `None` if nothing needs to (or can safely) be done.
fn update(pdf: &[u8]) -> Option<Vec<u8>> {
    // The last `startxref` gives the offset of the cross-reference table.
    let startxref = rfind(pdf, b"startxref")?;
    let (xref_offset, _) = uint(pdf, skip_ws(pdf, startxref + b"startxref".len()))?;
    let xref_offset = usize::try_from(xref_offset).ok()?;
    if !pdf.get(xref_offset..)?.starts_with(b"xref") {
        return None; // A cross-reference stream (PDF 1.5+), not a table.
    }

    // The trailer dictionary between `trailer` and `startxref`.
    let trailer_kw = find(pdf.get(..startxref)?, b"trailer", xref_offset)?;
    let trailer = trim(pdf.get(trailer_kw + b"trailer".len()..startxref)?);
    if !(trailer.starts_with(b"<<") && trailer.ends_with(b">>")) || [&b"/Prev"[..], b"/Encrypt", b"/XRefStm"].iter().any(|key| find(trailer, key, 0).is_some()) {
        return None;
    }
    let root_key = find(trailer, b"/Root", 0)?;
    let (root_num, at) = uint(trailer, skip_ws(trailer, root_key + b"/Root".len()))?;
    let (root_gen, at) = uint(trailer, skip_ws(trailer, at))?;
    if trailer.get(skip_ws(trailer, at)) != Some(&b'R') {
        return None;
    }

    // The catalog object: `N G obj << .. >> endobj` at its offset in the table.
    let catalog_offset = xref_entry(pdf, xref_offset, trailer_kw, root_num, root_gen)?;
    let header = format!("{root_num} {root_gen} obj");
    let body_start = catalog_offset + header.len();
    if !pdf.get(catalog_offset..)?.starts_with(header.as_bytes()) {
        return None;
    }
    let body_end = find(pdf, b"endobj", body_start)?;
    let catalog = trim(pdf.get(body_start..body_end)?);
    if !(catalog.starts_with(b"<<") && catalog.ends_with(b">>")) || find(catalog, b"/Catalog", 0).is_none() {
        return None;
    }
    if find(catalog, b"/DisplayDocTitle", 0).is_some() {
        return None; // Already set (krilla does for PDF/UA-1).
    }

    let mut new_catalog = Vec::with_capacity(catalog.len() + 48);
    if let Some(prefs) = find(catalog, b"/ViewerPreferences", 0) {
        // Add the flag to an existing direct dictionary (e.g. /Direction).
        let open = skip_ws(catalog, prefs + b"/ViewerPreferences".len());
        if !catalog.get(open..)?.starts_with(b"<<") {
            return None; // An indirect reference: leave it alone.
        }
        new_catalog.extend_from_slice(catalog.get(..open + 2)?);
        new_catalog.extend_from_slice(b"/DisplayDocTitle true");
        new_catalog.extend_from_slice(catalog.get(open + 2..)?);
    } else {
        new_catalog.extend_from_slice(catalog.get(..catalog.len() - 2)?);
        new_catalog.extend_from_slice(b"/ViewerPreferences<</DisplayDocTitle true>>>>");
    }

    let mut out = Vec::with_capacity(new_catalog.len() + trailer.len() + 160);
    if !pdf.ends_with(b"\n") {
        out.push(b'\n');
    }
    let object_offset = pdf.len() + out.len();
    out.extend_from_slice(header.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&new_catalog);
    out.extend_from_slice(b"\nendobj\n");
    let new_xref_offset = pdf.len() + out.len();
    // Each entry is exactly 20 bytes, ending in a two-byte end of line.
    out.extend_from_slice(format!("xref\n{root_num} 1\n{object_offset:010} {root_gen:05} n\r\ntrailer\n").as_bytes());
    out.extend_from_slice(trailer.get(..trailer.len() - 2)?);
    out.extend_from_slice(format!("/Prev {xref_offset}>>\nstartxref\n{new_xref_offset}\n%%EOF\n").as_bytes());
    Some(out)
}

/// The offset of object `num` (generation `generation`, in use) in the
/// classic cross-reference table at `xref_offset`, which ends at `end`.
fn xref_entry(pdf: &[u8], xref_offset: usize, end: usize, num: u64, generation: u64) -> Option<usize> {
    let table = pdf.get(xref_offset + b"xref".len()..end)?;
    let mut at = skip_ws(table, 0);
    while at < table.len() {
        let (first, next) = uint(table, at)?;
        let (count, next) = uint(table, skip_ws(table, next))?;
        at = skip_ws(table, next);
        for i in 0..count {
            let (offset, next) = uint(table, at)?;
            let (entry_gen, next) = uint(table, skip_ws(table, next))?;
            let kind = *table.get(skip_ws(table, next))?;
            at = skip_ws(table, skip_ws(table, next) + 1);
            if first + i == num {
                if kind == b'n' && entry_gen == generation {
                    return usize::try_from(offset).ok();
                }
                return None;
            }
        }
    }
    None
}

/// Position of the first `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// Position of the last `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The first position at or after `at` that is not PDF white space.
fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')) {
        at += 1;
    }
    at
}

/// `bytes` without leading and trailing PDF white space.
fn trim(bytes: &[u8]) -> &[u8] {
    let start = skip_ws(bytes, 0);
    let mut end = bytes.len();
    while end > start && matches!(bytes[end - 1], b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0') {
        end -= 1;
    }
    &bytes[start..end]
}

/// An unsigned decimal integer at `at`, and the position after it.
fn uint(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let digits = bytes.get(at..)?.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 18 {
        return None;
    }
    let value = std::str::from_utf8(bytes.get(at..at + digits)?).ok()?.parse().ok()?;
    Some((value, at + digits))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A minimal one-page PDF laid out as pdf-writer does (offsets computed).
    fn tiny_pdf(catalog: &str) -> Vec<u8> {
        let objects =
            [catalog.to_owned(), "<</Type/Pages/Count 1/Kids[3 0 R]>>".to_owned(), "<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>".to_owned(), "<</Title(Familieplan version 2.1)>>".to_owned()];
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = pdf.len();
        pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes());
        for offset in offsets {
            pdf.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
        pdf.extend_from_slice(format!("trailer\n<</Size 5/Root 1 0 R/Info 4 0 R>>\nstartxref\n{xref}\n%%EOF").as_bytes());
        pdf
    }

    #[test]
    fn appends_a_catalog_revision_with_the_flag() {
        let pdf = tiny_pdf("<</Type/Catalog/Pages 2 0 R/Lang(da-DK)>>");
        let out = display_doc_title(pdf.clone());
        assert_eq!(&out[..pdf.len()], &pdf[..], "the original bytes are kept");
        let tail = String::from_utf8(out[pdf.len()..].to_vec()).unwrap();
        let object_offset = pdf.len() + 1; // after the added newline
        let xref_offset = out.len() - tail.len() + tail.find("xref\n").unwrap();
        let original_xref = String::from_utf8_lossy(&pdf).rsplit("startxref\n").next().unwrap().trim_end_matches("%%EOF").trim().to_owned();
        assert_eq!(
            tail,
            format!(
                "\n1 0 obj\n<</Type/Catalog/Pages 2 0 R/Lang(da-DK)/ViewerPreferences<</DisplayDocTitle true>>>>\nendobj\n\
                 xref\n1 1\n{object_offset:010} 00000 n\r\n\
                 trailer\n<</Size 5/Root 1 0 R/Info 4 0 R/Prev {original_xref}>>\n\
                 startxref\n{xref_offset}\n%%EOF\n"
            )
        );
        assert!(out[object_offset..].starts_with(b"1 0 obj\n"));
        assert!(out[xref_offset..].starts_with(b"xref\n1 1\n"));
        // Applying it again changes nothing (the file now has a /Prev chain,
        // which is left alone).
        assert_eq!(display_doc_title(out.clone()), out);
    }

    #[test]
    fn adds_to_existing_viewer_preferences() {
        let pdf = tiny_pdf("<</Type/Catalog/Pages 2 0 R/ViewerPreferences<</Direction/L2R>>>>");
        let out = display_doc_title(pdf.clone());
        let tail = String::from_utf8(out[pdf.len()..].to_vec()).unwrap();
        assert!(tail.contains("/ViewerPreferences<</DisplayDocTitle true/Direction/L2R>>>>"), "{tail}");
    }

    #[test]
    fn leaves_other_files_alone() {
        let has_flag = tiny_pdf("<</Type/Catalog/Pages 2 0 R/ViewerPreferences<</DisplayDocTitle true>>>>");
        assert_eq!(display_doc_title(has_flag.clone()), has_flag);
        let indirect = tiny_pdf("<</Type/Catalog/Pages 2 0 R/ViewerPreferences 9 0 R>>");
        assert_eq!(display_doc_title(indirect.clone()), indirect);
        for junk in [&b""[..], b"%PDF-1.7\nstartxref\n", b"startxref\n99999999\n%%EOF", b"not a pdf"] {
            assert_eq!(display_doc_title(junk.to_vec()), junk);
        }
        let mut broken = tiny_pdf("<</Type/Catalog/Pages 2 0 R>>");
        let at = rfind(&broken, b"xref\n0 5").unwrap();
        broken[at] = b'X';
        assert_eq!(display_doc_title(broken.clone()), broken);
    }
}
