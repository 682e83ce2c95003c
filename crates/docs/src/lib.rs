//! PDF documents for Tovholder, rendered from [Typst](https://typst.app) templates,
//! plus what goes with them: SVG drawings to embed ([`network_map`], [`plot`])
//! and meeting invitations as iCalendar files ([`ics`]).
//!
//! [`render_pdf`] compiles a Typst template in memory and exports it to PDF
//! with `typst` / `typst-pdf` used as libraries. Nothing is read from disk at
//! render time: the fonts come from `typst-assets` (embedded in the binary),
//! the template is the string you pass in, and the data is the JSON value you
//! pass in.
//!
//! # Why the data goes through `data.json`
//!
//! A template never gets user text spliced into its markup. Instead the data
//! is served to the compiler as a virtual file `data.json`, and the template
//! reads it with
//!
//! ```typst
//! #let d = json("data.json")
//! Navn: #d.giver.name
//! ```
//!
//! Values that come out of `json(..)` are Typst *strings* (or numbers, arrays,
//! dictionaries), and a string placed in markup is set as literal text. So a
//! name like `*Ole* #exit() [x]` or `\` prints exactly as typed: no escaping
//! function to forget, no way for user input to inject markup or code, and the
//! template source stays a constant that can be reviewed on its own.
//!
//! # Environment the templates see
//!
//! - Files: only `data.json` (the `data` argument, serialised) is readable;
//!   every other path, and every package import (`@preview/..`), fails with a
//!   compile error. The template itself is the only source file.
//! - Fonts: typst's default fonts from `typst-assets` (Libertinus Serif,
//!   New Computer Modern, New Computer Modern Math, DejaVu Sans Mono), all with
//!   æ, ø, å in regular and bold. They are parsed once per process.
//! - Date: `datetime.today()` is **not available** (the world returns `None`,
//!   so it is a compile error). Pass any date the document shows in the data,
//!   already formatted; that also keeps output reproducible.
//! - The PDF carries no creation timestamp; it is tagged (accessible) PDF.
//! - The PDF's title (`set document(title: ..)`) is what viewers show in
//!   their title bar (`/DisplayDocTitle`, added after export, see
//!   [`render_pdf`]), so it must not carry personal data: the shipped
//!   templates use the document's name and version only.
//!
//! # Calling it from async code
//!
//! [`render_pdf`] is synchronous and CPU-bound (tens to hundreds of
//! milliseconds per document). From a tokio runtime call it through
//! `tokio::task::spawn_blocking`.

mod svg;
mod viewer;
mod world;

pub mod ics;
pub mod network_map;
pub mod plot;
pub mod templates;
pub mod timeline;

use typst::diag::{Severity, SourceDiagnostic};
use typst_layout::PagedDocument;

use crate::world::DocWorld;

/// Why a document could not be rendered.
///
/// The message lists typst's diagnostics, one per line, as
/// `file:line:column: error: message` followed by any `hint: ..` lines.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// The template did not compile (syntax error, missing field in the data,
    /// unknown file, ...).
    #[error("typst compile error: {0}")]
    Compile(String),
    /// The compiled document could not be exported to PDF.
    #[error("typst PDF export error: {0}")]
    Export(String),
}

/// Renders a Typst template to PDF. The template reads its data with
/// `#let d = json("data.json")`; `data` is served as that file (so no escaping
/// of user text into markup is ever needed).
///
/// The PDF opens with its document title (`set document(title: ..)`) in the
/// viewer's title bar rather than the file name:
/// `/ViewerPreferences << /DisplayDocTitle true >>` is added to the catalog
/// as an incremental update appended to typst's output (typst-pdf writes the
/// flag only for PDF/UA-1 output).
///
/// Synchronous and CPU-bound: from async code, call it via
/// `tokio::task::spawn_blocking`. Safe to call from several threads at once.
pub fn render_pdf(template: &str, data: &serde_json::Value) -> Result<Vec<u8>, DocError> {
    let data = serde_json::to_vec(data).map_err(|err| DocError::Compile(format!("data.json: cannot serialise data: {err}")))?;
    let world = DocWorld::new(template, data).map_err(DocError::Compile)?;

    let result = typst::compile::<PagedDocument>(&world).output;
    let pdf = match result {
        Ok(document) => typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map(viewer::display_doc_title).map_err(|diags| DocError::Export(world.format_diagnostics(&diags))),
        Err(diags) => Err(DocError::Compile(world.format_diagnostics(&diags))),
    };

    // Typst memoizes in a process-wide cache. Drop entries that have not been
    // used during the last few renders so a long-running server doesn't grow
    // without bound (fonts and the standard library stay warm).
    typst::comemo::evict(10);

    pdf
}

impl DocWorld {
    /// Formats diagnostics as `file:line:col: severity: message` lines.
    fn format_diagnostics(&self, diags: &[SourceDiagnostic]) -> String {
        let mut out = Vec::new();
        for diag in diags {
            let severity = match diag.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let location = self.locate(diag.span).map(|loc| format!("{loc}: ")).unwrap_or_default();
            out.push(format!("{location}{severity}: {}", diag.message));
            for hint in &diag.hints {
                out.push(format!("  hint: {}", hint.v));
            }
        }
        if out.is_empty() {
            out.push("unknown error (typst reported no diagnostics)".to_owned());
        }
        out.join("\n")
    }
}
