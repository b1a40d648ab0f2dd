//! The background worker: apalis consumers for the job queues the api fills (email, account
//! purge) and the scheduled clean-ups, all in one process as in the original.
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use config::Config;
use db::PgPool;
use futures::future::{BoxFuture, FutureExt};
use kv::Kv;
use tokio::sync::watch;
use vault::Vault;

pub mod jobs;
pub mod mail;
pub mod schedule;
mod supervise;

use supervise::{supervise, Stop};

/// How long in-flight jobs get to finish after a shutdown request; whatever is still running
/// is recovered from Redis by the next worker.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// Everything a job needs; cheap to clone.
#[derive(Clone)]
pub struct Deps {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub kv: Kv,
    pub vault: Vault,
}

/// Runs every consumer and the schedule until SIGTERM or ctrl-c.
pub async fn run(deps: Deps) -> anyhow::Result<()> {
    run_until(deps, true, shutdown_signal()).await
}

/// Runs the consumers only (no schedule) until the returned future is dropped; for tests.
pub async fn run_consumers(deps: Deps) -> anyhow::Result<()> {
    run_until(deps, false, std::future::pending()).await
}

async fn run_until(
    deps: Deps,
    with_schedule: bool,
    signal: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let mailer = mail::Mailer::from_config(&deps.config.smtp).context("configuring SMTP")?;
    let retry = jobs::retry_policy().context("configuring retries")?;
    let schedules = if with_schedule {
        schedule::schedules()?
    } else {
        Vec::new()
    };
    let (tx, rx) = watch::channel(false);
    let stop = Stop(rx);

    let mut workers: Vec<BoxFuture<'static, ()>> = Vec::new();
    {
        let (deps, mailer, retry, s) = (deps.clone(), mailer, retry.clone(), stop.clone());
        workers.push(
            supervise("send_email", stop.clone(), move || {
                jobs::send_email::run_worker(
                    deps.clone(),
                    mailer.clone(),
                    retry.clone(),
                    s.signal(),
                )
            })
            .boxed(),
        );
    }
    {
        let (deps, retry, s) = (deps.clone(), retry.clone(), stop.clone());
        workers.push(
            supervise("purge_account", stop.clone(), move || {
                jobs::purge_account::run_worker(deps.clone(), retry.clone(), s.signal())
            })
            .boxed(),
        );
    }
    {
        let (deps, retry, s) = (deps.clone(), retry, stop.clone());
        workers.push(
            supervise("render_artwork", stop.clone(), move || {
                jobs::render_artwork::run_worker(deps.clone(), retry.clone(), s.signal())
            })
            .boxed(),
        );
    }
    for (job, cron) in schedules {
        let (deps, s) = (deps.clone(), stop.clone());
        workers.push(
            supervise(job.name(), stop.clone(), move || {
                schedule::run_worker(job, cron.clone(), deps.clone(), s.signal())
            })
            .boxed(),
        );
    }
    tracing::info!(
        workers = workers.len(),
        prefix = %deps.config.redis_prefix,
        "worker started"
    );

    // One task per consumer: polled together (one future joining them all), every wake-up of
    // any of them would poll all of them, and each poll of an idle apalis consumer starts a
    // fetch, whose answer wakes the task again: a busy loop of Redis fetches. The set aborts
    // the consumers if this future is dropped (tests).
    let mut set = tokio::task::JoinSet::new();
    for w in workers {
        set.spawn(w);
    }
    // A consumer that panics outside a job (jobs are caught by `catch_panic`) ends the worker,
    // as it did when they all ran in this task, so the orchestrator restarts it.
    let all = async move {
        while let Some(done) = set.join_next().await {
            if let Err(e) = done {
                if e.is_panic() {
                    tracing::error!(error = %e, "a consumer panicked; stopping the worker");
                    return Err(anyhow::anyhow!("a consumer panicked: {e}"));
                }
            }
        }
        Ok(())
    };
    tokio::pin!(all);
    tokio::select! {
        done = &mut all => done?,
        _ = signal => {
            tracing::info!("shutdown requested; waiting for running jobs");
            let _ = tx.send(true);
            if tokio::time::timeout(SHUTDOWN_GRACE, all).await.is_err() {
                tracing::warn!("jobs still running at shutdown; they will be picked up again");
            }
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
