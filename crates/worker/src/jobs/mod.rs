//! The queue consumers, one module per job, plus what they share: how a consumer reads its
//! queue and how failed attempts are retried.
use std::any::Any;
use std::time::Duration;

use apalis::layers::catch_panic::{CatchPanicLayer, PanicError};

use apalis::layers::retry::backoff::{ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff};
use apalis::layers::retry::{BackoffRetryPolicy, HasherRng, RetryPolicy};
use apalis::prelude::{BackendExt, IntervalStrategy, PollWith};
use apalis_redis::RedisStorage;

use crate::Deps;

pub mod check_integrity;
pub mod cleanup_notifications;
pub mod clear_report_ips;
pub mod expire_pending_players;
pub mod player_crl;
pub mod purge_account;
pub mod purge_deleted_posts;
pub mod render_artwork;
pub mod renew_crl;
pub mod rollup_views;
pub mod send_email;
pub mod sweep_retired;

/// How often an idle consumer looks for new work; the Redis backend does not push.
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// A consumer that misses `MISSED_HEARTBEATS` beats is presumed dead and its in-flight jobs are
/// handed to the others, so a crashed worker delays jobs by about half a minute.
const HEARTBEAT: Duration = Duration::from_secs(10);
const MISSED_HEARTBEATS: usize = 3;

/// In-process retries after the first attempt. With the backoff below they span about five
/// minutes; after that the Redis backend itself re-schedules the job (up to 25 attempts in
/// all), so an SMTP or database outage of a few minutes delays work instead of losing it.
const RETRIES: usize = 8;
const BACKOFF_MIN: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(120);

pub type Retry = BackoffRetryPolicy<ExponentialBackoff<HasherRng>>;

pub fn retry_policy() -> anyhow::Result<Retry> {
    let backoff =
        ExponentialBackoffMaker::new(BACKOFF_MIN, BACKOFF_MAX, 0.5, HasherRng::default())?
            .make_backoff();
    Ok(RetryPolicy::retries(RETRIES).with_backoff(backoff))
}

/// The consumer side of a queue the api fills through `jobs::Queues` (same Redis key space).
pub(crate) fn storage<T>(deps: &Deps, queue: &str) -> PollWith<RedisStorage<T>, IntervalStrategy> {
    let config = apalis_redis::Config::default()
        .queue(jobs::queue_name(&deps.config.redis_prefix, queue))
        .heartbeat_interval(HEARTBEAT)
        .missed_heartbeats(MISSED_HEARTBEATS);
    RedisStorage::new(deps.kv.conn())
        .with_config(config)
        .poll_with_interval(POLL_INTERVAL)
}

/// Turns a panicking job into an ordinary failure of that attempt (retried like any other)
/// instead of bringing the whole worker down.
pub(crate) fn catch_panic() -> CatchPanicLayer<
    impl FnMut(&Box<dyn Any + Send + 'static>) -> PanicError + Clone + Send + Sync + 'static,
    PanicError,
> {
    CatchPanicLayer::with_panic_handler(|panic: &Box<dyn Any + Send + 'static>| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        PanicError(what)
    })
}

/// Each (re)start registers under a fresh name: the backend refuses a name that still looks
/// alive, and the previous instance's in-flight jobs are recovered as orphans.
pub(crate) fn worker_name(kind: &str) -> String {
    format!("{kind}-{}", uuid::Uuid::new_v4().simple())
}
