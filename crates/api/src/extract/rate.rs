//! Per-action rate limits. A handler counts hits through [`RateLimiter`]; the
//! `rate_limit_headers` middleware then reports the tightest limit of the request in
//! `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, on success and error alike.
use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use kv::{Decision, Limit};

use crate::error::ApiError;
use crate::state::AppState;

/// The decisions taken while serving one request.
#[derive(Clone, Default)]
pub struct RateSlot(Arc<Mutex<Vec<Decision>>>);

impl RateSlot {
    fn push(&self, d: Decision) {
        if let Ok(mut v) = self.0.lock() {
            v.push(d);
        }
    }

    /// The most constraining decision: a denial first, else the fewest remaining.
    fn tightest(&self) -> Option<Decision> {
        let v = self.0.lock().ok()?;
        v.iter()
            .copied()
            .min_by_key(|d| (d.allowed, d.remaining, std::cmp::Reverse(d.reset_secs)))
    }
}

pub struct RateLimiter {
    state: AppState,
    slot: RateSlot,
}

impl RateLimiter {
    /// Counts one hit; 429 with `Retry-After` when the limit is exhausted. Redis being down
    /// fails open (logged), so an outage of the limiter does not take sign-in down with it.
    pub async fn check(&self, limit: Limit, subject: &str) -> Result<(), ApiError> {
        match self.state.kv.hit(limit, subject).await {
            Ok(d) => {
                self.slot.push(d);
                if d.allowed {
                    Ok(())
                } else {
                    Err(ApiError::rate_limited(d.reset_secs))
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, limit = limit.name, "rate limiter unavailable; allowing");
                Ok(())
            }
        }
    }
}

impl<S> FromRequestParts<S> for RateLimiter
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let slot = parts
            .extensions
            .get::<RateSlot>()
            .cloned()
            .unwrap_or_default();
        Ok(Self {
            state: AppState::from_ref(state),
            slot,
        })
    }
}

pub async fn rate_limit_headers(mut req: Request, next: Next) -> Response {
    let slot = RateSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut resp = next.run(req).await;
    if let Some(d) = slot.tightest() {
        let h = resp.headers_mut();
        h.insert("ratelimit-limit", HeaderValue::from(d.limit));
        h.insert("ratelimit-remaining", HeaderValue::from(d.remaining));
        h.insert("ratelimit-reset", HeaderValue::from(d.reset_secs));
    }
    resp
}
