//! Deleting what no longer counts, every hour: login attempts older than a day (the throttle
//! reads minutes back), sessions past their idle or total time, and expired login links; and
//! once a day the closed courses whose keeping has ended (`retention`).

use jiff::SignedDuration;

use crate::App;

const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);
const DAILY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
const ATTEMPTS_KEPT: SignedDuration = SignedDuration::from_hours(24);

/// Purges once now.
pub async fn purge(app: &App) -> Result<(), crate::AppError> {
    let now = app.clock.now();
    let attempts = now - ATTEMPTS_KEPT.max(SignedDuration::from_mins(app.config.login_window_minutes));
    app.store.purge_logins(attempts, now - app.config.session_idle, now - app.config.session_max, now).await?;
    Ok(())
}

/// Purges every hour while the process runs (each process of an instance may; it is idempotent).
pub fn start(app: &App) {
    let hourly = app.clone();
    tokio::spawn(async move {
        let app = hourly;
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = purge(&app).await {
                tracing::warn!(error = %e, "purging old logins failed; tried again in an hour");
            }
        }
    });
    let app = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(DAILY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match crate::retention::run(&app, false).await {
                Ok(lines) => {
                    let erased = lines.iter().filter(|l| l.verdict == tovholder_core::retention::Verdict::Erase).count();
                    if erased > 0 {
                        tracing::info!(erased, "closed courses erased at the end of their keeping");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the daily retention run failed; tried again tomorrow"),
            }
            match crate::retention::expire_access_log(&app).await {
                Ok(Some(rows)) if rows > 0 => tracing::info!(rows, "access log rows expired under its keeping"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "expiring the access log failed; tried again tomorrow"),
            }
        }
    });
}
