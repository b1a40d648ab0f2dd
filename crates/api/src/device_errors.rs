//! Device-plane error shape. `/player/*` and `/u/{sqid}/player/*` answer errors the way the
//! firmware expects (`{"detail": ...}`, FastAPI style) instead of the `/v1` envelope: handlers
//! and extractors keep returning [`ApiError`](crate::error::ApiError), and this layer rewrites
//! the body, so one error type serves both planes.
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Value};

/// Codes that need more than a sentence: the client branches on them.
const STRUCTURED: &[&str] = &[
    "unsupported_command",
    "invalid_value",
    "player_limit_reached",
    "broker_unavailable",
    "unknown_request_type",
    "player_key_mismatch",
];

/// True for the paths of the device plane (never versioned).
pub fn is_device_path(path: &str) -> bool {
    if path.starts_with("/player/") {
        return true;
    }
    // /u/{sqid}/player[/...]
    let mut parts = path.trim_start_matches('/').splitn(4, '/');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some("u"), Some(_), Some("player"))
    )
}

pub async fn device_error_shape(req: Request, next: Next) -> Response {
    let device = is_device_path(req.uri().path()) && !req.uri().path().starts_with("/player/rpc");
    let resp = next.run(req).await;
    let status = resp.status();
    if !device || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    // Error bodies are small; anything unreadable is passed on as it was.
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Some(detail) = detail_of(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let out = serde_json::to_vec(&json!({ "detail": detail })).unwrap_or_default();
    parts.headers.remove(http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// `{"error":{code,message,details?}}` → the `detail` value; `None` if not an envelope.
fn detail_of(bytes: &[u8]) -> Option<Value> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    let e = v.get("error")?;
    let code = e.get("code")?.as_str()?;
    let message = e.get("message").cloned().unwrap_or(Value::Null);
    let details = e.get("details");
    if code == "validation_error" {
        // `ApiError::validation` keeps the list under `errors`; FastAPI's shape is the bare list.
        let list = details.and_then(|d| d.get("errors").or(Some(d)));
        if let Some(Value::Array(list)) = list {
            return Some(Value::Array(list.clone()));
        }
    }
    if STRUCTURED.contains(&code) || details.is_some() {
        let mut obj = json!({ "code": code, "message": message });
        if let (Some(Value::Object(extra)), Some(o)) = (details, obj.as_object_mut()) {
            for (k, v) in extra {
                o.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        return Some(obj);
    }
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_paths_are_recognised() {
        assert!(is_device_path("/player/provision"));
        assert!(is_device_path("/u/abc/player"));
        assert!(is_device_path("/u/abc/player/123/command"));
        assert!(!is_device_path("/v1/user/abc"));
        assert!(!is_device_path("/u/abc/players"));
        assert!(!is_device_path("/v1/u/abc/player"));
    }

    #[test]
    fn envelopes_become_details() {
        let plain = br#"{"error":{"code":"not_found","message":"Player not found"}}"#;
        assert_eq!(detail_of(plain), Some(json!("Player not found")));
        let structured = br#"{"error":{"code":"unsupported_command","message":"no","details":{"feature":"mirror"}}}"#;
        assert_eq!(
            detail_of(structured),
            Some(json!({"code":"unsupported_command","message":"no","feature":"mirror"}))
        );
        assert_eq!(detail_of(b"not json"), None);
        let invalid = br#"{"error":{"code":"validation_error","message":"m","details":{"errors":[{"loc":["body","name"]}]}}}"#;
        assert_eq!(detail_of(invalid), Some(json!([{"loc":["body","name"]}])));
    }
}
