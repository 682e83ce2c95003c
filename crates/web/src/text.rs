//! The user-facing strings that are not in templates or model files, in one place so another
//! language can follow.

pub const NOT_FOUND: &str = "Siden findes ikke, eller du har ikke adgang til den.";
pub const LOGIN_REQUIRED: &str = "Du skal logge ind.";
pub const CSRF_FAILED: &str = "Formularen er udløbet. Gå tilbage, genindlæs siden og prøv igen.";
pub const INVALID_INPUT: &str = "Der er fejl i det indtastede.";
pub const CONFLICT: &str = "Forløbet er blevet ændret af en anden, mens du arbejdede. Genindlæs siden og prøv igen; intet af det gemte er gået tabt.";
pub const THROTTLED: &str = "For mange forkerte login-forsøg. Vent et kvarter, og prøv igen.";
pub const INTERNAL: &str = "Der skete en fejl hos os. Prøv igen om lidt. Oplys fejl-id'et, hvis du kontakter support.";
pub const BAD_LOGIN: &str = "Forkert brugernavn eller adgangskode.";
pub const LOGGED_OUT: &str = "Du er logget ud.";
pub const MAIL_FOOTER: &str = "Denne e-mail er sendt automatisk af Tovholder og indeholder ingen personoplysninger. Svar ikke på den.";
pub const NEW_DOCUMENT_SUBJECT: &str = "Nyt dokument i Tovholder";
pub const NEW_DOCUMENT_BODY: &str = "Du har fået et dokument i et forløb i Tovholder.";

/// A refused save: who changed the same thing meanwhile, and when.
pub fn conflict_by(who: &str, when: &str) -> String {
    format!("Ikke gemt: {who} ændrede det samme {when}, mens du arbejdede. Se det nye nedenfor, og ret igen, hvis det stadig er nødvendigt. Intet af det gemte er gået tabt.")
}
