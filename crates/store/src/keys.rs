//! The server's secret keys, kept in a file outside the database.
//!
//! One 32-byte master secret; the keys for CPR encryption, the CPR blind index and the journal's
//! hash chain are derived from it with HMAC, so an operator backs up one small file.

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use tovholder_core::cpr::Cpr;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("key file {path} must hold 64 hexadecimal characters (a 32-byte secret)")]
    Format { path: String },
    #[error("no randomness available: {0}")]
    Random(String),
    #[error("a stored secret (a CPR number, a second factor or text kept encrypted) could not be decrypted (wrong key file?)")]
    Decrypt,
}

/// The derived keys. `Debug` never shows them.
#[derive(Clone)]
pub struct Keys {
    cpr: [u8; 32],
    index: [u8; 32],
    journal: [u8; 32],
    access: [u8; 32],
    documents: [u8; 32],
    text: [u8; 32],
    factor: [u8; 32],
    login_state: [u8; 32],
    device: [u8; 32],
    recovery: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(<secret>)")
    }
}

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    // An HMAC key of any length is valid, so new_from_slice cannot fail here.
    if let Ok(mut mac) = HmacSha256::new_from_slice(master) {
        mac.update(label.as_bytes());
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(b)
}

impl Keys {
    pub fn from_master(master: &[u8; 32]) -> Keys {
        Keys {
            cpr: derive(master, "tovholder cpr encryption v1"),
            index: derive(master, "tovholder cpr blind index v1"),
            journal: derive(master, "tovholder journal chain v1"),
            access: derive(master, "tovholder access log chain v1"),
            documents: derive(master, "tovholder documents v1"),
            text: derive(master, "tovholder text at rest v1"),
            factor: derive(master, "tovholder second factor v1"),
            login_state: derive(master, "tovholder login state v1"),
            device: derive(master, "tovholder device v1"),
            recovery: derive(master, "tovholder recovery codes v1"),
        }
    }

    pub fn load(path: &Path) -> Result<Keys, KeyError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io { path: p.clone(), source })?;
        let bytes = hex::decode(text.trim()).map_err(|_| KeyError::Format { path: p.clone() })?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Format { path: p })?;
        Ok(Keys::from_master(&master))
    }

    /// Loads the key file, or makes a new one (mode 0600) if there is none. For `demo` only:
    /// `serve` refuses to start without a configured key file.
    pub fn load_or_create(path: &Path) -> Result<Keys, KeyError> {
        if path.exists() {
            return Keys::load(path);
        }
        let p = path.display().to_string();
        let master: [u8; 32] = random_bytes()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| KeyError::Io { path: p.clone(), source })?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(path).map_err(|source| KeyError::Io { path: p.clone(), source })?;
        writeln!(f, "{}", hex::encode(master)).map_err(|source| KeyError::Io { path: p, source })?;
        Ok(Keys::from_master(&master))
    }

    /// Encrypts a CPR number (AES-256-GCM, random nonce stored in front of the ciphertext).
    pub fn seal_cpr(&self, cpr: &Cpr) -> Result<SealedCpr, KeyError> {
        Ok(SealedCpr { ciphertext: seal(&self.cpr, cpr.expose().as_bytes())?, blind_index: self.cpr_index(cpr) })
    }

    pub fn open_cpr(&self, sealed: &SealedCpr) -> Result<Cpr, KeyError> {
        let text = String::from_utf8(open(&self.cpr, &sealed.ciphertext)?).map_err(|_| KeyError::Decrypt)?;
        Cpr::parse(&text).map_err(|_| KeyError::Decrypt)
    }

    /// Encrypts a second factor's shared secret (a TOTP key), hex-encoded for storing: a copy of
    /// the database alone cannot make codes.
    pub fn seal_factor(&self, secret: &[u8]) -> Result<String, KeyError> {
        Ok(hex::encode(seal(&self.factor, secret)?))
    }

    pub fn open_factor(&self, sealed: &str) -> Result<Vec<u8>, KeyError> {
        open(&self.factor, &hex::decode(sealed).map_err(|_| KeyError::Decrypt)?)
    }

    /// Encrypts what a browser carries between leaving for an identity provider and coming back
    /// (state, nonce, PKCE verifier): it can neither read nor change it, and every server
    /// process with the key file can read it back.
    pub fn seal_login_state(&self, state: &[u8]) -> Result<String, KeyError> {
        Ok(hex::encode(seal(&self.login_state, state)?))
    }

    pub fn open_login_state(&self, sealed: &str) -> Result<Vec<u8>, KeyError> {
        open(&self.login_state, &hex::decode(sealed).map_err(|_| KeyError::Decrypt)?)
    }

    /// Encrypts a document's content for its row (the course and the content's SHA-256 are the
    /// associated data): moved to another row, it no longer opens.
    pub fn seal_document(&self, course: i64, sha256: &str, content: &[u8]) -> Result<Vec<u8>, KeyError> {
        seal_for(&self.documents, content, document_row(course, sha256).as_bytes())
    }

    pub fn open_document(&self, course: i64, sha256: &str, sealed: &[u8]) -> Result<Vec<u8>, KeyError> {
        open_for(&self.documents, sealed, document_row(course, sha256).as_bytes())
    }

    /// Encrypts text kept in a row of the database (a journal entry's event, a course's state,
    /// a task's label: minutes, agreements, notes and every other free text are in them),
    /// bound to the row so that it cannot be moved to another.
    pub fn seal_text(&self, row: TextRow, plain: &str) -> Result<String, KeyError> {
        use base64::Engine as _;
        let sealed = seal_for(&self.text, plain.as_bytes(), row.to_string().as_bytes())?;
        Ok(format!("{SEALED_TEXT}{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(sealed)))
    }

    /// Text as stored, opened: sealed text is decrypted; text stored before encryption at rest
    /// (not yet sealed when the store opened) is as it is.
    pub fn open_text<'a>(&self, row: TextRow, stored: &'a str) -> Result<std::borrow::Cow<'a, str>, KeyError> {
        use base64::Engine as _;
        let Some(sealed) = stored.strip_prefix(SEALED_TEXT) else { return Ok(stored.into()) };
        let sealed = base64::engine::general_purpose::STANDARD_NO_PAD.decode(sealed).map_err(|_| KeyError::Decrypt)?;
        let plain = open_for(&self.text, &sealed, row.to_string().as_bytes())?;
        Ok(String::from_utf8(plain).map_err(|_| KeyError::Decrypt)?.into())
    }

    /// The blind index: finds a person by CPR number without storing it in clear.
    pub fn cpr_index(&self, cpr: &Cpr) -> String {
        self.mac(&self.index, &[cpr.expose().as_bytes()])
    }

    /// The journal chain: a keyed hash over the previous entry's hash and this entry's stored bytes.
    pub fn chain(&self, prev: &str, entry: &[u8]) -> String {
        self.mac(&self.journal, &[prev.as_bytes(), b"\n", entry])
    }

    /// The access log's chain: a keyed hash over the previous batch's hash and this batch's rows.
    pub fn access_chain(&self, prev: &str, rows: &[u8]) -> String {
        self.mac(&self.access, &[prev.as_bytes(), b"\n", rows])
    }

    /// A recovery code as stored: keyed, so a copy of the database alone cannot try codes.
    pub fn recovery_code_hash(&self, code: &str) -> String {
        self.mac(&self.recovery, &[code.as_bytes()])
    }

    /// Signs a browser's device id for a login name: only this server makes such a cookie.
    pub fn device_mac(&self, device: &str, login: &str) -> String {
        self.mac(&self.device, &[device.as_bytes(), b"\n", login.as_bytes()])
    }

    fn mac(&self, key: &[u8; 32], parts: &[&[u8]]) -> String {
        let Ok(mut mac) = HmacSha256::new_from_slice(key) else { return String::new() };
        for p in parts {
            mac.update(p);
        }
        hex::encode(mac.finalize().into_bytes())
    }
}

/// AES-256-GCM with a random nonce stored in front of the ciphertext.
fn seal(key: &[u8; 32], plain: &[u8]) -> Result<Vec<u8>, KeyError> {
    seal_for(key, plain, b"")
}

fn open(key: &[u8; 32], sealed: &[u8]) -> Result<Vec<u8>, KeyError> {
    open_for(key, sealed, b"")
}

/// The same, bound to `aad` (where the ciphertext belongs): opened only with the same.
fn seal_for(key: &[u8; 32], plain: &[u8], aad: &[u8]) -> Result<Vec<u8>, KeyError> {
    let cipher = Aes256Gcm::new(key.into());
    let nonce_bytes: [u8; 12] = random_bytes()?;
    let ct = cipher.encrypt(&Nonce::from(nonce_bytes), Payload { msg: plain, aad }).map_err(|_| KeyError::Decrypt)?;
    let mut sealed = nonce_bytes.to_vec();
    sealed.extend(ct);
    Ok(sealed)
}

fn open_for(key: &[u8; 32], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, KeyError> {
    let (nonce, ct) = sealed.split_at_checked(12).ok_or(KeyError::Decrypt)?;
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| KeyError::Decrypt)?;
    Aes256Gcm::new(key.into()).decrypt(&Nonce::from(nonce), Payload { msg: ct, aad }).map_err(|_| KeyError::Decrypt)
}

/// What sealed text starts with (JSON and a task's label as written never do).
pub const SEALED_TEXT: &str = "sealed1:";

/// The row sealed text belongs to, as its ciphertext's associated data.
#[derive(Clone, Copy, Debug)]
pub enum TextRow<'a> {
    /// A journal entry's event: the course and the entry's number.
    Entry(i64, i64),
    /// A course's state: the course and the version it is the state of (an older one put back
    /// does not open).
    State(i64, i64),
    /// A task's label: the course and the task's key.
    Task(i64, &'a str),
    /// An activity across courses (its id, and the version it is the body of).
    Activity(i64, i64),
}

impl TextRow<'_> {
    /// The row as a report names it, within its course.
    pub fn describe(&self) -> String {
        match self {
            TextRow::Entry(_, seq) => format!("entry {seq}"),
            TextRow::State(..) => "the stored state".into(),
            TextRow::Task(_, task) => format!("the label of task {task}"),
            TextRow::Activity(id, _) => format!("activity {id}"),
        }
    }
}

/// As associated data: the kind of row, its course and its key.
impl std::fmt::Display for TextRow<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextRow::Entry(course, seq) => write!(f, "journal {course} {seq}"),
            TextRow::State(course, version) => write!(f, "state {course} {version}"),
            TextRow::Task(course, task) => write!(f, "task {course} {task}"),
            TextRow::Activity(id, version) => write!(f, "activity {id} {version}"),
        }
    }
}

/// A document's row, as its ciphertext's associated data.
fn document_row(course: i64, sha256: &str) -> String {
    format!("document {course} {sha256}")
}

/// An encrypted CPR number and its blind index, as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedCpr {
    pub ciphertext: Vec<u8>,
    pub blind_index: String,
}

impl std::fmt::Debug for SealedCpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealedCpr(<encrypted>)")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn cpr_round_trips_and_is_not_stored_in_clear() {
        let keys = Keys::from_master(&[7u8; 32]);
        let cpr = Cpr::parse("010115-4321").unwrap();
        let sealed = keys.seal_cpr(&cpr).unwrap();
        assert!(!sealed.ciphertext.windows(6).any(|w| w == b"010115"));
        assert_eq!(keys.open_cpr(&sealed).unwrap(), cpr);
        assert_eq!(sealed.blind_index, keys.cpr_index(&Cpr::parse("0101154321").unwrap()));
        let other = Keys::from_master(&[8u8; 32]);
        assert!(other.open_cpr(&sealed).is_err());
        assert!(!format!("{sealed:?}{keys:?}").contains("4321"));
    }

    #[test]
    fn key_file_is_created_private_and_reloaded() {
        let dir = std::env::temp_dir().join(format!("tovholder-keys-{}", std::process::id()));
        let path = dir.join("tovholder.key");
        let _ = std::fs::remove_dir_all(&dir);
        let a = Keys::load_or_create(&path).unwrap();
        let b = Keys::load(&path).unwrap();
        assert_eq!(a.chain("", b"x"), b.chain("", b"x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "nope").unwrap();
        assert!(matches!(Keys::load(&path), Err(KeyError::Format { .. })));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
