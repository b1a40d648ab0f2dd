//! View events from players (§3.8), over MQTT (`…/view`, acked on `…/view/ack` when asked)
//! and HTTPS (`/player/events/view`). Checks run in the spec's order: dedup of resends, the
//! one-view-per-5-s limit, the post, the owner's own post, and the once-a-day View.
use chrono::{DateTime, NaiveTime, Utc};
use protocol::view::{ack_ok, ack_rejected, Intent, ViewEvent, ViewRejection};
use serde_json::Value;
use uuid::Uuid;

use crate::{Ctx, DeviceError};

/// Resends of one event (QoS 1 redelivery, firmware retries) within this window are duplicates.
const RESEND_WINDOW_SECS: u64 = 60;
/// One view per 5 s per player, across MQTT and HTTPS.
const VIEW_INTERVAL: kv::Limit = kv::Limit::new("player_view", 1, 5);

/// What became of a view, for the caller to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewOutcome {
    Recorded,
    /// The owner's player showed the owner's post: accepted, not recorded.
    OwnPost,
    Duplicate,
    RateLimited {
        retry_after_secs: u64,
    },
    PostNotFound,
}

/// The Redis key that makes a View count once per viewer, post and UTC day. It is the key the
/// web's `POST /v1/post/{id}/view` uses for signed-in viewers, so the owner's web View and
/// their player's View of the same artwork on the same day collapse into one.
pub fn daily_view_key(user_id: i32, post_id: i64, now: DateTime<Utc>) -> String {
    format!("viewdedup:u:{user_id}:{post_id}:{}", now.format("%Y%m%d"))
}

/// Seconds until a minute past the next UTC midnight, so a day's key outlives its day.
pub fn until_next_day(now: DateTime<Utc>) -> u64 {
    let next = now
        .date_naive()
        .succ_opt()
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
        .unwrap_or(now);
    u64::try_from((next - now).num_seconds()).unwrap_or(0) + 60
}

/// `SET NX EX`: true when this call claimed the key. When Redis is down the view is let
/// through (recorded rather than lost), as the original did.
pub async fn claim(kv: &kv::Kv, key: &str, ttl_secs: u64) -> bool {
    match kv.set_nx_ex(key, "1", ttl_secs).await {
        Ok(claimed) => claimed,
        Err(e) => {
            tracing::warn!(error = %e, "view dedup unavailable; accepting");
            true
        }
    }
}

/// Records a view from an authenticated, active player; the caller checked the identity
/// (the bearer token over HTTPS, the topic key over MQTT).
pub async fn record_http_view(
    ctx: &Ctx,
    player: &db::players::ActivePlayer,
    event: ViewEvent,
) -> Result<ViewOutcome, DeviceError> {
    let key = player.player_key;
    let resend = format!(
        "player_view_seen:{key}:{}:{}",
        event.post_id, event.timestamp
    );
    if !claim(&ctx.kv, &resend, RESEND_WINDOW_SECS).await {
        return Ok(ViewOutcome::Duplicate);
    }
    match ctx.kv.hit(VIEW_INTERVAL, &key.to_string()).await {
        Ok(d) if !d.allowed => {
            return Ok(ViewOutcome::RateLimited {
                retry_after_secs: d.reset_secs.max(1),
            })
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "view rate limit unavailable; accepting"),
    }
    let Some(post_owner) = db::player_views::post_owner(&ctx.db, event.post_id).await? else {
        return Ok(ViewOutcome::PostNotFound);
    };
    if post_owner == player.owner_id {
        return Ok(ViewOutcome::OwnPost);
    }
    let daily = match event.intent {
        Intent::Artwork => {
            let now = Utc::now();
            let k = daily_view_key(player.owner_id, event.post_id, now);
            if !claim(&ctx.kv, &k, until_next_day(now)).await {
                return Ok(ViewOutcome::Duplicate);
            }
            Some(k)
        }
        Intent::Channel => None,
    };
    let row = db::player_views::NewPlayerView {
        post_id: event.post_id,
        viewer_user_id: player.owner_id,
        view_type: event.intent.view_type(),
        player_id: player.id,
        channel: &event.channel,
    };
    if let Err(e) = db::player_views::insert(&ctx.db, &row).await {
        // Free the day's slot so a later View can still be counted.
        if let Some(k) = daily {
            let _ = ctx.kv.del(&k).await;
        }
        return Err(e.into());
    }
    Ok(ViewOutcome::Recorded)
}

/// Why a key that is not an active player was refused, in the spec's order.
async fn inactive_reason(ctx: &Ctx, key: Uuid) -> Result<ViewRejection, DeviceError> {
    Ok(match db::players::find_by_key(&ctx.db, key).await? {
        Some(p) if p.registration_status == "registered" && p.owner_id.is_none() => {
            ViewRejection::PlayerNoOwner
        }
        Some(p) if p.registration_status == "registered" => ViewRejection::OwnerNotPermitted,
        _ => ViewRejection::PlayerNotRegistered,
    })
}

async fn check_and_record(
    ctx: &Ctx,
    key: Uuid,
    event: ViewEvent,
) -> Result<Result<(), ViewRejection>, DeviceError> {
    if !event.names_player(&key) {
        return Ok(Err(ViewRejection::PlayerKeyMismatch));
    }
    let Some(player) = db::players::find_active_by_key(&ctx.db, key).await? else {
        return Ok(Err(inactive_reason(ctx, key).await?));
    };
    Ok(match record_http_view(ctx, &player, event).await? {
        ViewOutcome::Recorded | ViewOutcome::OwnPost => Ok(()),
        ViewOutcome::Duplicate => Err(ViewRejection::Duplicate),
        ViewOutcome::RateLimited { retry_after_secs } => Err(ViewRejection::RateLimited {
            retry_after_secs: retry_after_secs as f64,
        }),
        ViewOutcome::PostNotFound => Err(ViewRejection::PostNotFound),
    })
}

/// `…/view`: returns the ack to publish on `…/view/ack`, only when the event asked for one.
/// Payloads that fail the schema are dropped without an ack.
pub async fn on_view(ctx: &Ctx, key: Uuid, payload: &[u8]) -> Option<Value> {
    let event = match protocol::view::parse(payload) {
        Ok(ev) => ev,
        Err(e) => {
            tracing::debug!(player_key = %key, error = %e, "view event dropped");
            return None;
        }
    };
    let wants_ack = event.request_ack;
    let post_id = event.post_id;
    let ack = match check_and_record(ctx, key, event).await {
        Ok(Ok(())) => ack_ok(),
        Ok(Err(r)) => {
            tracing::debug!(player_key = %key, post_id, code = r.code(), "view not counted");
            ack_rejected(&r)
        }
        Err(e) => {
            tracing::warn!(player_key = %key, post_id, error = %e, "view not recorded");
            ack_rejected(&ViewRejection::ProcessingError)
        }
    };
    wants_ack.then_some(ack)
}

#[cfg(test)]
mod tests {

    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn dedup_expires_a_minute_after_utc_midnight() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap_or_default();
        assert_eq!(until_next_day(at("2026-03-01T23:59:00Z")), 120);
        assert_eq!(until_next_day(at("2026-03-01T00:00:00Z")), 86_460);
    }

    #[test]
    fn daily_key_matches_the_web_and_expires_after_midnight() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            daily_view_key(7, 42, at("2026-03-01T23:59:00Z")),
            "viewdedup:u:7:42:20260301"
        );
        assert_eq!(until_next_day(at("2026-03-01T23:59:00Z")), 120);
        assert_eq!(until_next_day(at("2026-03-01T00:00:00Z")), 86_460);
    }
}
