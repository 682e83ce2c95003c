//! An uploaded file: the types accepted, their size, and that a file is what its name says.
//! Documents and message attachments go through here, so both are checked the same way. The
//! original file name is never kept (it often carries a name or a CPR number).

use axum::extract::Multipart;
use tovholder_core::commands::FieldError;

use crate::http::error::AppError;

/// The file types accepted for upload: extension, content type.
pub const ALLOWED: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("txt", "text/plain; charset=utf-8"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
];

pub const MAX_FILE: usize = 10 * 1024 * 1024;

/// Whether a file's first bytes are those of the type its name claims: a program renamed
/// `brev.pdf` is refused, not stored and sent on.
pub fn is_really(ext: &str, bytes: &[u8]) -> bool {
    let zip = bytes.starts_with(b"PK\x03\x04");
    match ext {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        // An OpenDocument file names its type first, uncompressed, at a fixed place.
        "odt" => zip && bytes.get(30..).is_some_and(|b| b.starts_with(b"mimetypeapplication/vnd.oasis.opendocument.text")),
        "docx" => zip && bytes.windows(5).any(|w| w == b"word/"),
        "txt" => std::str::from_utf8(bytes).is_ok_and(|t| !t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))),
        _ => false,
    }
}

/// A file that passed the checks.
pub struct Upload {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// The extension a stored file of `content_type` is served with.
pub fn extension(content_type: &str) -> &'static str {
    ALLOWED.iter().find(|(_, ct)| *ct == content_type).map_or("bin", |(e, _)| e)
}

/// A multipart form: its text fields, the file in field `file` if one was chosen and passed the
/// checks, and the refusals (in Danish, on field `file`).
pub async fn read(mp: &mut Multipart) -> Result<(Vec<(String, String)>, Option<Upload>, Vec<FieldError>), AppError> {
    let mut form: Vec<(String, String)> = Vec::new();
    let mut file = None;
    let mut errors = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::Malformed(e.body_text()))? {
        let name = field.name().unwrap_or_default().to_string();
        if name != "file" {
            form.push((name, field.text().await.map_err(|e| AppError::Malformed(e.body_text()))?));
            continue;
        }
        let filename = field.file_name().map(str::to_string).filter(|f| !f.is_empty());
        let bytes = field.bytes().await.map_err(|e| AppError::Malformed(e.body_text()))?;
        let Some(filename) = filename else { continue };
        if bytes.is_empty() {
            continue;
        }
        let ext = filename.rsplit('.').next().unwrap_or_default().to_lowercase();
        match ALLOWED.iter().find(|(e, _)| *e == ext) {
            _ if bytes.len() > MAX_FILE => errors.push(FieldError { field: "file".into(), message: "Filen er for stor (højst 10 MB).".into() }),
            Some(_) if !is_really(&ext, &bytes) => {
                errors.push(FieldError { field: "file".into(), message: format!("Filen er ikke en {ext}-fil, selv om den hedder sådan. Vælg den rigtige fil, eller gem den som pdf.") })
            }
            Some((_, ct)) => file = Some(Upload { bytes: bytes.to_vec(), content_type: ct.to_string() }),
            None => errors.push(FieldError { field: "file".into(), message: "Filtypen kan ikke bruges. Brug pdf, docx, odt, txt, png eller jpg.".into() }),
        }
    }
    Ok((form, file, errors))
}

#[cfg(test)]
mod tests {
    use super::is_really;

    #[test]
    fn a_file_is_what_its_first_bytes_say() {
        assert!(is_really("pdf", b"%PDF-1.7\n..."));
        assert!(!is_really("pdf", b"MZ\x90\x00 a Windows program"));
        assert!(!is_really("pdf", b"\x7fELF a Linux program"));
        assert!(is_really("png", b"\x89PNG\r\n\x1a\n...."));
        assert!(is_really("jpg", &[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!is_really("jpg", b"%PDF-1.7"));
        assert!(is_really("txt", "Mødet gik godt.\r\nVi ses.".as_bytes()));
        assert!(!is_really("txt", b"MZ\x90\x00\x03"));
        let mut odt = b"PK\x03\x04".to_vec();
        odt.resize(30, 0);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert!(is_really("odt", &odt));
        assert!(!is_really("docx", &odt));
        assert!(is_really("docx", b"PK\x03\x04....[Content_Types].xml....word/document.xml"));
    }
}
