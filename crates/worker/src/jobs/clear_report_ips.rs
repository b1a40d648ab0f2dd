//! `cleanup-report-ips` (daily): anonymous reporters are known only by a salted hash of their
//! address, kept 30 days for abuse triage and then forgotten (data-and-ops.md §3).
use chrono::{DateTime, Utc};

use crate::Deps;

pub const NAME: &str = "cleanup-report-ips";
/// How long an anonymous reporter's address hash is kept.
pub const KEEP_DAYS: i64 = 30;

/// Clears the address hashes of reports filed more than [`KEEP_DAYS`] before `now`; returns
/// how many reports were cleared.
pub async fn clear_report_ips(deps: &Deps, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let before = now - chrono::Duration::days(KEEP_DAYS);
    let cleared = db::reports::clear_ips_before(&deps.pool, before).await?;
    tracing::info!(job = NAME, cleared, "report address hashes cleared");
    Ok(cleared)
}
