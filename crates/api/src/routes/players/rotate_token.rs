//! `POST /player/{player_key}/token/rotate`: the device replaces its bearer token (or gets a
//! first one back after losing it). Registered players only; the key is the only secret.
use axum::extract::{Path, State};
use axum::Json;

use super::{registered_by_key, RotatedToken};
use crate::error::ApiResult;
use crate::extract::{ClientIp, RateLimiter};
use crate::limits::PLAYER_TOKEN_ROTATE;
use crate::state::AppState;

#[utoipa::path(post, path = "/player/{player_key}/token/rotate", tag = "players",
    params(("player_key" = String, Path, description = "The player's key")),
    responses((status = 200, body = RotatedToken, description = "The old token is revoked"),
              (status = 404, description = "Unknown or not registered"),
              (status = 429, description = "More than 30 rotations per hour from this address")))]
pub async fn rotate_token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    Path(player_key): Path<String>,
) -> ApiResult<Json<RotatedToken>> {
    limiter.check(PLAYER_TOKEN_ROTATE, &ip.to_string()).await?;
    let player = registered_by_key(&state, &player_key).await?;
    Ok(Json(super::rotate_token(&state, player.id).await?))
}
