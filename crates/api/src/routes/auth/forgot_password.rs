//! `POST /v1/auth/forgot-password`: mails a reset link. Always the same 200 answer, whether
//! or not the address has an account.
use axum::extract::State;
use axum::Json;
use chrono::{Duration, Utc};
use db::one_time::Purpose;
use domain::Email;

use super::EmailBody;
use crate::accounts;
use crate::dto::auth::Message;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

pub const GENERIC: &str =
    "If an account exists for this email, we sent instructions to reset the password.";
/// Reset mails per user per hour.
const PER_USER_HOURLY: i64 = 3;

/// Issues a reset secret when a usable account exists; silently does nothing otherwise.
pub async fn send_reset(state: &AppState, raw_email: &str, purpose: Purpose) -> ApiResult<()> {
    let Ok(email) = Email::parse(raw_email) else {
        return Ok(());
    };
    let Some(user) = db::users::find_by_email(&state.db, &email.normalized()).await? else {
        return Ok(());
    };
    if user.deactivated || user.password_hash.is_none() || user.is_banned(Utc::now()) {
        return Ok(());
    }
    let since = Utc::now() - Duration::hours(1);
    let sent = db::one_time::count_since(
        &state.db,
        user.id,
        &[Purpose::ResetLink, Purpose::ResetOtp],
        since,
    )
    .await?;
    if sent >= PER_USER_HOURLY {
        return Ok(());
    }
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    accounts::issue_secret(&mut tx, state, &user, &user.email, purpose, None).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(())
}

#[utoipa::path(post, path = "/v1/auth/forgot-password", tag = "auth", request_body = EmailBody,
    responses((status = 200, body = Message), (status = 429, description = "rate_limited")))]
pub async fn forgot_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<EmailBody>,
) -> ApiResult<Json<Message>> {
    limiter
        .check(limits::FORGOT_PASSWORD, &ip.to_string())
        .await?;
    send_reset(&state, &body.email, Purpose::ResetLink).await?;
    Ok(Json(Message::new(GENERIC)))
}
