//! Certificates for players: minted off the async threads, stored on the row with their serial
//! recorded (for the CRL later), served as bundles, and the teardown after a deletion.
use std::path::Path;

use db::players::StoredCert;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dto::player::{BrokerInfo, HttpsApiInfo};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The device's full credentials (`GET /player/{key}/credentials`); `api_token` is set only on
/// the fetch that minted it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Credentials {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
    pub broker: BrokerInfo,
    pub https_api: HttpsApiInfo,
    pub api_token: Option<String>,
}

/// The owner's copy of the certificate bundle (no device token).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CertBundle {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
    pub broker: BrokerInfo,
    pub https_api: HttpsApiInfo,
}

/// Mints a new key and certificate for the player and stores both (the previous serial stays
/// valid: make-before-break, §1.6).
pub async fn issue_and_store(
    state: &AppState,
    player_id: Uuid,
    player_key: Uuid,
) -> anyhow::Result<StoredCert> {
    let ca = state.ca().await?;
    // RSA-2048 key generation takes tens to hundreds of milliseconds.
    let issued = tokio::task::spawn_blocking(move || ca.issue_player(&player_key)).await??;
    let cert = StoredCert {
        cert_pem: issued.cert_pem,
        key_pem: issued.key_pem,
        serial: issued.serial,
        issued_at: issued.not_before,
        expires_at: issued.not_after,
    };
    let mut tx = state.db.begin().await?;
    db::players::store_cert(&mut tx, player_id, &cert).await?;
    tx.commit().await?;
    Ok(cert)
}

/// The stored certificate with the CA; 404 when none was stored (registration's mint failed).
pub async fn bundle(state: &AppState, player_id: Uuid) -> ApiResult<CertBundle> {
    let cert = db::players::stored_cert(&state.db, player_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No certificate for this player"))?;
    let ca = state.ca().await.map_err(ApiError::internal)?;
    Ok(CertBundle {
        ca_pem: ca.cert_pem().to_string(),
        cert_pem: cert.cert_pem,
        key_pem: cert.key_pem,
        broker: super::broker(state),
        https_api: super::https_api(state),
    })
}

/// Rebuilds the CRL from every revoked serial (`pki_files` serialises rebuilds with a file
/// lock, so one that read the database earlier never overwrites one that read it later).
pub async fn publish_crl(state: &AppState) -> anyhow::Result<usize> {
    let ca = state.ca().await?;
    crate::pki_files::publish_crl(&state.db, &ca, Path::new(&state.config.mqtt_crl_file)).await
}

/// After a player's serials were revoked and its row deleted (committed): the CRL is rebuilt
/// first, then the live session is dropped, so the device cannot reconnect with its old
/// certificate. Runs after the response; failures are logged (the daily CRL job and the next
/// deletion rebuild the CRL from the database again).
pub fn spawn_teardown(state: &AppState, player_keys: Vec<Uuid>) {
    let state = state.clone();
    tokio::spawn(async move {
        match publish_crl(&state).await {
            Ok(n) => tracing::info!(revoked = n, "CRL rebuilt after player removal"),
            Err(e) => tracing::error!(error = %e, "CRL not rebuilt after player removal"),
        }
        // Each drop waits for the broker's reload; do them side by side, not one after another.
        let state = &state;
        let drops = player_keys.into_iter().map(|key| async move {
            if let Err(e) = crate::mqtt_kick::drop_session(&state.config, &key).await {
                tracing::warn!(player_key = %key, error = %e, "live player session not dropped");
            }
        });
        futures::future::join_all(drops).await;
    });
}

/// Account deletion: the deactivated owner's players lose their certificates and live sessions
/// at once; the rows themselves go with the account purge. Failures are logged (the purge
/// rebuilds the CRL again once the rows are gone).
pub async fn teardown_account(state: &AppState, owner_id: i32) {
    let keys = match db::players::keys_owned(&state.db, owner_id).await {
        Ok(keys) if keys.is_empty() => return,
        Ok(keys) => keys,
        Err(e) => {
            tracing::error!(owner_id, error = %e, "players of a deleted account not listed");
            return;
        }
    };
    match db::players::revoke_owner_serials(&state.db, owner_id).await {
        Ok(n) => tracing::info!(
            owner_id,
            revoked = n,
            "players of a deleted account revoked"
        ),
        Err(e) => tracing::error!(owner_id, error = %e, "players of a deleted account not revoked"),
    }
    spawn_teardown(state, keys);
}
