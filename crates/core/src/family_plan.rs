//! The holistic family plan and what it is made of: the family's network (in four quadrants),
//! agreements with who is responsible and by when, the family's own goals with indicators
//! measured over time, the interventions per person, each person's status, and the plan's
//! versions (1.0, 2.0, 2.1 …), each kept as a PDF document.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::PersonId;
use crate::meetings::Who;
use crate::span::Span;
use crate::stamp::{Recorded, Stamp};

/// How a model issues its family plan (`[plan]`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDef {
    pub label: String,
    /// The document kind plan versions are stored as.
    pub document: String,
    /// Roles that write the plan and own the deadline to send it.
    pub issued_by: Vec<String>,
    /// Agreements a family member or someone outside the course is responsible for appear on
    /// these roles' task lists (the family has no login).
    pub follow_up_by: Vec<String>,
    /// How long a plan period runs from its issue date, unless the next meeting ends it.
    pub period: Span,
}

/// Something measured over time for a goal, e.g. school absence in percent.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    pub label: String,
    #[serde(default)]
    pub unit: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// The four quadrants of the seed's network map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    Familie,
    Venner,
    Arbejde,
    Professionelle,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [Quadrant::Familie, Quadrant::Venner, Quadrant::Arbejde, Quadrant::Professionelle];

    pub fn label_da(self) -> &'static str {
        match self {
            Quadrant::Familie => "Familie",
            Quadrant::Venner => "Venner, bekendte, naboer m.m.",
            Quadrant::Arbejde => "Arbejde, skole, uddannelse",
            Quadrant::Professionelle => "Professionelle",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Quadrant::Familie => "familie",
            Quadrant::Venner => "venner",
            Quadrant::Arbejde => "arbejde",
            Quadrant::Professionelle => "professionelle",
        }
    }

    pub fn parse(s: &str) -> Option<Quadrant> {
        Quadrant::ALL.into_iter().find(|q| q.as_str() == s)
    }
}

/// Someone in the family's network. `person` links a staff user (who then sees the course by
/// consent); others are named here only, with the contact details the family agreed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkEntry {
    pub entry: u32,
    pub quadrant: Quadrant,
    pub name: String,
    /// Relation or function and department ("Mormor", "Sundhedsplejerske, Sundhedsplejen").
    pub relation: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementForm {
    pub agreement: u32,
    /// The meeting it was made at, if any; it is followed up at the next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<u32>,
    pub what: String,
    pub responsible: Who,
    pub due: Date,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    Open,
    Done,
    Dropped,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub form: AgreementForm,
    pub made: Stamp,
    pub status: AgreementStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Recorded>,
}

/// One of the family's own goals (or a sub-goal of one), in the family's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub goal: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<u32>,
    pub text: String,
    /// When it should be reached, in words ("inden sommerferien") or as a date.
    pub when: String,
    /// Who works on it.
    pub who: String,
    /// How we will know (the youth's criteria).
    #[serde(default)]
    pub criteria: String,
    #[serde(default)]
    pub reached: bool,
}

/// A measurement of an indicator; the value is kept as written with a decimal point ("36.6").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measurement {
    pub indicator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
    pub on: Date,
    pub value: String,
}

impl Measurement {
    pub fn number(&self) -> f64 {
        self.value.parse().unwrap_or(f64::NAN)
    }
}

/// An intervention for one family member: the overview row and the per-person plan together.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Intervention {
    pub intervention: u32,
    pub person: Option<PersonId>,
    /// The statutory plan it belongs to (handleplan, jobplan, uddannelsesplan …).
    pub plan: String,
    pub offer: String,
    pub hours: String,
    pub follow_up: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    pub purpose: String,
    pub goal: String,
    pub responsible: String,
    pub who_does_what: String,
}

/// A version of the plan, stored as document `doc`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanVersion {
    pub version: String,
    pub doc: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<u32>,
    pub period_from: Date,
    pub period_to: Date,
    pub stamp: Stamp,
}

/// The version a new plan gets. The plan after the first network meeting is 1.0, after the
/// second 2.0; after later meetings and between meetings it is 2.1, 2.2 … (Furesø's process
/// plan: "Familiens Plan 1.0 → 2.0 → opfølgning 2.1, 2.2").
pub fn next_version(existing: &[PlanVersion]) -> String {
    let Some(last) = existing.last() else { return "1.0".into() };
    let (major, minor) = last.version.split_once('.').and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?))).unwrap_or((1, 0));
    if major < 2 { "2.0".into() } else { format!("{major}.{}", minor + 1) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn v(version: &str) -> PlanVersion {
        let d = jiff::civil::date(2026, 11, 23);
        PlanVersion { version: version.into(), doc: 1, meeting: None, period_from: d, period_to: d, stamp: Stamp { at: jiff::Timestamp::UNIX_EPOCH, by: PersonId(1) } }
    }

    #[test]
    fn versions_follow_the_process_plan() {
        let mut all = vec![];
        let mut seen = vec![];
        for _ in 0..4 {
            let next = next_version(&all);
            seen.push(next.clone());
            all.push(v(&next));
        }
        assert_eq!(seen, ["1.0", "2.0", "2.1", "2.2"]);
        assert_eq!(next_version(&[v("2.9")]), "2.10");
    }

    #[test]
    fn quadrants_round_trip() {
        for q in Quadrant::ALL {
            assert_eq!(Quadrant::parse(q.as_str()), Some(q));
        }
    }
}
