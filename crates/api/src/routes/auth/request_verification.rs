//! `POST /v1/auth/request-verification`: mails a new verification link. Always 200, so the
//! answer never tells whether the address has an account.
use axum::extract::State;
use axum::Json;
use chrono::{Duration, Utc};
use db::one_time::Purpose;
use domain::Email;

use super::{EmailBody, EmailMessage};
use crate::accounts;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

/// Verification mails per user per hour (counted from issued secrets).
pub const PER_USER_HOURLY: i64 = 6;

#[utoipa::path(post, path = "/v1/auth/request-verification", tag = "auth", request_body = EmailBody,
    responses((status = 200, body = EmailMessage), (status = 429, description = "rate_limited")))]
pub async fn request_verification(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<EmailBody>,
) -> ApiResult<Json<EmailMessage>> {
    limiter
        .check(limits::VERIFY_RESEND_IP, &ip.to_string())
        .await?;
    let answer = Json(EmailMessage {
        message:
            "If an unverified account exists for this email, a verification link is on its way."
                .into(),
        email: body.email.trim().to_string(),
    });
    let Ok(email) = Email::parse(&body.email) else {
        return Ok(answer);
    };
    let Some(user) = db::users::find_by_email(&state.db, &email.normalized()).await? else {
        return Ok(answer);
    };
    if user.email_verified || user.deactivated {
        return Ok(answer);
    }
    let since = Utc::now() - Duration::hours(1);
    let sent = db::one_time::count_since(
        &state.db,
        user.id,
        &[Purpose::VerifyLink, Purpose::VerifyOtp],
        since,
    )
    .await?;
    if sent >= PER_USER_HOURLY {
        return Ok(answer);
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
    Ok(answer)
}
