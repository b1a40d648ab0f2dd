//! The `purge_account` consumer: removes a deactivated (or never verified) account for good.
//! Deleting the user row cascades to its tokens, identities, follows and blocks; the avatar
//! file is removed first so a retry after a partial failure never leaves an orphan file.
use std::future::Future;
use std::time::Duration;

use apalis::prelude::{Attempt, BoxDynError, Data, WorkerBuilder, WorkerBuilderExt};
use apalis_core::error::WorkerError;
use jobs::PurgeAccount;
use uuid::Uuid;
use vault::{Area, Ext};

use super::{catch_panic, storage, worker_name, Retry};
use crate::Deps;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);

/// Avatars keep their uploaded format; the key alone does not say which, so all are removed.
const AVATAR_EXTS: [Ext; 4] = [Ext::Png, Ext::Gif, Ext::Webp, Ext::Jpg];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purged {
    Removed,
    /// Already gone: the job is a redelivery or the account was purged another way.
    NotFound,
    /// The owner account is never purged, whatever asked for it.
    RefusedOwner,
    /// A verified account that was not deactivated: a stray job must not wipe a live account.
    RefusedActive,
}

#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(transparent)]
    Vault(#[from] vault::VaultError),
}

/// The UUID of an avatar storage key, tolerating a stored extension (`{uuid}.png`).
fn avatar_key(storage_key: &str) -> Option<Uuid> {
    let stem = storage_key.split('.').next().unwrap_or(storage_key);
    Uuid::parse_str(stem).ok()
}

pub async fn purge(deps: &Deps, user_id: i32) -> Result<Purged, PurgeError> {
    let Some(user) = db::users::find_by_id(&deps.pool, user_id).await? else {
        return Ok(Purged::NotFound);
    };
    if user.roles.iter().any(|r| r == "owner") {
        return Ok(Purged::RefusedOwner);
    }
    if user.email_verified && !user.deactivated {
        return Ok(Purged::RefusedActive);
    }
    if let Some(key) = user.avatar_storage_key.as_deref() {
        match avatar_key(key) {
            Some(key) => {
                for ext in AVATAR_EXTS {
                    deps.vault.delete(Area::Avatar, &key, ext).await?;
                }
            }
            None => tracing::warn!(user_id, "avatar storage key is not a UUID; file left"),
        }
    }
    let players = db::players::keys_owned(&deps.pool, user_id).await?;
    let mut conn = deps.pool.acquire().await.map_err(db::DbError::from)?;
    let removed = db::users::delete(&mut conn, user_id).await?;
    // The cascade revoked the players' serials (player_id set null); publish that.
    if removed && !players.is_empty() {
        match super::player_crl::rebuild_crl(deps, chrono::Utc::now()).await {
            Ok(n) => tracing::info!(user_id, players = players.len(), revoked = n, "CRL rebuilt"),
            Err(e) => tracing::error!(user_id, error = %e, "CRL not rebuilt after account purge"),
        }
    }
    Ok(if removed {
        Purged::Removed
    } else {
        Purged::NotFound
    })
}

async fn handle(job: PurgeAccount, deps: Data<Deps>, attempt: Attempt) -> Result<(), BoxDynError> {
    let user_id = job.user_id;
    match purge(&deps, user_id).await {
        Ok(outcome) => {
            metrics::counter!("worker_job_runs_total", "job" => PurgeAccount::QUEUE, "outcome" => "ok")
                .increment(1);
            match outcome {
                Purged::Removed => tracing::info!(user_id, "account purged"),
                Purged::NotFound => tracing::info!(user_id, "account already gone"),
                Purged::RefusedOwner => tracing::warn!(user_id, "refused to purge the owner"),
                Purged::RefusedActive => {
                    tracing::warn!(user_id, "refused to purge an active account")
                }
            }
            Ok(())
        }
        Err(e) => {
            metrics::counter!("worker_job_runs_total", "job" => PurgeAccount::QUEUE, "outcome" => "error")
                .increment(1);
            tracing::warn!(user_id, attempt = attempt.current(), error = %e, "purge failed");
            Err(e.into())
        }
    }
}

/// Consumes the queue until `stop` resolves or the backend fails.
pub(crate) async fn run_worker(
    deps: Deps,
    retry: Retry,
    stop: impl Future<Output = std::io::Result<()>> + Send + 'static,
) -> Result<(), WorkerError> {
    WorkerBuilder::new(worker_name(PurgeAccount::QUEUE))
        .backend(storage::<PurgeAccount>(&deps, PurgeAccount::QUEUE))
        .retry(retry)
        .timeout(ATTEMPT_TIMEOUT)
        .enable_tracing()
        .layer(catch_panic())
        .data(deps)
        .build(handle)
        .run_until(stop)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatar_keys_with_or_without_extension() {
        let k = Uuid::new_v4();
        assert_eq!(avatar_key(&k.to_string()), Some(k));
        assert_eq!(avatar_key(&format!("{k}.gif")), Some(k));
        assert_eq!(avatar_key("../etc/passwd"), None);
    }
}
