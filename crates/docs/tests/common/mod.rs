//! The one way the docs tests read a PDF: poppler's command-line tools (Debian package
//! poppler-utils), on a temporary copy of the bytes.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output};

/// Runs poppler's `tool` with `args` and the PDF's path (then `-` for `pdftotext`'s output).
pub fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> Output {
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    file.write_all(pdf).unwrap();
    file.flush().unwrap();
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(file.path());
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    cmd.output().unwrap_or_else(|_| panic!("{tool} must be installed (apt-get install -y poppler-utils)"))
}

/// The PDF's text (`pdftotext -enc UTF-8` with `args` added, e.g. `-layout`, `-f 2 -l 2`).
pub fn pdftotext(pdf: &[u8], args: &[&str]) -> String {
    let mut all = vec!["-enc", "UTF-8"];
    all.extend_from_slice(args);
    let out = poppler("pdftotext", &all, pdf);
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("pdftotext emits UTF-8")
}
