//! `tovholder model preview FILE --date 2027-03-26`: the time line a model file gives for the
//! dates entered, as the administration page shows it, with dates as ISO (2027-04-23).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use tovholder_core::model::Model;
use tovholder_core::preview::{Kind, preview};

/// `dates`: `ID=DATE`, or a bare `DATE` for the model's preview dates in order.
pub fn run(file: &Path, dates: &[String]) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    };
    let model = match Model::parse(&text) {
        Ok(m) => m,
        Err(errors) => {
            for e in errors {
                eprintln!("{}: {e}", file.display());
            }
            return ExitCode::FAILURE;
        }
    };
    let entered = match entered(&model, dates) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    };
    print!("{}", render(&model, &entered));
    ExitCode::SUCCESS
}

fn entered(model: &Model, dates: &[String]) -> Result<BTreeMap<String, Date>, String> {
    let mut bare = model.preview_dates().iter();
    let mut out = BTreeMap::new();
    for d in dates {
        let (id, value) = match d.split_once('=') {
            Some((id, v)) => (id.trim().to_string(), v),
            None => {
                (bare.next().cloned().ok_or_else(|| format!("--date {d}: name the date as ID=DATE; the model's dates are {}", model.dates.keys().cloned().collect::<Vec<_>>().join(", ")))?, d.as_str())
            }
        };
        if !model.dates.contains_key(&id) {
            return Err(format!("--date {d}: the model has no date '{id}'"));
        }
        let value: Date = value.trim().parse().map_err(|_| format!("--date {d}: not a date (write 2027-03-26)"))?;
        out.insert(id, value);
    }
    if out.is_empty() {
        return Err(format!("give at least one --date (this model's preview dates: {})", model.preview_dates().join(", ")));
    }
    Ok(out)
}

pub fn render(model: &Model, entered: &BTreeMap<String, Date>) -> String {
    let p = preview(model, entered);
    let mut out = format!("{} ({})\n", model.name, model.id);
    for r in &p.rows {
        let when = match (r.window, r.date) {
            (Some(w), _) if w.from != w.to => format!("{} … {}", w.from, w.to),
            (Some(w), _) => w.from.to_string(),
            (None, Some(d)) => d.to_string(),
            (None, None) => String::new(),
        };
        let kind = match r.kind {
            Kind::Entered => "indtastet",
            Kind::Proposed => "foreslået",
            Kind::Window => "vindue",
            Kind::Task => "frist",
        };
        let mut notes = Vec::new();
        if let (Kind::Proposed, Some(d)) = (r.kind, r.date) {
            notes.push(format!("dag {d}"));
        }
        notes.extend(r.rule.clone());
        if r.working_day {
            notes.push("hverdag".into());
        }
        for (d, name) in &r.closed {
            notes.push(format!("ikke {d} ({name})"));
        }
        if !r.owners.is_empty() {
            notes.push(r.owners.join(" eller "));
        }
        if r.conditional {
            notes.push("kun når modellens betingelse holder".into());
        }
        notes.extend(r.problem.clone());
        out.push_str(&format!("{when:<24} {kind:<10} {}: {}\n", r.label, notes.join("; ")));
    }
    if !p.pending.is_empty() {
        out.push_str(&format!("Venter på flere datoer: {}\n", p.pending.join(", ")));
    }
    out
}
