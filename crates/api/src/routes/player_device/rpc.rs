//! `POST /player/rpc`: the MQTT request protocol over HTTPS (http-api.md §2.10). The body is
//! the request a device would publish; identity comes from the bearer token, never the body.
//! Answers are the protocol's own: 200 with the reply, or `{request_id, success: false, error,
//! error_code}` with a status for the code. `request_id` is optional here and echoed back
//! (null when absent). Token failures are 401/429 `{"detail"}` (see `DeviceToken`).
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use db::players::ActivePlayer;
use kv::Limit;
use serde_json::{json, Map, Value};

use super::device_ctx;
use crate::extract::{DeviceToken, RateLimiter};
use crate::limits::{PLAYER_RPC_REACT, PLAYER_RPC_READ};
use crate::state::AppState;

/// The id the shared parser needs (it requires one that is a topic level); replies carry the
/// client's own instead.
const PLACEHOLDER_ID: &str = "rpc";

/// `Some(limit)` for a known request type (`None` inside: limited by the service, as `echo`).
fn bucket(request_type: &str) -> Option<Option<Limit>> {
    match request_type {
        "query_posts" | "get_post" | "get_comments" | "get_playset" => Some(Some(PLAYER_RPC_READ)),
        "submit_reaction" | "revoke_reaction" => Some(Some(PLAYER_RPC_REACT)),
        "echo" => Some(None),
        _ => None,
    }
}

/// The HTTP status of a protocol error code; unknown codes are 400.
pub fn status_for(code: &str) -> StatusCode {
    match code {
        "player_key_mismatch"
        | "not_visible"
        | "not_available"
        | "content_not_approved"
        | "blocked" => StatusCode::FORBIDDEN,
        "not_found" | "deleted" | "user_not_found" | "playset_not_found" => StatusCode::NOT_FOUND,
        "reaction_limit_exceeded" => StatusCode::CONFLICT,
        "unsupported_kind" => StatusCode::UNPROCESSABLE_ENTITY,
        "rate_limited" | "rate_limit_exceeded" => StatusCode::TOO_MANY_REQUESTS,
        "internal_error" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn failure(request_id: &Value, error: &str, code: &str) -> Value {
    json!({ "request_id": request_id, "success": false, "error": error, "error_code": code })
}

fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// The client's `request_id`: strings as sent, other values as their JSON text, else null.
fn client_request_id(obj: &Map<String, Value>) -> Value {
    match obj.get("request_id") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) => Value::String(s.clone()),
        Some(other) => Value::String(other.to_string()),
    }
}

/// A `player_key` in the body must be the token's player.
fn key_matches(obj: &Map<String, Value>, player: &ActivePlayer) -> bool {
    match obj.get("player_key") {
        None | Some(Value::Null) => true,
        Some(Value::String(k)) => uuid::Uuid::parse_str(k).is_ok_and(|k| k == player.player_key),
        Some(_) => false,
    }
}

#[utoipa::path(post, path = "/player/rpc", tag = "players",
    security(("bearer" = [])),
    request_body(content = String, content_type = "application/json",
        description = "`{request_type, request_id?, player_key?, …}`: a request of player-protocol.md §3.3"),
    responses((status = 200, description = "`{request_id, success: true, …}`"),
              (status = 400, description = "`invalid_json`, `invalid_request`, `unknown_request_type`, …"),
              (status = 401, description = "`{\"detail\"}`: missing, unknown or revoked token, or an inactive player"),
              (status = 403, description = "`player_key_mismatch`, `not_visible`, `not_available`, `content_not_approved`"),
              (status = 404, description = "`not_found`, `deleted`, `user_not_found`, `playset_not_found`"),
              (status = 409, description = "`reaction_limit_exceeded`"),
              (status = 422, description = "`unsupported_kind`"),
              (status = 429, description = "`rate_limited` (60 reads, 30 reactions a minute), or 60 failed token checks an hour")))]
pub async fn rpc(
    State(state): State<AppState>,
    DeviceToken(player): DeviceToken,
    limiter: RateLimiter,
    body: Bytes,
) -> Response {
    let Ok(Value::Object(mut obj)) = serde_json::from_slice::<Value>(&body) else {
        let message = "Request body must be a JSON object";
        return reply(
            StatusCode::BAD_REQUEST,
            failure(&Value::Null, message, "invalid_json"),
        );
    };
    let request_id = client_request_id(&obj);
    let request_type = obj
        .get("request_type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let Some(limit) = bucket(request_type) else {
        let (message, code) = match obj.get("request_type") {
            Some(Value::String(t)) => {
                (format!("Unknown request type: {t}"), "unknown_request_type")
            }
            _ => ("request_type is required".to_string(), "invalid_request"),
        };
        return reply(
            StatusCode::BAD_REQUEST,
            failure(&request_id, &message, code),
        );
    };
    if !key_matches(&obj, &player) {
        let message = "player_key does not match the authenticated player";
        let body = failure(&request_id, message, "player_key_mismatch");
        return reply(StatusCode::FORBIDDEN, body);
    }
    if let Some(limit) = limit {
        if let Err(e) = limiter.check(limit, &player.id.to_string()).await {
            // Keeps the 429's Retry-After, with the protocol's body.
            let (parts, _) = e.into_response().into_parts();
            let body = failure(&request_id, "Rate limit exceeded", "rate_limited");
            return (parts, Json(body)).into_response();
        }
    }
    obj.insert("request_id".into(), Value::from(PLACEHOLDER_ID));
    obj.insert(
        "player_key".into(),
        Value::from(player.player_key.to_string()),
    );
    let bytes = Value::Object(obj).to_string().into_bytes();
    let request = match protocol::request::parse(&bytes) {
        Ok(r) => r,
        Err(e) => {
            return reply(
                StatusCode::BAD_REQUEST,
                failure(&request_id, &e.message, e.code),
            )
        }
    };
    let answer = device::requests::handle(&device_ctx(&state), &player, request).await;
    let mut body = answer.value();
    body["request_id"] = request_id;
    reply(answer.error_code.map_or(StatusCode::OK, status_for), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_the_documented_statuses() {
        assert_eq!(status_for("unknown_request_type"), StatusCode::BAD_REQUEST);
        assert_eq!(status_for("invalid_request"), StatusCode::BAD_REQUEST);
        assert_eq!(status_for("player_key_mismatch"), StatusCode::FORBIDDEN);
        assert_eq!(status_for("not_visible"), StatusCode::FORBIDDEN);
        assert_eq!(status_for("content_not_approved"), StatusCode::FORBIDDEN);
        assert_eq!(status_for("blocked"), StatusCode::FORBIDDEN);
        assert_eq!(status_for("deleted"), StatusCode::NOT_FOUND);
        assert_eq!(status_for("playset_not_found"), StatusCode::NOT_FOUND);
        assert_eq!(status_for("reaction_limit_exceeded"), StatusCode::CONFLICT);
        assert_eq!(
            status_for("unsupported_kind"),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status_for("rate_limit_exceeded"),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            status_for("internal_error"),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(status_for("missing_hashtag"), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn request_types_have_their_buckets() {
        assert_eq!(bucket("query_posts"), Some(Some(PLAYER_RPC_READ)));
        assert_eq!(bucket("get_playset"), Some(Some(PLAYER_RPC_READ)));
        assert_eq!(bucket("revoke_reaction"), Some(Some(PLAYER_RPC_REACT)));
        assert_eq!(bucket("echo"), Some(None));
        assert_eq!(bucket("submit_view"), None);
        assert_eq!(bucket(""), None);
    }
}
