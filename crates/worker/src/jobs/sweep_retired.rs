//! `sweep-retired` (hourly): storage keys replaced by replace-artwork keep their files for a
//! week (caches and players may still fetch the old URL); after `delete_after` the files go,
//! then the row. A row whose files could not be removed stays and is retried next run.
use chrono::{DateTime, Utc};

use super::purge_deleted_posts::delete_artwork_files;
use crate::Deps;

pub const NAME: &str = "sweep-retired";
/// Keys per run.
pub const BATCH: i64 = 100;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub swept: u64,
    /// Rows kept because a file could not be removed.
    pub file_errors: u64,
    /// Rows dropped without touching files because a post still uses the key.
    pub in_use: u64,
}

pub async fn sweep_retired(deps: &Deps, now: DateTime<Utc>) -> anyhow::Result<SweepReport> {
    let due = db::maintenance::due_retired(&deps.pool, now, BATCH).await?;
    let mut report = SweepReport::default();
    for retired in due {
        if retired.in_use {
            // Keys never come back after rotation; if one did, its files are live artwork.
            report.in_use += 1;
            tracing::warn!(
                job = NAME,
                retired_id = retired.id,
                storage_key = %retired.storage_key,
                "retired key is in use by a post; files kept"
            );
        } else if let Err(e) = delete_artwork_files(&deps.vault, &retired.storage_key).await {
            report.file_errors += 1;
            tracing::warn!(
                job = NAME,
                retired_id = retired.id,
                storage_key = %retired.storage_key,
                formats = ?retired.formats,
                error = %e,
                "retired files not removed; will retry"
            );
            continue;
        }
        if db::maintenance::delete_retired(&deps.pool, retired.id).await? && !retired.in_use {
            report.swept += 1;
        }
    }
    tracing::info!(
        job = NAME,
        swept = report.swept,
        file_errors = report.file_errors,
        in_use = report.in_use,
        "retired artwork swept"
    );
    Ok(report)
}
