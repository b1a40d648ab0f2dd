//! `POST /v1/auth/resend-verification`: a signed-in, unverified user asks for a new link.
use axum::extract::State;
use axum::Json;
use chrono::{Duration, Utc};
use db::one_time::Purpose;
use serde::Deserialize;
use utoipa::ToSchema;

use super::EmailMessage;
use crate::accounts;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ClientIp, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

#[derive(Deserialize, ToSchema, Default)]
pub struct ResendBody {
    /// Ignored beyond logging: mail always goes to the account's address.
    pub email: Option<String>,
}

#[utoipa::path(post, path = "/v1/auth/resend-verification", tag = "auth", security(("bearer" = [])),
    request_body = ResendBody,
    responses((status = 200, body = EmailMessage), (status = 400, description = "Already verified"),
              (status = 429, description = "rate_limited")))]
pub async fn resend_verification(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(_body): ValidJson<ResendBody>,
) -> ApiResult<Json<EmailMessage>> {
    if user.email_verified {
        return Err(ApiError::bad_request("Email is already verified"));
    }
    limiter
        .check(limits::VERIFY_RESEND_IP, &ip.to_string())
        .await?;
    limiter
        .check(limits::VERIFY_RESEND_USER, &user.id.to_string())
        .await?;
    let since = Utc::now() - Duration::hours(1);
    let sent = db::one_time::count_since(
        &state.db,
        user.id,
        &[Purpose::VerifyLink, Purpose::VerifyOtp],
        since,
    )
    .await?;
    if sent >= super::request_verification::PER_USER_HOURLY {
        return Err(ApiError::rate_limited(3600));
    }
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    accounts::issue_secret(
        &mut tx,
        &state,
        &user,
        &user.email,
        Purpose::VerifyLink,
        None,
    )
    .await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(Json(EmailMessage {
        message: "Verification email sent".into(),
        email: user.email,
    }))
}
