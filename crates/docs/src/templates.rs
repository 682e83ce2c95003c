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
/// every child with `"youth": true`. The PDF's title (shown in the viewer's
/// title bar) is `title` ("Samtykkeerklæring"), so it must not name anyone.
pub const CONSENT: &str = include_str!("../templates/consent.typ");

/// Example data for [`CONSENT`], including the standard Danish paraphrases of
/// the legal basis (Retssikkerhedsloven § 11 a, Forvaltningsloven § 27,
/// databeskyttelsesforordningen art. 7, stk. 3, databeskyttelsesloven) and of
/// the right to withdraw consent, which callers may reuse.
pub const CONSENT_EXAMPLE_DATA: &str = include_str!("../templates/consent.example.json");

/// The legal texts every consent form carries (the law in force since 2018: GDPR art. 7(3) and
/// databeskyttelsesloven, not the replaced Persondataloven § 38), merged into its data.
pub const CONSENT_LAW: &str = include_str!("../templates/consent_law.json");

/// A letter of insight (GDPR art. 15): who in an organisation has seen a person's courses, for a
/// caseworker to review before it is sent. Expects `title`, `organisation`, `date`, `intro`,
/// `with_staff` (bool), `rows [{date, course, what, how, staff}]`, `withheld` (a sentence, or
/// empty) and `closing`; the title must
/// not name anyone.
pub const INSIGHT: &str = include_str!("../templates/insight.typ");

/// A whole course for journalisation or the archive: `title`, `organisation`, `date`, `intro`,
/// `entries [{seq, date, by, text}]` and `documents [{title, kind, text}]`.
pub const COURSE_EXPORT: &str = include_str!("../templates/course_export.typ");

/// The family's holistic plan ("Familieplan"), A4 portrait.
///
/// Expects data shaped like [`FAMILY_PLAN_EXAMPLE_DATA`]; all values are
/// strings unless noted, and every list may be empty or omitted (its section
/// then prints "Intet registreret."):
///
/// - `title` ("Familieplan"), `organisation`, `family` ("Familien Hansen"),
///   `version` ("2.1"), `period` ("1. dec. 2026 – 28. feb. 2027"), `updated`
///   (a formatted date); optional `meeting` ("Netværksmøde 23. nov. 2026 kl.
///   9.00") and `next_meeting`.
/// - `agreements [{content, responsible, deadline}]`: 1. Aftaler fra
///   netværksmødet.
/// - `network {municipal, school, external, personal}`, each
///   `[{name, role, contact}]`: 2. Netværk, one sub-table each (Kommunalt
///   netværk, Skolen, Eksternt netværk, Personligt netværk).
/// - `network_svg`: the drawing from [`crate::network_map::network_map_svg`],
///   and `network_alt`, its text alternative from
///   [`crate::network_map::network_map_description`]: 3. Netværkskort.
///   Full width, shrunk to at most 21 cm high.
/// - `interventions [{name, born, plan, offer, hours, follow_up, start, end}]`:
///   4. Overblik over aktuelle indsatser. `born` is a birth date, never a CPR
///   number; `hours` (per week) may be a number and prints with a decimal comma.
/// - `status [{name, situation}]`: 5. Aktuel status.
/// - `goals [{goal, when, who, sub: [{goal, when, who}]}]`: 6. Familiens egne
///   mål, sub-goals indented under their goal.
/// - `person_plans [{name, items: [{intervention, purpose, goal, responsible,
///   tasks}]}]`: 7. Planer for hver person, a block per item with the rows
///   Indsats / Formål / Mål / Ansvarlig, støtte fra / Hvem gør hvad. Line
///   breaks in `tasks` are kept.
///
/// Footer: `organisation · Familieplan version X`, `Side n af m`.
///
/// The PDF's title (shown in the viewer's title bar) is `title version X`,
/// e.g. "Familieplan version 2.1", never the family's name. Tables repeat
/// their header row on every page they span, never split a row (unless it
/// alone is too tall for a page), and a table of at most 12 rows that fits
/// on a page is kept whole, so no page holds only a table's last row or two.
pub const FAMILY_PLAN: &str = include_str!("../templates/familieplan.typ");

/// Example data for [`FAMILY_PLAN`] (a fictitious family, names with æ, ø, å).
pub const FAMILY_PLAN_EXAMPLE_DATA: &str = include_str!("../templates/familieplan.example.json");
