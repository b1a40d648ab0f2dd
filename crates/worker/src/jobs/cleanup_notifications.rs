//! `cleanup-social-notifications` (daily, 04:45 UTC): the retention of http-api.md §1.10. Read
//! notifications go after 90 days, every notification after 365 days.
use chrono::{DateTime, Duration, Utc};

use crate::Deps;

pub const NAME: &str = "cleanup-social-notifications";
pub const READ_RETENTION_DAYS: i64 = 90;
pub const ALL_RETENTION_DAYS: i64 = 365;

/// Deletes what is past retention at `now`; returns how many notifications went.
pub async fn cleanup_notifications(deps: &Deps, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let read_before = now - Duration::days(READ_RETENTION_DAYS);
    let all_before = now - Duration::days(ALL_RETENTION_DAYS);
    let deleted = db::notifications::purge_old(&deps.pool, read_before, all_before).await?;
    tracing::info!(
        job = NAME,
        deleted,
        %read_before,
        %all_before,
        "old social notifications deleted"
    );
    Ok(deleted)
}
