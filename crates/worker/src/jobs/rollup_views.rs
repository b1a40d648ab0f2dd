//! `rollup-views` (daily, 00:15 UTC): the sole owner of `view_events`. Each whole UTC day after
//! the `views` watermark (or from the oldest event's day on the first run) is rolled into
//! `post_stats_daily`, the touched posts' `view_count` is recomputed, the watermark moves to that
//! day and raw events older than a week are dropped — one transaction per day, so a crash
//! leaves either all of a day or none of it, and a rerun replaces numbers instead of adding.
use chrono::{DateTime, Duration, NaiveTime, Utc};

use crate::Deps;

pub const NAME: &str = "rollup-views";
/// The watermark row in `rollup_watermarks`.
pub const WATERMARK: &str = "views";
/// Raw events are kept this long, for debugging and late corrections; stats live on.
pub const RAW_RETENTION_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RollupReport {
    pub days: u64,
    pub post_days: u64,
    pub events_deleted: u64,
}

/// Rolls up every full UTC day before `now`'s day that is not rolled up yet.
pub async fn rollup_views(deps: &Deps, now: DateTime<Utc>) -> anyhow::Result<RollupReport> {
    let today = now.date_naive();
    let keep_from = now - Duration::days(RAW_RETENTION_DAYS);
    let mut report = RollupReport::default();
    loop {
        let mut tx = deps.pool.begin().await?;
        if !db::maintenance::try_lock_rollup(&mut tx, WATERMARK).await? {
            tracing::info!(
                job = NAME,
                "another run holds the rollup; leaving it the work"
            );
            break;
        }
        let day = match db::maintenance::watermark(&mut tx, WATERMARK).await? {
            Some(done) => done + Duration::days(1),
            None => match db::maintenance::oldest_view_event(&mut tx).await? {
                Some(at) => at.date_naive(),
                None => break,
            },
        };
        if day >= today {
            break;
        }
        let start = day.and_time(NaiveTime::MIN).and_utc();
        let end = start + Duration::days(1);
        let touched = db::maintenance::rollup_view_day(&mut tx, day, start, end).await?;
        db::maintenance::recompute_view_counts(&mut tx, &touched, end).await?;
        db::maintenance::set_watermark(&mut tx, WATERMARK, day).await?;
        // Only rolled-up events may go: never anything at or after `end`.
        let deleted =
            db::maintenance::delete_view_events_before(&mut tx, end.min(keep_from)).await?;
        tx.commit().await?;
        report.days += 1;
        report.post_days += touched.len() as u64;
        report.events_deleted += deleted;
        tracing::info!(
            job = NAME,
            day = %day,
            posts = touched.len(),
            events_deleted = deleted,
            "view day rolled up"
        );
    }
    tracing::info!(
        job = NAME,
        days = report.days,
        post_days = report.post_days,
        events_deleted = report.events_deleted,
        "view rollup done"
    );
    Ok(report)
}
