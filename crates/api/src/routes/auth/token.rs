//! `POST /v1/auth/token`: the native clients' token endpoint. Grants `password`,
//! `refresh_token` (same rotation rules as the cookie) and `authorization_code` (the code
//! minted by the GitHub callback for native apps, checked with PKCE S256).
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::dto::auth::NativeTokens;
use crate::dto::user::UserFull;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::limits;
use crate::routes::auth::{github, password_sign_in};
use crate::session::{self, Session};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct TokenBody {
    pub grant_type: String,
    pub email: Option<String>,
    pub password: Option<String>,
    pub refresh_token: Option<String>,
    pub code: Option<String>,
    pub code_verifier: Option<String>,
}

fn missing(field: &str) -> ApiError {
    ApiError::invalid_field(field, "field required").with_status(StatusCode::BAD_REQUEST)
}

#[utoipa::path(post, path = "/v1/auth/token", tag = "auth", request_body = TokenBody,
    responses((status = 200, body = NativeTokens), (status = 400, description = "validation_error or token_invalid"),
              (status = 401, description = "token_invalid or bad credentials")))]
pub async fn token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<TokenBody>,
) -> ApiResult<Json<NativeTokens>> {
    let (user, s): (db::users::UserRow, Session) = match body.grant_type.as_str() {
        "password" => {
            let email = body.email.as_deref().ok_or_else(|| missing("email"))?;
            let password = body
                .password
                .as_deref()
                .ok_or_else(|| missing("password"))?;
            let user = password_sign_in(&state, &limiter, ip, email, password).await?;
            let s = session::start(&state, &user).await?;
            (user, s)
        }
        "refresh_token" => {
            limiter.check(limits::REFRESH, &ip.to_string()).await?;
            let raw = body
                .refresh_token
                .as_deref()
                .ok_or_else(|| missing("refresh_token"))?;
            session::rotate(&state, raw).await?
        }
        "authorization_code" => {
            limiter.check(limits::OAUTH, &ip.to_string()).await?;
            let code = body.code.as_deref().ok_or_else(|| missing("code"))?;
            let verifier = body
                .code_verifier
                .as_deref()
                .ok_or_else(|| missing("code_verifier"))?;
            let user = github::redeem_native_code(&state, code, verifier).await?;
            let s = session::start(&state, &user).await?;
            (user, s)
        }
        other => {
            return Err(ApiError::invalid_field(
                "grant_type",
                format!("unsupported grant_type {other}"),
            )
            .with_status(StatusCode::BAD_REQUEST))
        }
    };
    Ok(Json(NativeTokens {
        access_token: s.access_token,
        token_type: "Bearer",
        expires_in: state.jwt.ttl_seconds(),
        refresh_token: s.refresh_token,
        user: UserFull::from(&user),
    }))
}
