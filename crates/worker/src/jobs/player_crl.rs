//! Rebuilding the players' CRL from the worker after an account purge removed players (their
//! serials are revoked by the cascade: `player_id` becomes null). Same file, lock and content
//! as the api's `pki_files::publish_crl`.
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::Deps;

/// Writes the CRL listing every revoked serial now; returns how many it lists. Needs the CA
/// (`makapix-api pki-init` creates it).
pub async fn rebuild_crl(deps: &Deps, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let crl = PathBuf::from(&deps.config.mqtt_crl_file);
    let dir = PathBuf::from(&deps.config.pki_dir);
    let ca = tokio::task::spawn_blocking(move || pki::Ca::load(&dir))
        .await?
        .context("loading the CA")?;
    if let Some(parent) = crl.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    // Held from reading the serials to the write, so an older snapshot never replaces a newer.
    let lock_path = crl.clone();
    let lock = tokio::task::spawn_blocking(move || pki::lock_crl(&lock_path)).await??;
    let revoked: Vec<pki::Revoked> = db::players::revoked_serials(&deps.pool)
        .await?
        .into_iter()
        .map(|(serial, revoked_at)| pki::Revoked { serial, revoked_at })
        .collect();
    let n = revoked.len();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let pem = ca.crl_pem(&revoked, now)?;
        pki::write_atomic(&crl, pem.as_bytes(), 0o644)
            .with_context(|| format!("writing {}", crl.display()))?;
        drop(lock);
        Ok(())
    })
    .await??;
    Ok(n)
}
