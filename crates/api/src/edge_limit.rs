//! The per-address edge limit (tower-governor): a generous token bucket in front of every
//! route, keyed like the per-action limits on the client address a trusted proxy reports.
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response};
use axum::response::IntoResponse;
use axum::Router;
use config::Config;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

use crate::error::ApiError;
use crate::extract::ClientIp;

#[derive(Clone)]
pub struct ClientIpKey(Arc<Config>);

impl KeyExtractor for ClientIpKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<Self::Key, GovernorError> {
        Ok(ClientIp::from_parts(
            req.extensions(),
            req.headers(),
            &self.0,
        ))
    }
}

fn too_many(err: GovernorError) -> Response<Body> {
    match err {
        GovernorError::TooManyRequests { wait_time, .. } => {
            metrics::counter!("edge_rate_limited_total").increment(1);
            ApiError::rate_limited(wait_time).into_response()
        }
        other => {
            let mut r = ApiError::internal(format!("edge limiter: {other:?}")).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
    }
}

/// Wraps the router in the limiter and starts the task that forgets idle addresses, so the
/// limiter's memory stays bounded. Without a runtime (never in practice) the router is unchanged.
pub fn apply(router: Router, config: Arc<Config>) -> Router {
    let per_ms = 1000 / u64::from(config.edge_rate_per_second.max(1));
    let Some(cfg) = GovernorConfigBuilder::default()
        .per_millisecond(per_ms.max(1))
        .burst_size(config.edge_burst.max(1))
        .key_extractor(ClientIpKey(config))
        .finish()
    else {
        return router;
    };
    let limiter = cfg.limiter().clone();
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        rt.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                limiter.retain_recent();
            }
        });
    }
    router.layer(GovernorLayer::new(cfg).error_handler(too_many))
}
