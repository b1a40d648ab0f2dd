//! Scheduled maintenance (the beat jobs of the original that concern accounts and artwork),
//! one small function each so tests can call them directly; apalis-cron fires them in UTC.
use std::str::FromStr;
use std::time::Instant;

use apalis::prelude::{BoxDynError, Data, WorkerBuilder, WorkerBuilderExt};
use apalis_core::backend::Vacuum;
use apalis_core::error::WorkerError;
use apalis_cron::{CronScheduler, Tick};
use chrono::{DateTime, Utc};

use crate::jobs::cleanup_notifications;
use crate::jobs::clear_report_ips;
use crate::jobs::expire_pending_players;
use crate::jobs::purge_account::{self, Purged};
use crate::jobs::renew_crl;
use crate::jobs::{
    catch_panic, check_integrity, purge_deleted_posts, rollup_views, sweep_retired, worker_name,
};
use crate::Deps;

/// Accounts still unverified this long after signup are purged.
pub const UNVERIFIED_GRACE_DAYS: i64 = 3;
/// Finished jobs (their payloads hold links and codes) are dropped from Redis after this.
const KEEP_FINISHED_JOBS: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduled {
    ExpiredAuthTokens,
    UnverifiedAccounts,
    VacuumJobQueues,
    PurgeDeletedPosts,
    SweepRetired,
    RollupViews,
    CheckIntegrity,
    ClearReportIps,
    CleanupNotifications,
    RenewCrl,
    ExpirePendingPlayers,
}

impl Scheduled {
    pub const ALL: [Scheduled; 11] = [
        Scheduled::ExpiredAuthTokens,
        Scheduled::UnverifiedAccounts,
        Scheduled::VacuumJobQueues,
        Scheduled::PurgeDeletedPosts,
        Scheduled::SweepRetired,
        Scheduled::RollupViews,
        Scheduled::CheckIntegrity,
        Scheduled::ClearReportIps,
        Scheduled::CleanupNotifications,
        Scheduled::RenewCrl,
        Scheduled::ExpirePendingPlayers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scheduled::ExpiredAuthTokens => "cleanup-expired-auth-tokens",
            Scheduled::UnverifiedAccounts => "cleanup-unverified-accounts",
            Scheduled::VacuumJobQueues => "vacuum-job-queues",
            Scheduled::PurgeDeletedPosts => purge_deleted_posts::NAME,
            Scheduled::SweepRetired => sweep_retired::NAME,
            Scheduled::RollupViews => rollup_views::NAME,
            Scheduled::CheckIntegrity => check_integrity::NAME,
            Scheduled::ClearReportIps => clear_report_ips::NAME,
            Scheduled::CleanupNotifications => cleanup_notifications::NAME,
            Scheduled::RenewCrl => renew_crl::NAME,
            Scheduled::ExpirePendingPlayers => expire_pending_players::NAME,
        }
    }

    /// Cron expression with seconds, evaluated in UTC.
    pub fn cron(self) -> &'static str {
        match self {
            Scheduled::ExpiredAuthTokens => "0 0 4 * * *",
            Scheduled::UnverifiedAccounts => "0 0 */12 * * *",
            Scheduled::VacuumJobQueues => "0 17 * * * *",
            Scheduled::PurgeDeletedPosts => "0 5 * * * *",
            Scheduled::SweepRetired => "0 35 * * * *",
            Scheduled::RollupViews => "0 15 0 * * *",
            Scheduled::CheckIntegrity => "0 45 */6 * * *",
            Scheduled::ClearReportIps => "0 15 4 * * *",
            Scheduled::CleanupNotifications => "0 45 4 * * *",
            Scheduled::RenewCrl => "0 0 5 * * *",
            Scheduled::ExpirePendingPlayers => "0 25 * * * *",
        }
    }

    /// Runs the job once; the number is what it removed (posts, keys, days rolled, posts
    /// flagged).
    pub async fn run(self, deps: &Deps) -> anyhow::Result<u64> {
        match self {
            Scheduled::ExpiredAuthTokens => cleanup_expired_auth_tokens(deps).await,
            Scheduled::UnverifiedAccounts => cleanup_unverified_accounts(deps, Utc::now()).await,
            Scheduled::VacuumJobQueues => vacuum_job_queues(deps).await,
            Scheduled::PurgeDeletedPosts => {
                Ok(purge_deleted_posts::purge_deleted_posts(deps, Utc::now())
                    .await?
                    .purged)
            }
            Scheduled::SweepRetired => {
                Ok(sweep_retired::sweep_retired(deps, Utc::now()).await?.swept)
            }
            Scheduled::RollupViews => Ok(rollup_views::rollup_views(deps, Utc::now()).await?.days),
            Scheduled::CheckIntegrity => Ok(check_integrity::check_integrity(
                deps,
                check_integrity::BATCH,
            )
            .await?
            .flagged),
            Scheduled::ClearReportIps => clear_report_ips::clear_report_ips(deps, Utc::now()).await,
            Scheduled::CleanupNotifications => {
                cleanup_notifications::cleanup_notifications(deps, Utc::now()).await
            }
            Scheduled::RenewCrl => renew_crl::renew_crl(deps, Utc::now()).await,
            Scheduled::ExpirePendingPlayers => {
                expire_pending_players::expire_pending_players(deps).await
            }
        }
    }
}

/// Every schedule, parsed, so a bad expression stops the worker at start rather than later.
pub fn schedules() -> anyhow::Result<Vec<(Scheduled, cron::Schedule)>> {
    Scheduled::ALL
        .iter()
        .map(|s| {
            let parsed = cron::Schedule::from_str(s.cron())
                .map_err(|e| anyhow::anyhow!("schedule {}: {e}", s.name()))?;
            Ok((*s, parsed))
        })
        .collect()
}

/// Refresh tokens expired or revoked over a day ago; verification and reset secrets that were
/// used or expired over a week ago.
pub async fn cleanup_expired_auth_tokens(deps: &Deps) -> anyhow::Result<u64> {
    let refresh = db::refresh::delete_stale(&deps.pool).await?;
    let one_time = db::one_time::delete_stale(&deps.pool).await?;
    tracing::info!(refresh, one_time, "expired auth tokens deleted");
    Ok(refresh + one_time)
}

/// Purges, one by one, accounts created before `now` minus the grace period and never verified.
pub async fn cleanup_unverified_accounts(deps: &Deps, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let before = now - chrono::Duration::days(UNVERIFIED_GRACE_DAYS);
    let mut total = 0;
    // The query returns a bounded batch; stop once a batch makes no progress.
    loop {
        let ids = db::users::stale_unverified(&deps.pool, before).await?;
        let mut removed = 0;
        for user_id in ids {
            // It may have been verified since the batch was read.
            match db::users::find_by_id(&deps.pool, user_id).await? {
                Some(u) if !u.email_verified => {}
                _ => continue,
            }
            match purge_account::purge(deps, user_id).await {
                Ok(Purged::Removed) => removed += 1,
                Ok(_) => {}
                Err(e) => tracing::warn!(user_id, error = %e, "unverified account not purged"),
            }
        }
        total += removed;
        if removed == 0 {
            break;
        }
    }
    tracing::info!(purged = total, "unverified accounts purged");
    Ok(total)
}

/// Drops the stored payloads of jobs that finished over an hour ago.
pub async fn vacuum_job_queues(deps: &Deps) -> anyhow::Result<u64> {
    let queues = jobs::Queues::new(deps.kv.conn(), &deps.config.redis_prefix);
    let mut email = queues.email.clone();
    let mut purge = queues.purge.clone();
    let n = email.vacuum_before(KEEP_FINISHED_JOBS).await?
        + purge.vacuum_before(KEEP_FINISHED_JOBS).await?;
    tracing::info!(removed = n, "finished jobs vacuumed");
    Ok(n as u64)
}

async fn tick(_tick: Tick, job: Data<Scheduled>, deps: Data<Deps>) -> Result<(), BoxDynError> {
    let job = *job;
    let started = Instant::now();
    let outcome = match job.run(&deps).await {
        Ok(_) => "ok",
        Err(e) => {
            tracing::error!(job = job.name(), error = %e, "scheduled job failed");
            "error"
        }
    };
    metrics::counter!("worker_job_runs_total", "job" => job.name(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("worker_scheduled_job_seconds", "job" => job.name())
        .record(started.elapsed().as_secs_f64());
    Ok(())
}

/// Fires one scheduled job until `stop` resolves.
pub(crate) async fn run_worker(
    job: Scheduled,
    schedule: cron::Schedule,
    deps: Deps,
    stop: impl std::future::Future<Output = std::io::Result<()>> + Send + 'static,
) -> Result<(), WorkerError> {
    WorkerBuilder::new(worker_name(job.name()))
        .backend(CronScheduler::new(schedule))
        .enable_tracing()
        .layer(catch_panic())
        .data(job)
        .data(deps)
        .build(tick)
        .run_until(stop)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn schedules_parse_and_fire_when_documented() {
        let all = schedules().unwrap();
        assert_eq!(all.len(), Scheduled::ALL.len());
        for (job, s) in all {
            let next: Vec<_> = s.upcoming(Utc).take(3).collect();
            match job {
                Scheduled::ExpiredAuthTokens => {
                    assert!(next.iter().all(|t| t.hour() == 4 && t.minute() == 0));
                    assert_eq!((next[1] - next[0]).num_hours(), 24);
                }
                Scheduled::UnverifiedAccounts => {
                    assert_eq!((next[1] - next[0]).num_hours(), 12);
                }
                Scheduled::VacuumJobQueues
                | Scheduled::PurgeDeletedPosts
                | Scheduled::SweepRetired => {
                    assert_eq!((next[1] - next[0]).num_hours(), 1);
                }
                Scheduled::RollupViews => {
                    assert!(next.iter().all(|t| t.hour() == 0 && t.minute() == 15));
                    assert_eq!((next[1] - next[0]).num_hours(), 24);
                }
                Scheduled::CheckIntegrity => {
                    assert!(next.iter().all(|t| t.hour() % 6 == 0));
                    assert_eq!((next[1] - next[0]).num_hours(), 6);
                }
                Scheduled::ClearReportIps => {
                    assert!(next.iter().all(|t| t.hour() == 4 && t.minute() == 15));
                    assert_eq!((next[1] - next[0]).num_hours(), 24);
                }
                Scheduled::CleanupNotifications => {
                    assert!(next.iter().all(|t| t.hour() == 4 && t.minute() == 45));
                    assert_eq!((next[1] - next[0]).num_hours(), 24);
                }
                Scheduled::RenewCrl => {
                    assert!(next.iter().all(|t| t.hour() == 5 && t.minute() == 0));
                    assert_eq!((next[1] - next[0]).num_hours(), 24);
                }
                Scheduled::ExpirePendingPlayers => {
                    assert!(next.iter().all(|t| t.minute() == 25));
                    assert_eq!((next[1] - next[0]).num_hours(), 1);
                }
            }
        }
    }
}
