//! `POST /v1/auth/github/exchange`: a client that handled GitHub's redirect itself trades the
//! code for Makapix tokens (201, refresh cookie set).
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use utoipa::ToSchema;

use super::github;
use crate::dto::auth::OAuthTokens;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::state::AppState;
use crate::{limits, session};

#[derive(Deserialize, ToSchema)]
pub struct ExchangeBody {
    pub code: String,
    pub redirect_uri: String,
}

#[utoipa::path(post, path = "/v1/auth/github/exchange", tag = "auth", request_body = ExchangeBody,
    responses((status = 201, body = OAuthTokens), (status = 400, description = "token_invalid"),
              (status = 409, description = "Email collision")))]
pub async fn github_exchange(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    jar: CookieJar,
    ValidJson(body): ValidJson<ExchangeBody>,
) -> ApiResult<(StatusCode, CookieJar, Json<OAuthTokens>)> {
    limiter.check(limits::OAUTH, &ip.to_string()).await?;
    let gh = github::config(&state)?;
    let allowed = body.redirect_uri == gh.redirect_uri
        || gh.native_redirect_uris.contains(&body.redirect_uri);
    if !allowed {
        return Err(ApiError::bad_request("redirect_uri is not allowed"));
    }
    let user = github::sign_in_with_code(&state, &body.code, &body.redirect_uri).await?;
    let s = session::start(&state, &user).await?;
    let jar = jar.add(session::refresh_cookie(&state, s.refresh_token));
    Ok((
        StatusCode::CREATED,
        jar,
        Json(OAuthTokens::new(&user, s.access_token, s.access_expires_at)),
    ))
}
