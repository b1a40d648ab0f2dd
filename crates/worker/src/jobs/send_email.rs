//! The `send_email` consumer. Delivery is at-least-once underneath (retries, orphan recovery),
//! so each job id is remembered in Redis after a successful send and a redelivered job is
//! dropped instead of mailing the user twice.
use std::future::Future;
use std::time::Duration;

use apalis::prelude::{AbortError, Attempt, BoxDynError, Data, WorkerBuilder, WorkerBuilderExt};
use apalis_core::error::WorkerError;
use jobs::SendEmail;
use kv::{Kv, KvError};
use uuid::Uuid;

use super::{catch_panic, storage, worker_name, Retry};
use crate::mail::{self, MailError, Mailer};
use crate::Deps;

/// Long enough to outlive every redelivery path (retries, re-scheduling, orphan recovery).
const SENT_TTL_SECS: u64 = 7 * 24 * 3600;
/// Held while a send is in progress so two copies of one job cannot both send; longer than
/// one SMTP conversation, short enough that a crash only delays the copy that is retried.
const CLAIM_TTL_SECS: u64 = 120;
/// Upper bound for one attempt (the SMTP transport has its own, shorter, timeout).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// The Redis key (under the deployment prefix) that marks a job id as sent.
pub fn sent_key(id: &Uuid) -> String {
    format!("email:sent:{id}")
}

fn claim_key(id: &Uuid) -> String {
    format!("email:sending:{id}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// A job with this id was sent before; nothing was sent now.
    AlreadySent,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Kv(#[from] KvError),
    #[error("another delivery of this email is in progress")]
    InProgress,
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Mail(e) if e.is_permanent())
    }
}

/// Sends the email unless this job id was already sent.
pub async fn deliver(job: &SendEmail, kv: &Kv, mailer: &Mailer) -> Result<Outcome, SendError> {
    let sent = sent_key(&job.id);
    if kv.exists(&sent).await? {
        return Ok(Outcome::AlreadySent);
    }
    let claim = claim_key(&job.id);
    if !kv.set_nx_ex(&claim, "1", CLAIM_TTL_SECS).await? {
        return Err(SendError::InProgress);
    }
    // The copy holding the claim may have finished between the two checks.
    if kv.exists(&sent).await? {
        let _ = kv.del(&claim).await;
        return Ok(Outcome::AlreadySent);
    }
    let rendered = mail::render(&job.handle, &job.email);
    if let Err(e) = mailer.send(&job.to, &rendered).await {
        let _ = kv.del(&claim).await;
        return Err(e.into());
    }
    // The mail is out: failing to record it must not turn into a retry that sends it again.
    if let Err(e) = kv.set_ex(&sent, "1", SENT_TTL_SECS).await {
        tracing::warn!(job_id = %job.id, error = %e, "email sent but not marked as sent");
    }
    let _ = kv.del(&claim).await;
    Ok(Outcome::Sent)
}

async fn handle(
    job: SendEmail,
    deps: Data<Deps>,
    mailer: Data<Mailer>,
    attempt: Attempt,
) -> Result<(), BoxDynError> {
    let kind = mail::kind_label(&job.email);
    match deliver(&job, &deps.kv, &mailer).await {
        Ok(Outcome::Sent) => {
            metrics::counter!("worker_emails_sent_total", "kind" => kind).increment(1);
            metrics::counter!("worker_job_runs_total", "job" => SendEmail::QUEUE, "outcome" => "ok")
                .increment(1);
            tracing::info!(job_id = %job.id, kind, "email sent");
            Ok(())
        }
        Ok(Outcome::AlreadySent) => {
            metrics::counter!("worker_emails_duplicate_total", "kind" => kind).increment(1);
            metrics::counter!("worker_job_runs_total", "job" => SendEmail::QUEUE, "outcome" => "ok")
                .increment(1);
            tracing::info!(job_id = %job.id, kind, "email already sent; skipped");
            Ok(())
        }
        Err(e) => {
            let permanent = e.is_permanent();
            metrics::counter!(
                "worker_emails_failed_total",
                "kind" => kind,
                "permanent" => if permanent { "true" } else { "false" }
            )
            .increment(1);
            metrics::counter!("worker_job_runs_total", "job" => SendEmail::QUEUE, "outcome" => "error")
                .increment(1);
            tracing::warn!(
                job_id = %job.id,
                kind,
                attempt = attempt.current(),
                permanent,
                error = %e,
                "email not sent"
            );
            if permanent {
                Err(AbortError::new(e).into())
            } else {
                Err(e.into())
            }
        }
    }
}

/// Consumes the queue until `stop` resolves or the backend fails.
pub(crate) async fn run_worker(
    deps: Deps,
    mailer: Mailer,
    retry: Retry,
    stop: impl Future<Output = std::io::Result<()>> + Send + 'static,
) -> Result<(), WorkerError> {
    WorkerBuilder::new(worker_name(SendEmail::QUEUE))
        .backend(storage::<SendEmail>(&deps, SendEmail::QUEUE))
        .retry(retry)
        .timeout(ATTEMPT_TIMEOUT)
        .enable_tracing()
        .layer(catch_panic())
        .data(deps)
        .data(mailer)
        .build(handle)
        .run_until(stop)
        .await
}
