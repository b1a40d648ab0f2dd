//! `POST /v1/auth/email-otp/request`: mails a 6-digit verification code. Always 200.
use axum::extract::State;
use axum::Json;
use db::one_time::Purpose;
use domain::Email;

use super::EmailBody;
use crate::accounts;
use crate::dto::auth::Message;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/auth/email-otp/request", tag = "auth", request_body = EmailBody,
    responses((status = 200, body = Message), (status = 429, description = "rate_limited")))]
pub async fn email_otp_request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<EmailBody>,
) -> ApiResult<Json<Message>> {
    limiter.check(limits::OTP_REQUEST, &ip.to_string()).await?;
    let answer = Json(Message::new(
        "If an unverified account exists for this email, a code is on its way.",
    ));
    let Ok(email) = Email::parse(&body.email) else {
        return Ok(answer);
    };
    let Some(user) = db::users::find_by_email(&state.db, &email.normalized()).await? else {
        return Ok(answer);
    };
    if user.email_verified || user.deactivated {
        return Ok(answer);
    }
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    accounts::issue_secret(
        &mut tx,
        &state,
        &user,
        &user.email,
        Purpose::VerifyOtp,
        None,
    )
    .await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(answer)
}
