//! The client's address: the socket peer, or the rightmost `X-Forwarded-For` entry when the
//! peer is a configured trusted proxy (Caddy appends the address it saw).
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use config::Config;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    pub fn resolve(parts: &Parts, state: &AppState) -> IpAddr {
        Self::from_parts(&parts.extensions, &parts.headers, &state.config)
    }

    /// Shared with the edge limiter, which sees the request before any extractor runs.
    pub fn from_parts(ext: &Extensions, headers: &HeaderMap, config: &Config) -> IpAddr {
        let peer = ext
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        if !config.is_trusted_proxy(peer) {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back()
            .unwrap_or(peer)
    }
}

impl<S> FromRequestParts<S> for ClientIp
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let st = AppState::from_ref(state);
        Ok(Self(Self::resolve(parts, &st)))
    }
}
