//! `POST /v1/auth/login`: password sign-in for the web; the refresh token goes in a cookie.
use axum::extract::State;
use axum::Json;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::dto::auth::OAuthTokens;
use crate::error::ApiResult;
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::routes::auth::password_sign_in;
use crate::session;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = OAuthTokens), (status = 401, description = "Bad credentials or banned"),
              (status = 403, description = "email_not_verified"), (status = 429, description = "rate_limited")))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    jar: CookieJar,
    ValidJson(body): ValidJson<LoginBody>,
) -> ApiResult<(CookieJar, Json<OAuthTokens>)> {
    let user = password_sign_in(&state, &limiter, ip, &body.email, &body.password).await?;
    let s = session::start(&state, &user).await?;
    let jar = jar.add(session::refresh_cookie(&state, s.refresh_token));
    Ok((
        jar,
        Json(OAuthTokens::new(&user, s.access_token, s.access_expires_at)),
    ))
}
