//! Organisations, departments or staff from a CSV file, as an administrator keeps them in a
//! spreadsheet. Danish Excel's "CSV (semikolonsepareret)" writes `;` and Windows-1252; others
//! write UTF-8, with or without a BOM, and `,`. The whole file is read and checked first (every
//! line's errors, by line number, with the same checks as the forms), and nothing is saved
//! unless nothing is wrong. The first line names the columns, and says what the file holds.

use std::collections::BTreeSet;

use serde::Serialize;
use tovholder_core::commands::FieldError;
use tovholder_core::ids::OrgId;
use tovholder_store::{OrgCodes, User};

use crate::App;
use crate::admin::{self, AdminScope, NewDepartment, NewOrg, NewStaff};
use crate::error::AppError;

/// The largest file read, and the most lines in it.
pub const MAX_BYTES: usize = 1024 * 1024;
pub const MAX_ROWS: usize = 5000;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Organisations,
    Departments,
    Staff,
}

/// A column: its key, the headings it is known by (lower case), and its heading as shown.
struct Column {
    key: &'static str,
    names: &'static [&'static str],
    label: &'static str,
    required: bool,
}

const fn col(key: &'static str, names: &'static [&'static str], label: &'static str, required: bool) -> Column {
    Column { key, names, label, required }
}

const ORG_COLUMNS: &[Column] = &[
    col("name", &["navn", "organisation"], "Navn", true),
    col("kind", &["type", "slags"], "Type", true),
    col("cvr", &["cvr", "cvr-nummer", "cvr-nr"], "CVR", false),
    col("ean", &["ean", "ean-nummer", "ean-nr"], "EAN", false),
    col("sor", &["sor", "sor-kode"], "SOR", false),
    col("kommunekode", &["kommunekode", "kommunenummer"], "Kommunekode", false),
];

const DEPARTMENT_COLUMNS: &[Column] = &[
    col("organisation", &["organisation"], "Organisation", true),
    col("name", &["afdeling", "navn"], "Afdeling", true),
    col("kind", &["arbejder med", "type", "afdelingstype"], "Arbejder med", true),
];

const STAFF_COLUMNS: &[Column] = &[
    col("name", &["navn"], "Navn", true),
    col("login", &["brugernavn", "login"], "Brugernavn", true),
    col("email", &["e-mail", "email", "mail"], "E-mail", true),
    col("organisation", &["organisation"], "Organisation", true),
    col("department", &["afdeling"], "Afdeling", false),
    col("roles", &["roller", "rolle"], "Roller", false),
];

fn columns(kind: Kind) -> &'static [Column] {
    match kind {
        Kind::Organisations => ORG_COLUMNS,
        Kind::Departments => DEPARTMENT_COLUMNS,
        Kind::Staff => STAFF_COLUMNS,
    }
}

impl Kind {
    /// "12 brugere", as the buttons and messages say it.
    pub fn count_da(self, n: usize) -> String {
        let (one, many) = match self {
            Kind::Organisations => ("organisation", "organisationer"),
            Kind::Departments => ("afdeling", "afdelinger"),
            Kind::Staff => ("bruger", "brugere"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }

    /// The column headings, in order.
    pub fn headings(self) -> Vec<&'static str> {
        columns(self).iter().map(|c| c.label).collect()
    }

    /// A file to fill in: the headings and one example line, `;`-separated with a BOM, as
    /// Danish Excel opens it.
    pub fn template(self) -> String {
        let example: &[&str] = match self {
            Kind::Organisations => &["Nordby Kommune", "Kommune", "29189838", "", "", "101"],
            Kind::Departments => &["Nordby Kommune", "Familierådgivningen", "Familierådgivning"],
            Kind::Staff => &["Anna Berg", "anna.berg", "anna.berg@nordby.dk", "Nordby Kommune", "Familierådgivningen", "Tovholder, Administrator"],
        };
        format!("\u{feff}{}\r\n{}\r\n", self.headings().join(";"), example.join(";"))
    }

    pub fn from_slug(slug: &str) -> Option<Kind> {
        Some(match slug {
            "organisationer" => Kind::Organisations,
            "afdelinger" => Kind::Departments,
            "brugere" => Kind::Staff,
            _ => return None,
        })
    }
}

/// One line of the file as read: its number, and its cells in the columns' order.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Line {
    pub line: usize,
    pub cells: Vec<String>,
}

/// A wrong line (or the file itself, line 0): its number, the column if one, and what is wrong.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LineError {
    pub line: usize,
    pub column: Option<&'static str>,
    pub message: String,
}

impl LineError {
    /// "Linje 4, E-mail: Skriv en gyldig e-mailadresse."
    pub fn text_da(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.message.clone(),
            (n, Some(c)) => format!("Linje {n}, {c}: {}", self.message),
            (n, None) => format!("Linje {n}: {}", self.message),
        }
    }
}

/// A file read and checked: what it holds, its lines and everything wrong with them.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Preview {
    pub kind: Option<Kind>,
    pub headings: Vec<&'static str>,
    pub lines: Vec<Line>,
    pub errors: Vec<LineError>,
    /// The file as text (UTF-8), for the form that saves it after the preview.
    #[serde(skip)]
    pub text: String,
}

/// The file's bytes as text: UTF-8 (a BOM dropped), else Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// The separator the first line uses most of: `;`, `,` or a tab.
fn separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    [b';', b',', b'\t'].into_iter().max_by_key(|s| first.bytes().filter(|b| b == s).count()).unwrap_or(b';')
}

fn file_error(message: impl Into<String>) -> LineError {
    LineError { line: 0, column: None, message: message.into() }
}

/// What the headings say the file holds, and for each of its columns which cell holds it.
fn recognise(headings: &[String]) -> Result<(Kind, Vec<Option<usize>>), LineError> {
    let has = |n: &str| headings.iter().any(|h| h == n);
    let kind = if has("brugernavn") || has("login") {
        Kind::Staff
    } else if has("afdeling") && has("organisation") {
        Kind::Departments
    } else if has("navn") || has("organisation") {
        Kind::Organisations
    } else {
        return Err(file_error(
            "Første linje skal være overskrifterne. Hent en skabelon: brugere har «Navn;Brugernavn;E-mail;Organisation;Afdeling;Roller», afdelinger «Organisation;Afdeling;Arbejder med», organisationer «Navn;Type;CVR;EAN;SOR;Kommunekode».",
        ));
    };
    let mut at = Vec::new();
    for c in columns(kind) {
        let found = headings.iter().position(|h| c.names.contains(&h.as_str()));
        if c.required && found.is_none() {
            return Err(file_error(format!("Kolonnen «{}» mangler i første linje.", c.label)));
        }
        at.push(found);
    }
    Ok((kind, at))
}

/// Reads the file into lines (empty lines skipped, as Excel leaves them), without checking them.
fn read(text: &str) -> Result<(Kind, Vec<Line>), LineError> {
    let mut reader = csv::ReaderBuilder::new().delimiter(separator(text)).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let headings: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|h| h.trim().to_lowercase()).collect(),
        Some(Err(_)) => return Err(file_error("Første linje kunne ikke læses.")),
        None => return Err(file_error("Filen er tom.")),
    };
    let (kind, at) = recognise(&headings)?;
    let mut lines = Vec::new();
    for (i, record) in records.enumerate() {
        // Line numbers as a spreadsheet shows them: counted from the record's first byte (a
        // quoted cell may span lines, and csv passes over blank lines). A record's position
        // may lie before the line ends it skipped: step over them.
        let line_at = |byte: u64| {
            let bytes = text.as_bytes();
            let mut at = (byte as usize).min(bytes.len());
            while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                at += 1;
            }
            line_of(&bytes[..at])
        };
        let fallback = i + 2;
        let record =
            record.map_err(|e| LineError { line: e.position().map_or(fallback, |p| line_at(p.byte())), column: None, message: "Linjen kunne ikke læses (tjek anførselstegnene).".into() })?;
        let line = record.position().map_or(fallback, |p| line_at(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if lines.len() == MAX_ROWS {
            return Err(file_error(format!("Filen har mere end {MAX_ROWS} linjer. Del den op.")));
        }
        let cells = at.iter().map(|i| i.and_then(|i| record.get(i)).unwrap_or_default().trim().to_string()).collect();
        lines.push(Line { line, cells });
    }
    if lines.is_empty() {
        return Err(file_error("Filen har ingen linjer under overskrifterne."));
    }
    Ok((kind, lines))
}

/// The line `before` ends on, counting every line end a spreadsheet may write: CRLF (Windows),
/// LF, and a lone CR (Excel for Mac's "CSV (Macintosh)").
fn line_of(b: &[u8]) -> usize {
    1 + (0..b.len()).filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'))).count()
}

/// Finds a choice by its key or its label, case ignored.
fn choice(list: &[(&str, &str)], value: &str) -> Option<String> {
    list.iter().find(|(k, l)| k.eq_ignore_ascii_case(value) || l.to_lowercase() == value.to_lowercase()).map(|(k, _)| k.to_string())
}

/// What one line makes, once checked.
enum Item {
    Org(NewOrg),
    Department(OrgId, NewDepartment),
    Staff(NewStaff),
}

/// Reads and checks a file as `user` would import it: the preview, and what its lines make.
async fn check(app: &App, user: &User, bytes: &[u8]) -> Result<(Preview, Vec<Item>), AppError> {
    let scope = admin::scope(user).ok_or(AppError::NotFound)?;
    let text = decode(bytes);
    let mut preview = Preview { kind: None, headings: vec![], lines: vec![], errors: vec![], text: text.clone() };
    if bytes.len() > MAX_BYTES {
        preview.errors.push(file_error("Filen er for stor (højst 1 MB)."));
        return Ok((preview, vec![]));
    }
    let (kind, lines) = match read(&text) {
        Ok(x) => x,
        Err(e) => {
            preview.errors.push(e);
            return Ok((preview, vec![]));
        }
    };
    preview.kind = Some(kind);
    preview.headings = kind.headings();
    if kind == Kind::Organisations && scope != AdminScope::Instance {
        preview.errors.push(file_error("Kun instansens administrator kan oprette organisationer."));
    }
    // Organisations by name, among those the user administers.
    let orgs = admin::organisations(app, user).await?;
    let org_named = |name: &str| orgs.iter().find(|o| o.name.to_lowercase() == name.to_lowercase()).map(|o| o.id);
    let cols = columns(kind);
    let mut items = Vec::new();
    let mut seen = BTreeSet::new();
    for line in &lines {
        let cell = |key: &str| cols.iter().position(|c| c.key == key).map_or("", |i| line.cells[i].as_str());
        let mut errors: Vec<FieldError> = Vec::new();
        let mut wrong = |key: &str, message: String| errors.push(FieldError { field: key.into(), message });
        let item = match kind {
            Kind::Organisations => {
                let kind = choice(admin::ORG_KINDS, cell("kind")).unwrap_or_default();
                if kind.is_empty() && !cell("kind").is_empty() {
                    wrong("kind", format!("Ukendt type «{}». Brug en af: {}.", cell("kind"), labels(admin::ORG_KINDS)));
                }
                let code = |k: &str| Some(cell(k).to_string());
                let org = NewOrg { name: cell("name").into(), kind, codes: OrgCodes { cvr: code("cvr"), ean: code("ean"), sor: code("sor"), kommunekode: code("kommunekode") } };
                if !seen.insert(org.name.to_lowercase()) {
                    wrong("name", "Organisationen står flere gange i filen.".into());
                }
                Item::Org(org)
            }
            Kind::Departments => {
                let org = org_named(cell("organisation"));
                if org.is_none() {
                    wrong("organisation", unknown_org(cell("organisation")));
                }
                let kind = choice(admin::DEPARTMENT_KINDS, cell("kind")).unwrap_or_default();
                if kind.is_empty() && !cell("kind").is_empty() {
                    wrong("kind", format!("Ukendt type «{}». Brug en af: {}.", cell("kind"), labels(admin::DEPARTMENT_KINDS)));
                }
                if !seen.insert(format!("{}\n{}", cell("organisation"), cell("name")).to_lowercase()) {
                    wrong("name", "Afdelingen står flere gange i filen.".into());
                }
                Item::Department(org.unwrap_or(OrgId(-1)), NewDepartment { name: cell("name").into(), kind })
            }
            Kind::Staff => {
                let org = org_named(cell("organisation"));
                if org.is_none() {
                    wrong("organisation", unknown_org(cell("organisation")));
                }
                let known = admin::standing_roles(app);
                let mut roles = Vec::new();
                for r in cell("roles").split([',', '/', '+']).map(str::trim).filter(|r| !r.is_empty()) {
                    match known.iter().find(|(k, l)| k.eq_ignore_ascii_case(r) || l.to_lowercase() == r.to_lowercase()) {
                        Some((k, _)) => roles.push(k.clone()),
                        None => wrong("roles", format!("Ukendt rolle «{r}». Brug en af: {}.", known.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join(", "))),
                    }
                }
                if !seen.insert(cell("login").to_lowercase()) {
                    wrong("login", "Brugernavnet står flere gange i filen.".into());
                }
                let department = Some(cell("department").to_string()).filter(|d| !d.is_empty());
                Item::Staff(NewStaff {
                    login: cell("login").into(),
                    name: cell("name").into(),
                    email: cell("email").into(),
                    organisation: org.unwrap_or(OrgId(-1)),
                    department,
                    roles,
                    password: String::new(),
                    instance_admin: false,
                })
            }
        };
        // The same checks as the forms make, where the line names what they need.
        let checked = match &item {
            Item::Org(o) => admin::check_org(app, o).await.map(|_| ()),
            Item::Department(org, d) if org.0 >= 0 => admin::check_department(app, *org, d).await.map(|_| ()),
            Item::Staff(s) if s.organisation.0 >= 0 => admin::check_staff(app, s).await.map(|_| ()),
            _ => Ok(()),
        };
        match checked {
            Err(AppError::Invalid(more)) => {
                let fresh: Vec<FieldError> = more.into_iter().filter(|e| !errors.iter().any(|x| x.field == e.field)).collect();
                errors.extend(fresh);
            }
            other => other?,
        }
        for e in errors {
            let column = cols.iter().find(|c| c.key == e.field).map(|c| c.label);
            preview.errors.push(LineError { line: line.line, column, message: e.message });
        }
        items.push(item);
    }
    preview.lines = lines;
    Ok((preview, items))
}

fn unknown_org(name: &str) -> String {
    if name.is_empty() { "Skriv organisationens navn.".into() } else { format!("Organisationen «{name}» findes ikke, eller du administrerer den ikke. Opret den først.") }
}

fn labels(list: &[(&str, &str)]) -> String {
    list.iter().map(|(_, l)| *l).collect::<Vec<_>>().join(", ")
}

/// Reads and checks a file without saving anything.
pub async fn preview(app: &App, user: &User, bytes: &[u8]) -> Result<Preview, AppError> {
    Ok(check(app, user, bytes).await?.0)
}

/// Saves what a file holds if nothing in it is wrong (else the errors, as `line.column`
/// fields): how many were made. New staff each get a link by mail to choose their password
/// (unless their organisation signs on only).
pub async fn save(app: &App, user: &User, bytes: &[u8]) -> Result<(Kind, usize), AppError> {
    let (preview, items) = check(app, user, bytes).await?;
    if let (Some(kind), true) = (preview.kind, preview.errors.is_empty()) {
        for item in &items {
            match item {
                Item::Org(o) => {
                    admin::create_org(app, Some(user), o).await?;
                }
                Item::Department(org, d) => {
                    admin::add_department(app, user, *org, d).await?;
                }
                Item::Staff(s) => {
                    admin::create_user(app, Some(user), s).await?;
                }
            }
        }
        return Ok((kind, items.len()));
    }
    Err(AppError::Invalid(preview.errors.iter().map(|e| FieldError { field: format!("{}.{}", e.line, columns_key(preview.kind, e.column)), message: e.message.clone() }).collect()))
}

/// The key of a column by its label, for structured errors ("file" when none).
fn columns_key(kind: Option<Kind>, label: Option<&str>) -> &'static str {
    kind.and_then(|k| columns(k).iter().find(|c| Some(c.label) == label)).map_or("file", |c| c.key)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_and_utf8_with_or_without_bom_read_alike() {
        let utf8 = "Navn;Brugernavn\r\nSøren Ærø;søren\r\n";
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(utf8);
        let with_bom = [b"\xef\xbb\xbf".as_slice(), utf8.as_bytes()].concat();
        for bytes in [utf8.as_bytes(), &cp1252, &with_bom] {
            assert_eq!(decode(bytes), utf8);
        }
    }

    #[test]
    fn the_headings_say_what_the_file_holds_and_empty_lines_are_skipped() {
        let (kind, lines) = read("\u{feff}navn;brugernavn;e-mail;organisation\r\nAnna;anna;a@x.dk;Nordby\r\n;;;\r\nBo;bo;b@x.dk;Nordby\r\n".trim_start_matches('\u{feff}')).unwrap();
        assert_eq!(kind, Kind::Staff);
        assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 4], "line numbers as the spreadsheet shows them");
        assert_eq!(lines[1].cells[..4], ["Bo", "bo", "b@x.dk", "Nordby"]);
        let (kind, lines) = read("Organisation,Afdeling,Arbejder med\nNordby,PPR,PPR\n\n\"Nordby\",\"Skole\nNord\",Skole\nNordby,Sundhed,Sundhedspleje").unwrap();
        assert_eq!(kind, Kind::Departments, "a comma-separated file is read too");
        assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 4, 6], "a cell over two lines; no newline at the end");
        let (_, lines) = read("Navn;Type\rA;Kommune\rB;Skole\r").unwrap();
        assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 3], "Excel for Mac ends lines with CR alone");
        assert!(read("Fornavn;Efternavn\nA;B\n").unwrap_err().message.contains("overskrifterne"));
        assert!(read("Navn;Brugernavn;Organisation\nA;a;N\n").unwrap_err().message.contains("«E-mail» mangler"));
    }

    #[test]
    fn a_template_is_read_back_as_its_kind() {
        for kind in [Kind::Organisations, Kind::Departments, Kind::Staff] {
            let (read_kind, lines) = read(&decode(kind.template().as_bytes())).unwrap();
            assert_eq!((read_kind, lines.len()), (kind, 1));
        }
    }
}

/// The fuzz target of the import's reading, as a property test (`scripts/fuzz` runs it longer):
/// any bytes, and edits of a real file, are read into lines or refused with a message that
/// names a line of the file, never a panic.
#[cfg(test)]
mod fuzz {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::*;

    fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
        let text = decode(bytes);
        match read(&text) {
            Ok((kind, lines)) => {
                let last = line_of(text.as_bytes());
                for l in &lines {
                    prop_assert!(l.line >= 2 && l.line <= last, "line {} of {}", l.line, last);
                    prop_assert_eq!(l.cells.len(), columns(kind).len());
                }
            }
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn fuzz_import_reads_any_bytes(bytes in vec(any::<u8>(), 0..400)) {
            check(&bytes)?;
        }

        #[test]
        fn fuzz_import_reads_any_edit_of_a_template(which in 0..3usize, edits in vec((any::<usize>(), prop::sample::select(vec![b';', b',', b'"', b'\n', b'\r', b'\t', 0xe6, 0xff, b'a', 0xef, 0xbb, 0xbf]), any::<bool>()), 1..10)) {
            let kind = [Kind::Organisations, Kind::Departments, Kind::Staff][which];
            let mut bytes = kind.template().into_bytes();
            for (at, b, insert) in edits {
                let i = at % (bytes.len() + 1);
                if insert || i == bytes.len() { bytes.insert(i, b) } else { bytes[i] = b }
            }
            check(&bytes)?;
        }
    }
}
