//! `POST /player/renew-cert`: a device inside the renewal window gets a new key and certificate
//! (same CN). Make-before-break: the previous serial is not revoked, so the live session and a
//! reconnect with the old pair keep working until the device switches (§1.6).
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ensure_renewal_due, player_not_found};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter};
use crate::limits::{PLAYER_RENEW_IP, PLAYER_RENEW_PLAYER};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RenewedCert {
    pub cert_pem: String,
    pub key_pem: String,
    pub ca_pem: String,
    pub cert_expires_at: DateTime<Utc>,
    pub message: String,
}

#[utoipa::path(post, path = "/player/renew-cert", tag = "players",
    security(("bearer" = [])),
    responses((status = 200, body = RenewedCert),
              (status = 400, description = "More than the threshold (90 days by default) left"),
              (status = 401, description = "Missing, unknown or revoked device token"),
              (status = 429, description = "30 per hour per address, 10 per day per player, or 60 failed token checks per hour")))]
pub async fn renew_cert(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    headers: HeaderMap,
) -> ApiResult<Json<RenewedCert>> {
    let active = super::device_auth::authenticate(&state, &headers, ip).await?;
    limiter.check(PLAYER_RENEW_IP, &ip.to_string()).await?;
    let player = db::players::find_by_key(&state.db, active.player_key)
        .await?
        .ok_or_else(player_not_found)?;
    ensure_renewal_due(&state, &player)?;
    limiter
        .check(PLAYER_RENEW_PLAYER, &player.id.to_string())
        .await?;
    let cert = super::issue::issue_and_store(&state, player.id, player.player_key)
        .await
        .map_err(ApiError::internal)?;
    let ca = state.ca().await.map_err(ApiError::internal)?;
    tracing::info!(player_id = %player.id, serial = %cert.serial, "device renewed its certificate");
    Ok(Json(RenewedCert {
        cert_pem: cert.cert_pem,
        key_pem: cert.key_pem,
        ca_pem: ca.cert_pem().to_string(),
        cert_expires_at: cert.expires_at,
        message: "Certificate renewed. Use the new certificate on the next connection.".into(),
    }))
}
