//! The device bearer token (`Authorization: Bearer mpx_live_…`) as an extractor: the player it
//! names, registered with an owner who may act (the check itself is
//! `routes::players::device_auth`). Rejections are always `{"detail": …}`, also on
//! `/player/rpc`, which otherwise answers its own envelope (http-api.md §2.10).
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use db::players::ActivePlayer;

use crate::error::ApiError;
use crate::extract::ClientIp;
use crate::state::AppState;

pub struct DeviceToken(pub ActivePlayer);

/// 401 (with `WWW-Authenticate`) or 429 (with `Retry-After`) as `{"detail": message}`.
#[derive(Debug)]
pub struct DeviceTokenRejection(pub ApiError);

impl IntoResponse for DeviceTokenRejection {
    fn into_response(self) -> Response {
        let message = self.0.message.clone();
        let (mut parts, _) = self.0.into_response().into_parts();
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        let body = axum::Json(serde_json::json!({ "detail": message }));
        (parts, body).into_response()
    }
}

impl<S> FromRequestParts<S> for DeviceToken
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = DeviceTokenRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let st = AppState::from_ref(state);
        let ip = ClientIp::resolve(parts, &st);
        crate::routes::players::device_auth::authenticate(&st, &parts.headers, ip)
            .await
            .map(Self)
            .map_err(DeviceTokenRejection)
    }
}
