//! `POST /v1/auth/refresh`: rotates the refresh cookie and returns a new access token.
use axum::extract::State;
use axum::Json;
use axum_extra::extract::CookieJar;

use crate::dto::auth::OAuthTokens;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter};
use crate::limits;
use crate::session::{self, REFRESH_COOKIE};
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth",
    responses((status = 200, body = OAuthTokens), (status = 401, description = "Missing, invalid or reused refresh token")))]
pub async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    jar: CookieJar,
) -> ApiResult<(CookieJar, Json<OAuthTokens>)> {
    limiter.check(limits::REFRESH, &ip.to_string()).await?;
    let Some(raw) = jar
        .get(REFRESH_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Err(ApiError::unauthorized("No refresh token found in cookie"));
    };
    let (user, s) = session::rotate(&state, &raw).await?;
    let jar = jar.add(session::refresh_cookie(&state, s.refresh_token));
    Ok((
        jar,
        Json(OAuthTokens::new(&user, s.access_token, s.access_expires_at)),
    ))
}
