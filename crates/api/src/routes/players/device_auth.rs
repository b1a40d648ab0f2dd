//! The device bearer check of player-protocol.md §1.5: `Authorization: Bearer mpx_live_…`
//! names an unrevoked token of a registered player whose owner may act, else 401. An address
//! that failed more than 60 times in an hour gets 429 instead, valid token or not.
use std::net::IpAddr;

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use db::players::ActivePlayer;

use crate::error::{ApiError, ApiResult};
use crate::limits::DEVICE_AUTH_FAILURES;
use crate::state::AppState;

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn invalid() -> ApiError {
    let mut e = ApiError::auth_required();
    e.message = "Invalid or missing device token".into();
    e
}

/// The player behind the request's device token.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    ip: IpAddr,
) -> ApiResult<ActivePlayer> {
    let subject = ip.to_string();
    // Redis down: the check fails open, as every other limit does.
    if let Ok(d) = state.kv.peek(DEVICE_AUTH_FAILURES, &subject).await {
        if !d.allowed {
            return Err(ApiError::rate_limited(d.reset_secs));
        }
    }
    let found = match bearer(headers) {
        Some(token) if token.starts_with(auth::device::API_TOKEN_PREFIX) => {
            let hash = auth::device::api_token_hash(token);
            db::player_tokens::find_active_player(&state.db, &hash).await?
        }
        _ => None,
    };
    if let Some(player) = found {
        return Ok(player);
    }
    match state.kv.hit(DEVICE_AUTH_FAILURES, &subject).await {
        Ok(d) if !d.allowed => Err(ApiError::rate_limited(d.reset_secs)),
        Ok(_) => Err(invalid()),
        Err(e) => {
            tracing::warn!(error = %e, "device auth failure not counted");
            Err(invalid())
        }
    }
}
