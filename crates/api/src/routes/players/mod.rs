//! The player lifecycle over HTTP (player-protocol.md §1, http-api.md §2.9): a device
//! provisions itself and polls for its credentials, its owner registers it with the code,
//! then renames, re-keys or deletes it. Device routes live at `/player/...`, owner routes at
//! `/u/{sqid}/player/...`; both answer errors as `{"detail": ...}` (see `device_errors`).
//!
//! Owner routes: `{sqid}` must be the signed-in user's own sqid, else 403 — a player is its
//! owner's alone (moderators included), and answering 403 whatever the sqid names keeps the
//! route from telling which sqids exist. A player of another user is 404, as in the original.
pub mod credentials;
pub mod delete_player;
pub mod device_auth;
pub mod get_certs;
pub mod get_player;
pub mod issue;
pub mod list_players;
pub mod owner_renew_cert;
pub mod owner_rotate_token;
pub mod provision;
pub mod register;
pub mod rename_player;
pub mod renew_cert;
pub mod rotate_token;

use chrono::{DateTime, Utc};
use db::players::PlayerRow;
use db::users::UserRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dto::player::{BrokerInfo, HttpsApiInfo};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Names are 1 to 100 characters after trimming (the `players.name` check).
pub const MAX_NAME_CHARS: usize = 100;

pub fn player_not_found() -> ApiError {
    ApiError::not_found("Player not found")
}

/// `/u/{sqid}` names the caller, or the request is refused (see the module comment).
pub fn ensure_self(me: &UserRow, sqid: &str) -> ApiResult<()> {
    if me.public_sqid == sqid {
        Ok(())
    } else {
        Err(ApiError::forbidden("You can only manage your own players"))
    }
}

/// The caller's player by the id in the path; a malformed id, an unknown one and another
/// user's player are the same 404.
pub async fn owned_player(
    state: &AppState,
    me: &UserRow,
    sqid: &str,
    player_id: &str,
) -> ApiResult<PlayerRow> {
    ensure_self(me, sqid)?;
    let id = Uuid::parse_str(player_id).map_err(|_| player_not_found())?;
    db::players::find_owned(&state.db, me.id, id)
        .await?
        .ok_or_else(player_not_found)
}

/// The registered player a device names by its key (the key is the only secret there).
pub async fn registered_by_key(state: &AppState, player_key: &str) -> ApiResult<PlayerRow> {
    let key = Uuid::parse_str(player_key).map_err(|_| player_not_found())?;
    db::players::find_by_key(&state.db, key)
        .await?
        .filter(|p| p.registration_status == "registered")
        .ok_or_else(player_not_found)
}

/// A player name from a request: trimmed, 1 to 100 characters, else 422 on `name`.
pub fn valid_name(raw: &str) -> ApiResult<String> {
    let name = raw.trim();
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS {
        return Err(ApiError::invalid_field(
            "name",
            format!("Name must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_string())
}

pub fn broker(state: &AppState) -> BrokerInfo {
    BrokerInfo {
        host: state.config.mqtt_public_host.clone(),
        port: state.config.mqtt_public_port,
    }
}

pub fn https_api(state: &AppState) -> HttpsApiInfo {
    HttpsApiInfo {
        base_url: state.config.player_https_base_url.clone(),
        auth: "bearer".into(),
    }
}

/// `{api_token, rotated_at}`: a freshly minted device token (the old one is revoked).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RotatedToken {
    pub api_token: String,
    pub rotated_at: DateTime<Utc>,
}

/// Revokes the player's tokens and mints a new one (device and owner rotation share it).
pub async fn rotate_token(state: &AppState, player_id: Uuid) -> ApiResult<RotatedToken> {
    let token = auth::device::new_api_token();
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let rotated =
        db::player_tokens::rotate(&mut tx, player_id, &auth::device::api_token_hash(&token))
            .await?;
    if !rotated {
        return Err(player_not_found());
    }
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(RotatedToken {
        api_token: token,
        rotated_at: Utc::now(),
    })
}

/// §1.6: renewal is allowed without a certificate, or once at most `threshold_days` whole
/// days remain (an expired certificate included), as Python's `timedelta.days` counts them.
pub fn renewal_due(
    expires_at: Option<DateTime<Utc>>,
    threshold_days: i64,
    now: DateTime<Utc>,
) -> bool {
    match expires_at {
        None => true,
        Some(exp) => {
            let left = exp - now;
            // `num_days` truncates toward zero; floor it so "1.5 days overdue" is -2, not -1.
            let days = left.num_seconds().div_euclid(86_400);
            days <= threshold_days
        }
    }
}

/// 400 outside the renewal window, with the days left in the message.
pub fn ensure_renewal_due(state: &AppState, player: &PlayerRow) -> ApiResult<()> {
    let now = Utc::now();
    let threshold = state.config.cert_renewal_threshold_days;
    if renewal_due(player.cert_expires_at, threshold, now) {
        return Ok(());
    }
    let left = player
        .cert_expires_at
        .map(|e| (e - now).num_days())
        .unwrap_or_default();
    Err(ApiError::bad_request(format!(
        "Certificate renewal not needed yet: {left} days remaining (renewal opens {threshold} days before expiry)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn the_renewal_window_counts_whole_days() {
        let now = Utc::now();
        assert!(renewal_due(None, 90, now));
        assert!(renewal_due(
            Some(now + Duration::days(90) + Duration::hours(23)),
            90,
            now
        ));
        assert!(!renewal_due(Some(now + Duration::days(91)), 90, now));
        assert!(renewal_due(Some(now - Duration::days(3)), 90, now));
        assert!(renewal_due(Some(now - Duration::hours(1)), 0, now));
        assert!(!renewal_due(Some(now + Duration::days(1095)), 90, now));
        assert!(renewal_due(Some(now + Duration::days(1095)), 2000, now));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(valid_name("  Kitchen ").unwrap(), "Kitchen");
        assert!(valid_name("   ").is_err());
        assert!(valid_name(&"é".repeat(100)).is_ok());
        assert!(valid_name(&"a".repeat(101)).is_err());
    }
}
