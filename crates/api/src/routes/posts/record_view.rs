//! `POST /v1/post/{id}/view`: the web reports that a post was looked at (`view`, the default)
//! or passed across the screen (`impression`). Views count once per visitor per post per UTC
//! day (201 the first time, 204 after); impressions are limited to one per 3 s per visitor
//! (429 with `Retry-After`). Bots and authors looking at their own post get 204 and nothing is
//! stored. Visitors are user ids or salted IP hashes; a raw address is never stored. Counters on
//! the post are left to the daily rollup, which owns `view_events`.
use std::net::IpAddr;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{flags, post_not_found, viewer};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, MaybeAuthUser};
use crate::state::AppState;

/// Lower-case User-Agent fragments of automated clients; an empty User-Agent counts as one too.
pub const BOT_MARKERS: &[&str] = &[
    "bot",
    "crawler",
    "spider",
    "slurp",
    "curl",
    "wget",
    "python-requests",
    "headless",
];
const MOBILE_MARKERS: &[&str] = &["mobile", "android", "iphone", "ipad", "ipod"];
const IMPRESSION_COOLDOWN_SECS: u64 = 3;
const MAX_CHANNEL_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    #[default]
    View,
    Impression,
}

/// The optional body. `channel_context` and `play_order` are accepted for the web player's
/// sake but not stored.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ViewRequest {
    pub intent: Option<Intent>,
    pub channel: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub channel_context: Option<serde_json::Value>,
    pub play_order: Option<i32>,
}

/// The body may be absent (the permalink sends none) and its Content-Type is not required,
/// so beacons sent as text still count.
fn parse_body(body: &[u8]) -> ApiResult<ViewRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ViewRequest::default());
    }
    let req: ViewRequest = serde_json::from_slice(body).map_err(|e| {
        ApiError::validation(vec![
            json!({"loc": ["body"], "msg": e.to_string(), "type": "value_error"}),
        ])
    })?;
    if req
        .channel
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_CHANNEL_CHARS)
    {
        return Err(ApiError::invalid_field(
            "channel",
            format!("channel must be at most {MAX_CHANNEL_CHARS} characters"),
        ));
    }
    Ok(req)
}

pub fn is_bot(user_agent: &str) -> bool {
    let ua = user_agent.trim().to_ascii_lowercase();
    ua.is_empty() || BOT_MARKERS.iter().any(|m| ua.contains(m))
}

fn device(user_agent: &str) -> &'static str {
    let ua = user_agent.to_ascii_lowercase();
    if MOBILE_MARKERS.iter().any(|m| ua.contains(m)) {
        "mobile"
    } else {
        "desktop"
    }
}

/// Hex SHA-256 of salt + address: stable per visitor, useless without the salt.
pub fn ip_hash(salt: &str, ip: IpAddr) -> String {
    hex::encode(Sha256::digest(format!("{salt}{ip}").as_bytes()))
}

#[utoipa::path(post, path = "/v1/post/{id}/view", tag = "posts", params(("id" = i64, Path)),
    request_body(content = Option<ViewRequest>, description = "Optional; no body means a view"),
    responses((status = 201, description = "Recorded"), (status = 204, description = "Not counted (repeat, bot or own post)"),
              (status = 404, description = "Post not found"), (status = 422, description = "validation_error"),
              (status = 429, description = "rate_limited (impressions), with Retry-After")))]
pub async fn record_view(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req = parse_body(&body)?;
    let post = db::posts::find_by_id(&state.db, id)
        .await?
        .filter(|p| domain::visibility::can_access(&flags(p), viewer(me.as_ref())))
        .ok_or_else(post_not_found)?;
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if is_bot(ua) || me.as_ref().is_some_and(|u| u.id == post.owner_id) {
        return Ok(StatusCode::NO_CONTENT);
    }
    let ip_hash = ip_hash(state.config.ip_hash_salt.expose(), ip);
    let visitor = match &me {
        Some(u) => format!("u:{}", u.id),
        None => format!("ip:{ip_hash}"),
    };
    let intent = req.intent.unwrap_or_default();
    let now = Utc::now();
    let dedup_key = match intent {
        Intent::Impression => {
            let key = format!("impression:{visitor}");
            if !device::views::claim(&state.kv, &key, IMPRESSION_COOLDOWN_SECS).await {
                return Err(ApiError::rate_limited(IMPRESSION_COOLDOWN_SECS));
            }
            None
        }
        Intent::View => {
            // A member's key is shared with their players' views (device::views), so the same
            // artwork seen on the web and on a frame the same day counts once.
            let key = match &me {
                Some(u) => device::views::daily_view_key(u.id, id, now),
                None => format!("viewdedup:{visitor}:{id}:{}", now.format("%Y%m%d")),
            };
            if !device::views::claim(&state.kv, &key, device::views::until_next_day(now)).await {
                return Ok(StatusCode::NO_CONTENT);
            }
            Some(key)
        }
    };
    let event = db::view_events::NewViewEvent {
        post_id: id,
        viewer_user_id: me.as_ref().map(|u| u.id),
        viewer_ip_hash: Some(&ip_hash),
        view_type: match intent {
            Intent::View => "view",
            Intent::Impression => "impression",
        },
        source: "web",
        device: Some(device(ua)),
        channel: req.channel.as_deref(),
    };
    if let Err(e) = db::view_events::insert(&state.db, &event).await {
        // Free the day's slot so the visitor's next view can still be counted.
        if let Some(key) = dedup_key {
            let _ = state.kv.del(&key).await;
        }
        return Err(e.into());
    }
    Ok(StatusCode::CREATED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bots_and_devices() {
        assert!(is_bot(""));
        assert!(is_bot("  "));
        assert!(is_bot("Mozilla/5.0 (compatible; Googlebot/2.1)"));
        assert!(is_bot("curl/8.5.0"));
        assert!(is_bot("Mozilla/5.0 HeadlessChrome/120.0"));
        assert!(!is_bot("Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"));
        assert_eq!(device("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"), "mobile");
        assert_eq!(device("Mozilla/5.0 (Linux; Android 14) Mobile"), "mobile");
        assert_eq!(
            device("Mozilla/5.0 (Windows NT 10.0; Win64; x64)"),
            "desktop"
        );
    }

    #[test]
    fn ip_hash_is_salted() {
        let ip: IpAddr = [203, 0, 113, 9].into();
        let a = ip_hash("salt-a", ip);
        assert_eq!(a.len(), 64);
        assert_ne!(a, ip_hash("salt-b", ip));
        assert!(!a.contains("203.0.113.9"));
    }
}
