//! `GET /player/{player_key}/credentials`: the device's polling target after provisioning
//! (every 3 s for up to 15 min). 404 until the player is registered and has a certificate;
//! then the bundle, with a device token minted only while the player has no active one.
use axum::extract::{Path, State};
use axum::Json;

use super::issue::Credentials;
use super::registered_by_key;
use crate::error::ApiResult;
use crate::extract::{ClientIp, RateLimiter};
use crate::limits::PLAYER_CREDENTIALS;
use crate::state::AppState;

#[utoipa::path(get, path = "/player/{player_key}/credentials", tag = "players",
    params(("player_key" = String, Path, description = "The key from provisioning (the only secret)")),
    responses((status = 200, body = Credentials),
              (status = 404, description = "Unknown or not registered yet, or no certificate"),
              (status = 429, description = "More than 30 requests per minute from this address")))]
pub async fn credentials(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    Path(player_key): Path<String>,
) -> ApiResult<Json<Credentials>> {
    limiter.check(PLAYER_CREDENTIALS, &ip.to_string()).await?;
    let player = registered_by_key(&state, &player_key).await?;
    let bundle = super::issue::bundle(&state, player.id).await?;
    let token = auth::device::new_api_token();
    let hash = auth::device::api_token_hash(&token);
    // The partial unique index decides: of two racing first fetches, one gets the token.
    let minted = db::player_tokens::insert_if_none_active(&state.db, player.id, &hash).await?;
    Ok(Json(Credentials {
        ca_pem: bundle.ca_pem,
        cert_pem: bundle.cert_pem,
        key_pem: bundle.key_pem,
        broker: bundle.broker,
        https_api: bundle.https_api,
        api_token: minted.then_some(token),
    }))
}
