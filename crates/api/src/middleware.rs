//! Cross-cutting HTTP behaviour: request ids, security headers, metrics, the 404 fallback.
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use tower_http::request_id::{MakeRequestId, RequestId};

use crate::error::ApiError;

pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// 8 lowercase hex characters, as the original sends.
#[derive(Clone, Copy, Default)]
pub struct ShortRequestId;

impl MakeRequestId for ShortRequestId {
    fn make_request_id<B>(&mut self, _req: &http::Request<B>) -> Option<RequestId> {
        let mut b = [0u8; 4];
        rand::rngs::OsRng.fill_bytes(&mut b);
        HeaderValue::from_str(&hex::encode(b))
            .ok()
            .map(RequestId::new)
    }
}

/// Headers every response carries (§1.8). HSTS only when the site is served over https.
pub fn security_headers(hsts: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut h = vec![
        (HeaderName::from_static("x-content-type-options"), HeaderValue::from_static("nosniff")),
        (HeaderName::from_static("x-frame-options"), HeaderValue::from_static("DENY")),
        (HeaderName::from_static("x-xss-protection"), HeaderValue::from_static("1; mode=block")),
        (
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
            ),
        ),
        (
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ),
    ];
    if hsts {
        h.push((
            HeaderName::from_static("strict-transport-security"),
            HeaderValue::from_static("max-age=31536000; includeSubDomains; preload"),
        ));
    }
    h
}

/// Counts requests and their latency by matched route and status.
pub async fn track_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().to_string();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    let labels = [("method", method), ("path", path), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    resp
}

/// Unknown routes: the `/v1` envelope there, FastAPI's `{"detail":"Not Found"}` elsewhere.
pub async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/v1/") || uri.path() == "/v1" {
        ApiError::not_found("Not Found").into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({ "detail": "Not Found" })),
        )
            .into_response()
    }
}

/// Rewrites framework rejections (405, 413 from the body limit) on `/v1` into the envelope.
pub async fn envelope_framework_errors(req: Request, next: Next) -> Response {
    let v1 = req.uri().path().starts_with("/v1");
    let resp = next.run(req).await;
    let status = resp.status();
    // Only bodies the framework produced (none, or plain text) are rewritten; JSON errors and
    // the OAuth HTML pages are already what the client should see.
    let framework_body = resp
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if v1 && (status.is_client_error() || status.is_server_error()) && framework_body {
        let msg = status.canonical_reason().unwrap_or("Error");
        let mut out =
            ApiError::new(status, crate::error::code_for_status(status), msg).into_response();
        for name in ["allow", "retry-after"] {
            if let Some(v) = resp.headers().get(name) {
                out.headers_mut()
                    .insert(HeaderName::from_static(name), v.clone());
            }
        }
        return out;
    }
    resp
}
