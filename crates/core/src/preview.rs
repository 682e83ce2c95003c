//! A model's timeline for a few entered dates, shown before the model is taken into use: each
//! date the model proposes or allows and each task's deadline, with working days and Danish
//! holidays applied, so an administrator sees what a change to the file does to a course.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::calendar::holiday_name;
use crate::commands::{check_date, suggest_date};
use crate::model::Model;
use crate::span::Window;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Entered by the administrator.
    Entered,
    /// A date the model proposes from another (`suggest`), inside its window.
    Proposed,
    /// A date the model allows in a window, with no proposal.
    Window,
    /// A task's deadline.
    Task,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub kind: Kind,
    pub id: String,
    pub label: String,
    /// The rule in Danish: "4 til 6 uger efter Opholdets afslutning".
    pub rule: Option<String>,
    pub window: Option<Window>,
    /// The date itself: entered or proposed.
    pub date: Option<Date>,
    /// Must fall on a working day.
    pub working_day: bool,
    /// The holidays inside the window, which a working-day date cannot be.
    pub closed: Vec<(Date, &'static str)>,
    /// For a task: its owners' role labels.
    pub owners: Vec<String>,
    /// For a task: it exists only when a condition holds (`when`).
    pub conditional: bool,
    /// What is wrong with an entered date (outside its window, not a working day).
    pub problem: Option<String>,
}

impl Row {
    /// The day the row starts on, for ordering and drawing.
    pub fn first(&self) -> Option<Date> {
        self.window.map(|w| w.from).or(self.date)
    }
    pub fn last(&self) -> Option<Date> {
        self.window.map(|w| w.to).or(self.date)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preview {
    /// In date order.
    pub rows: Vec<Row>,
    /// Dates and tasks that hang on dates not known yet: their labels, in model order.
    pub pending: Vec<String>,
}

pub fn preview(model: &Model, entered: &BTreeMap<String, Date>) -> Preview {
    let entered: BTreeMap<String, Date> = entered.iter().filter(|(id, _)| model.dates.contains_key(*id)).map(|(k, v)| (k.clone(), *v)).collect();
    let mut dates = entered.clone();
    // A proposal can rest on another proposal (the follow-up day on the stay's proposed end);
    // each round settles at least one more date or stops.
    for _ in 0..model.dates.len() {
        let found: Vec<(String, Date)> = model.dates.keys().filter(|id| !dates.contains_key(*id)).filter_map(|id| suggest_date(model, &dates, id, Date::MIN).map(|d| (id.clone(), d))).collect();
        if found.is_empty() {
            break;
        }
        dates.extend(found);
    }
    let mut out = Preview::default();
    for (id, def) in &model.dates {
        let window = def.window.as_ref().and_then(|r| r.resolve(&dates));
        let kind = match (entered.contains_key(id), dates.get(id), window) {
            (true, _, _) => Kind::Entered,
            (false, Some(_), _) => Kind::Proposed,
            (false, None, Some(_)) => Kind::Window,
            (false, None, None) => {
                if def.window.is_some() || def.suggest.is_some() {
                    out.pending.push(def.label.clone());
                }
                continue;
            }
        };
        let rule = def.window.as_ref().or(def.suggest.as_ref()).map(|r| r.describe(model.date_label(&r.anchor)));
        let closed = match (def.working_day, window) {
            (true, Some(w)) => holidays(w),
            _ => vec![],
        };
        let problem = (kind == Kind::Entered).then(|| check_date(model, &dates, id, dates[id], Date::MIN).err()).flatten();
        out.rows.push(Row {
            kind,
            id: id.clone(),
            label: def.label.clone(),
            rule,
            window,
            date: dates.get(id).copied(),
            working_day: def.working_day,
            closed,
            owners: vec![],
            conditional: false,
            problem,
        });
    }
    for t in &model.tasks {
        let Some(window) = t.due.resolve(&dates) else {
            out.pending.push(t.label.clone());
            continue;
        };
        let owners = t.owner.iter().map(|r| model.role_label(r).to_string()).collect();
        let rule = Some(format!("Frist: {}", t.due.describe(model.date_label(&t.due.anchor))));
        out.rows.push(Row {
            kind: Kind::Task,
            id: t.id.clone(),
            label: t.label.clone(),
            rule,
            window: Some(window),
            date: None,
            working_day: false,
            closed: vec![],
            owners,
            conditional: t.when.is_some(),
            problem: None,
        });
    }
    out.rows.sort_by_key(|r| (r.first(), r.kind == Kind::Task));
    out
}

fn holidays(w: Window) -> Vec<(Date, &'static str)> {
    let mut out = Vec::new();
    let mut d = w.from;
    while d <= w.to {
        if let Some(name) = holiday_name(d) {
            out.push((d, name));
        }
        let Ok(next) = d.tomorrow() else { break };
        d = next;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::testkit::model as julemaerkehjem;
    use jiff::civil::date;

    fn row<'a>(p: &'a Preview, id: &str) -> &'a Row {
        p.rows.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no row {id}: {p:?}"))
    }

    /// The case: a stay ending Langfredag 2027 (DST starts on Easter Sunday, 28 March).
    #[test]
    fn a_stay_ending_on_good_friday_gives_the_follow_up_window_without_ascension_day() {
        let m = julemaerkehjem();
        let p = preview(&m, &BTreeMap::from([("ophold_slut".to_string(), date(2027, 3, 26))]));
        let end = row(&p, "ophold_slut");
        assert_eq!((end.kind, end.date), (Kind::Entered, Some(date(2027, 3, 26))));
        let day = row(&p, "opfoelgningsdag");
        assert_eq!(day.window, Some(Window { from: date(2027, 4, 23), to: date(2027, 5, 7) }));
        assert_eq!(day.closed, vec![(date(2027, 5, 6), "Kristi himmelfartsdag")]);
        assert_eq!((day.kind, day.date), (Kind::Proposed, Some(date(2027, 4, 23))));
        let contact = row(&p, "kontakt_efter_opfoelgning");
        assert_eq!(contact.window, Some(Window { from: date(2027, 4, 23), to: date(2027, 4, 30) }));
        // Tasks hanging on dates not entered wait for them.
        assert!(p.pending.iter().any(|l| l.starts_with("Behandl ansøgningen")), "{:?}", p.pending);
        assert!(p.rows.windows(2).all(|w| w[0].first() <= w[1].first()));
    }

    #[test]
    fn a_proposal_moves_to_a_working_day_and_an_entered_date_outside_its_window_is_named() {
        let m = julemaerkehjem();
        // Four weeks after Saturday 2027-03-27 is a Saturday: the proposal is the Monday after.
        let p = preview(&m, &BTreeMap::from([("ophold_slut".to_string(), date(2027, 3, 27))]));
        assert_eq!(row(&p, "opfoelgningsdag").date, Some(date(2027, 4, 26)));
        let dates = BTreeMap::from([("ophold_start".to_string(), date(2027, 3, 1)), ("ophold_slut".to_string(), date(2027, 2, 1))]);
        let p = preview(&m, &dates);
        assert!(row(&p, "ophold_slut").problem.as_deref().is_some_and(|e| e.contains("skal ligge mellem")), "{p:?}");
        // The pre-visit is proposed two months before the stay, on a working day.
        assert_eq!(row(&p, "forbesoeg").date, Some(date(2027, 1, 1)).and_then(crate::calendar::working_day_on_or_before));
    }
}
