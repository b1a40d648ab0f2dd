//! `renew-crl` (daily, 05:00 UTC): re-signs the players' CRL when it is missing or at most 7
//! days from its nextUpdate (player-protocol.md §2.4). Mosquitto refuses every player handshake
//! once the CRL it holds has expired, so this must never lapse; the api also checks at start-up.
use std::path::PathBuf;

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
    let n = super::player_crl::rebuild_crl(deps, now).await?;
    tracing::info!(job = NAME, revoked = n, crl = %crl.display(), "CRL re-signed");
    Ok(1)
}
