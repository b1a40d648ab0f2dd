//! `renew-crl` (daily, 05:00 UTC): re-signs the players' CRL when it is missing or at most 7
//! days from its nextUpdate (player-protocol.md §2.4). Mosquitto refuses every player handshake
//! once the CRL it holds has expired, so this must never lapse; the api also checks at start-up.
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::Deps;

pub const NAME: &str = "renew-crl";
/// Same threshold as the api's start-up check.
pub const RENEW_WITHIN_DAYS: i64 = 7;

/// Rebuilds the CRL from the database when it is due at `now`; returns 1 when it wrote one.
/// The CA must exist already (`makapix-api pki-init` creates it); this job never makes one.
pub async fn renew_crl(deps: &Deps, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let crl = PathBuf::from(&deps.config.mqtt_crl_file);
    if !pki::crl_due(&crl, now, RENEW_WITHIN_DAYS) {
        tracing::info!(job = NAME, crl = %crl.display(), "CRL still valid for over a week");
        return Ok(0);
    }
    let dir = PathBuf::from(&deps.config.pki_dir);
    let ca = tokio::task::spawn_blocking(move || pki::Ca::load(&dir))
        .await?
        .context("loading the CA (run `makapix-api pki-init` first)")?;
    // The api rebuilds the same file on player deletion: hold the shared lock from the read of
    // the revoked serials to the write, so an older snapshot never replaces a newer one.
    let lock_path = crl.clone();
    let lock = tokio::task::spawn_blocking(move || pki::lock_crl(&lock_path)).await??;
    let revoked: Vec<pki::Revoked> = db::players::revoked_serials(&deps.pool)
        .await?
        .into_iter()
        .map(|(serial, revoked_at)| pki::Revoked { serial, revoked_at })
        .collect();
    let n = revoked.len();
    let path = crl.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let pem = ca.crl_pem(&revoked, now)?;
        pki::write_atomic(&path, pem.as_bytes(), 0o644)
            .with_context(|| format!("writing {}", path.display()))?;
        drop(lock);
        Ok(())
    })
    .await??;
    tracing::info!(job = NAME, revoked = n, crl = %crl.display(), "CRL re-signed");
    Ok(1)
}
