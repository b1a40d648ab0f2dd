//! `POST /player/events/view`: a view event over HTTPS (§3.8 without the ack topic: the status
//! is the acknowledgement). The token names the player, so a `player_key` in the body is
//! ignored. Recorded (or the owner's own post) → 202; a resend or a View already counted today
//! → 200 `deduplicated`; more than one view per 5 s → 429 with `Retry-After`; unknown post → 404.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use device::views::ViewOutcome;
use serde_json::json;

use super::device_ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::DeviceToken;
use crate::state::AppState;

#[utoipa::path(post, path = "/player/events/view", tag = "players",
    security(("bearer" = [])),
    request_body(content = String, content_type = "application/json",
        description = "`{post_id, timestamp, timezone, intent: artwork|channel, play_order 0..2, \
                       channel, channel_user_sqid?, channel_hashtag?}`"),
    responses((status = 202, description = "`{success: true}`: recorded"),
              (status = 200, description = "`{success: true, deduplicated: true}`"),
              (status = 400, description = "Not a valid view event"),
              (status = 401, description = "Missing, unknown or revoked device token"),
              (status = 404, description = "Post not found"),
              (status = 429, description = "More than one view per 5 s, or 60 failed token checks per hour")))]
pub async fn view_event(
    State(state): State<AppState>,
    DeviceToken(player): DeviceToken,
    body: Bytes,
) -> ApiResult<Response> {
    let event = protocol::view::parse_http(&body, &player.player_key)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", e.to_string()))?;
    let outcome = device::views::record_http_view(&device_ctx(&state), &player, event)
        .await
        .map_err(ApiError::internal)?;
    Ok(match outcome {
        ViewOutcome::Recorded | ViewOutcome::OwnPost => {
            (StatusCode::ACCEPTED, Json(json!({ "success": true }))).into_response()
        }
        ViewOutcome::Duplicate => {
            Json(json!({ "success": true, "deduplicated": true })).into_response()
        }
        ViewOutcome::RateLimited { retry_after_secs } => {
            let mut e = ApiError::rate_limited(retry_after_secs);
            e.message = format!("Rate limited, retry after {retry_after_secs}s");
            return Err(e);
        }
        ViewOutcome::PostNotFound => return Err(ApiError::not_found("Post not found")),
    })
}
