//! `POST /u/{sqid}/player/{player_id}/renew-cert`: the owner has a new certificate minted
//! (same window rule as the device's renewal). The device is not told: it picks the new pair
//! up from `/credentials`; the old serial keeps working meanwhile.
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ensure_renewal_due, owned_player};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, RateLimiter};
use crate::limits::PLAYER_RENEW_PLAYER;
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OwnerRenewed {
    pub cert_expires_at: DateTime<Utc>,
    pub message: String,
}

#[utoipa::path(post, path = "/u/{sqid}/player/{player_id}/renew-cert", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid"),
           ("player_id" = String, Path, description = "The player's id")),
    responses((status = 200, body = OwnerRenewed),
              (status = 400, description = "More than the threshold (90 days by default) left"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's"),
              (status = 404, description = "No such player of the caller"),
              (status = 429, description = "10 renewals per day per player (shared with the device)")))]
pub async fn owner_renew_cert(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    limiter: RateLimiter,
    Path((sqid, player_id)): Path<(String, String)>,
) -> ApiResult<Json<OwnerRenewed>> {
    let player = owned_player(&state, &me, &sqid, &player_id).await?;
    ensure_renewal_due(&state, &player)?;
    limiter
        .check(PLAYER_RENEW_PLAYER, &player.id.to_string())
        .await?;
    let cert = super::issue::issue_and_store(&state, player.id, player.player_key)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(OwnerRenewed {
        cert_expires_at: cert.expires_at,
        message: "Certificate renewed. The device picks it up from its credentials.".into(),
    }))
}
