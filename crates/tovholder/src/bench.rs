//! Measurements for `scripts/bench` that are not HTTP: the full deadline scan over every course
//! and the family-plan PDF. Hidden subcommands (`bench-scan`, `bench-pdf`); they print JSON.

use std::sync::Arc;
use std::time::Instant;

use jiff::ToSpan;
use jiff::civil::Date;
use tovholder_app::Models;
use tovholder_core::ids::CourseId;
use tovholder_core::tasks::{self, Status};
use tovholder_store::BulkStore;

#[derive(Debug, Default, serde::Serialize)]
pub struct Scan {
    pub courses: usize,
    /// Every course's tasks recomputed from its stored state with `tasks::tasks` (both cores).
    pub recompute_ms: f64,
    pub tasks: usize,
    pub open: usize,
    pub overdue: usize,
    /// The same question asked of the tasks projection (one indexed query): overdue and due
    /// within a week, over all courses.
    pub projection_ms: f64,
    pub projection_rows: usize,
}

/// Reads every course in pages and computes its tasks on a blocking thread while the next page
/// is read; then asks the projection.
pub async fn scan(store: Arc<dyn BulkStore>, models: &Models, today: Date) -> anyhow::Result<Scan> {
    const PAGE: i64 = 2000;
    let mut out = Scan::default();
    let t0 = Instant::now();
    let mut after = CourseId(0);
    let mut work: Vec<tokio::task::JoinHandle<(usize, usize, usize)>> = Vec::new();
    loop {
        let page = store.courses_after(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        out.courses += page.len();
        let models = models.clone();
        work.push(tokio::task::spawn_blocking(move || {
            let (mut n, mut open, mut overdue) = (0, 0, 0);
            for c in &page {
                let Some(model) = models.of(&c.state) else { continue };
                for t in tasks::tasks(&model, &c.state) {
                    n += 1;
                    match t.status(today) {
                        Status::Open => open += 1,
                        Status::Overdue => overdue += 1,
                        _ => {}
                    }
                }
            }
            (n, open, overdue)
        }));
    }
    for w in work {
        let (n, open, overdue) = w.await?;
        out.tasks += n;
        out.open += open;
        out.overdue += overdue;
    }
    out.recompute_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let t1 = Instant::now();
    let rows = store.open_tasks_due(today.checked_add(7.days())?, i64::MAX).await?;
    out.projection_ms = t1.elapsed().as_secs_f64() * 1000.0;
    out.projection_rows = rows.len();
    Ok(out)
}

#[derive(Debug, serde::Serialize)]
pub struct Pdf {
    pub runs: usize,
    pub mean_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    pub bytes: usize,
}

/// Renders the family plan from the template's example data (a family with four agreements,
/// a network of eleven, goals, interventions and the network map): once to warm up, then `runs` times.
pub fn pdf(runs: usize) -> anyhow::Result<Pdf> {
    let data: serde_json::Value = serde_json::from_str(tovholder_docs::templates::FAMILY_PLAN_EXAMPLE_DATA)?;
    let bytes = tovholder_docs::render_pdf(tovholder_docs::templates::FAMILY_PLAN, &data)?.len();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        tovholder_docs::render_pdf(tovholder_docs::templates::FAMILY_PLAN, &data)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    let max = times.iter().copied().fold(0.0, f64::max);
    Ok(Pdf { runs: times.len(), mean_ms: mean, min_ms: min, max_ms: max, bytes })
}
