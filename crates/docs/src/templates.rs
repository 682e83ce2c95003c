//! Templates shipped with the crate (embedded at compile time).

/// Consent form ("Samtykkeerklæring") for signature, A4.
///
/// Expects data shaped like [`CONSENT_EXAMPLE_DATA`]: `title`, `organisation`,
/// `course`, `giver {name, cpr}`, `children [{name, cpr, youth}]`,
/// `recipients [{name, org, checked}]`, `kinds [{label, checked}]`, `purpose`,
/// `valid_from`, `valid_to`, `law [{ref, text}]`, `revocation`, `youth_note`.
/// `children` and `youth_note` may be omitted. CPR numbers are printed as
/// given, so pass them masked (e.g. `150385-XXXX`).
///
/// Prints a signature block (Dato / Underskrift) for the giver and one for
/// every child with `"youth": true`.
pub const CONSENT: &str = include_str!("../templates/consent.typ");

/// Example data for [`CONSENT`], including the standard Danish paraphrases of
/// the legal basis (Retssikkerhedsloven § 11 a, Forvaltningsloven § 27,
/// databeskyttelsesforordningen art. 7, stk. 3, databeskyttelsesloven) and of
/// the right to withdraw consent, which callers may reuse.
pub const CONSENT_EXAMPLE_DATA: &str = include_str!("../templates/consent.example.json");

/// The legal texts every consent form carries (the law in force since 2018: GDPR art. 7(3) and
/// databeskyttelsesloven, not the replaced Persondataloven § 38), merged into its data.
pub const CONSENT_LAW: &str = include_str!("../templates/consent_law.json");
