//! The device plane beyond the lifecycle (http-api.md §2.9, §2.10): the HTTPS twin of the MQTT
//! request protocol (`/player/rpc`), view events over HTTPS, and the anonymous helpers players
//! use to check a channel before playing it (`/player/verify-*`, `/player/p/{sqid}`).
//!
//! The helpers are public, cached briefly, limited to 30 requests a minute per address (one
//! bucket for all of them) and answer with `Access-Control-Allow-Origin: *`, so web players on
//! `.local` hostnames can read them, errors included.
pub mod public_post;
pub mod rpc;
pub mod verify_hashtag;
pub mod verify_reactions;
pub mod verify_user;
pub mod view_event;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use db::users::UserRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::extract::RateLimiter;
use crate::limits::PLAYER_VERIFY;
use crate::state::AppState;

/// Public sqids are at most 16 characters; anything longer is not looked up.
pub const MAX_SQID_CHARS: usize = 16;
/// Channel counts stop here (`artwork_count_capped` says when there were more).
pub const COUNT_CAP: i64 = 100;
/// The cache family of the helpers: never bumped, entries simply expire.
const CACHE_FAMILY: &str = "player_verify";

/// The service context the device crate works with, from the api's state.
pub fn device_ctx(state: &AppState) -> device::Ctx {
    device::Ctx {
        db: state.db.clone(),
        kv: state.kv.clone(),
        sqids: state.sqids.clone(),
        vault_base_url: state
            .config
            .vault_public_base_url
            .trim_end_matches('/')
            .to_string(),
    }
}

/// Adds `Access-Control-Allow-Origin: *` to whatever the helper answered.
pub fn any_origin(result: ApiResult<Response>) -> Response {
    let mut resp = match result {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    resp.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    resp
}

/// The shared per-address limit of the helpers.
pub async fn check_limit(limiter: &RateLimiter, ip: std::net::IpAddr) -> ApiResult<()> {
    limiter.check(PLAYER_VERIFY, &ip.to_string()).await
}

/// Read-through cache for a helper's answer (`ttl_secs`); errors are not cached.
pub async fn cached<T, F, Fut>(
    state: &AppState,
    key: &str,
    ttl_secs: u64,
    compute: F,
) -> ApiResult<T>
where
    T: Serialize + serde::de::DeserializeOwned,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ApiResult<T>>,
{
    crate::listing::cache::cached(state, CACHE_FAMILY, key, ttl_secs, compute).await
}

/// A user a player may follow: the sqid round-trips and the account is verified, active, not
/// hidden by moderators and not banned. Anything else is the same 404.
pub async fn eligible_user(state: &AppState, sqid: &str) -> ApiResult<UserRow> {
    let not_found = || ApiError::not_found("User not found");
    if sqid.chars().count() > MAX_SQID_CHARS {
        return Err(not_found());
    }
    let id = state.sqids.decode_user(sqid).ok_or_else(not_found)?;
    let user = db::users::find_by_id(&state.db, id)
        .await?
        .filter(|u| u.public_sqid == sqid)
        .ok_or_else(not_found)?;
    let eligible = user.email_verified
        && !user.deactivated
        && !user.hidden_by_mod
        && !user.is_banned(Utc::now());
    if eligible {
        Ok(user)
    } else {
        Err(not_found())
    }
}

/// The newest post of a channel, as the helpers show it (all null when there is none).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct LatestArtwork {
    pub latest_artwork_url: Option<String>,
    pub latest_artwork_sqid: Option<String>,
    pub latest_artwork_width: Option<i32>,
    pub latest_artwork_height: Option<i32>,
}

impl LatestArtwork {
    pub fn from_preview(state: &AppState, p: Option<db::player_channels::Preview>) -> Self {
        let Some(p) = p else {
            return Self::default();
        };
        let format = p.native_format.as_deref().unwrap_or("png");
        Self {
            latest_artwork_url: Some(crate::dto::post::art_url(
                &state.config.vault_public_base_url,
                &p.storage_key,
                format,
            )),
            latest_artwork_sqid: Some(p.public_sqid),
            latest_artwork_width: p.width,
            latest_artwork_height: p.height,
        }
    }
}

/// `(count up to the cap, whether there were more)` from a count taken with cap + 1.
pub fn capped(count: i64) -> (i64, bool) {
    (count.min(COUNT_CAP), count > COUNT_CAP)
}
