//! Passwords: argon2id hashes (the web layer's login checks them; the demo and the binary's
//! user set-up make them), and what a new password must be.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::AppError;

/// A new password's least length.
pub const MIN_LENGTH: usize = 12;
/// No password is longer; a longer one is not hashed (argon2 takes its time).
pub const MAX_LENGTH: usize = 256;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| AppError::Internal(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// Compares secrets in time that does not depend on where they differ.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Hashes off the async threads: argon2 takes a good part of a second on purpose.
pub async fn hash_in_background(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|e| AppError::Internal(e.to_string()))?
}

/// Why `password` will not do as a new password, in Danish; None if it will. `personal` are
/// the login's own words (login name, name, e-mail), which a guesser tries first.
///
/// Beyond the length, the password is scored by zxcvbn (the `zxcvbn` crate, MIT licence): its
/// lists of common and breached passwords, words and names, and its patterns (keyboard rows,
/// repeats, sequences, dates). A password on the common list, or one guessed in fewer than
/// 10^8 tries (score below 3), is refused.
pub fn weakness(password: &str, personal: &[&str]) -> Option<&'static str> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some("Adgangskoden skal være på mindst 12 tegn.");
    }
    if password.len() > MAX_LENGTH {
        return Some("Adgangskoden må højst være på 256 tegn.");
    }
    let words: Vec<&str> = personal.iter().flat_map(|p| p.split(|c: char| !c.is_alphanumeric())).filter(|w| w.chars().count() >= 3).collect();
    let entropy = zxcvbn::zxcvbn(password, &words);
    let common = entropy.sequence().iter().any(|m| m.token.chars().count() + 2 >= length && dictionary(m) == Some("Passwords"));
    let own = entropy.sequence().iter().any(|m| dictionary(m) == Some("UserInputs"));
    if common {
        Some("Adgangskoden er en af de mest brugte og gættes hurtigt. Vælg en anden, fx fire ord, der ikke hører sammen.")
    } else if own && (entropy.score() as u8) < 4 {
        Some("Adgangskoden må ikke bygge på dit navn, brugernavn eller din e-mail.")
    } else if (entropy.score() as u8) < 3 {
        Some("Adgangskoden er for let at gætte (fx et mønster på tastaturet, en gentagelse eller en dato). Vælg en længere, fx fire ord, der ikke hører sammen.")
    } else {
        None
    }
}

/// The list a match was found on. zxcvbn does not export the list's type, only its name.
fn dictionary(m: &zxcvbn::Match) -> Option<&'static str> {
    let zxcvbn::matching::patterns::MatchPattern::Dictionary(d) = &m.pattern else { return None };
    ["Passwords", "UserInputs"].into_iter().find(|name| format!("{:?}", d.dictionary_name) == *name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn common_short_patterned_and_personal_passwords_are_refused() {
        assert!(weakness("kort", &[]).unwrap().contains("12 tegn"));
        assert!(weakness("password1234", &[]).is_some(), "on the common list");
        assert!(weakness("qwertyuiopasdf", &[]).is_some(), "a keyboard row");
        assert!(weakness("aaaaaaaaaaaaaa", &[]).is_some(), "a repeat");
        assert!(weakness("123456789012", &[]).is_some(), "a sequence");
        assert!(weakness("hjordisjensen1", &["hjordis", "Hjørdis Jensen"]).is_some(), "the login's own name");
        assert_eq!(weakness("Rugbrød-Cykel-Tårn-Kaffe", &["bo"]), None);
        assert_eq!(weakness("spansk grøn lampe hviler", &[]), None);
    }
}
