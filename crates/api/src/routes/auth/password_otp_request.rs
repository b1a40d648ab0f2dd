//! `POST /v1/auth/password-otp/request`: mails a 6-digit reset code. Always 200.
use axum::extract::State;
use axum::Json;
use db::one_time::Purpose;

use super::EmailBody;
use crate::dto::auth::Message;
use crate::error::ApiResult;
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/auth/password-otp/request", tag = "auth", request_body = EmailBody,
    responses((status = 200, body = Message), (status = 429, description = "rate_limited")))]
pub async fn password_otp_request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<EmailBody>,
) -> ApiResult<Json<Message>> {
    limiter.check(limits::OTP_REQUEST, &ip.to_string()).await?;
    super::forgot_password::send_reset(&state, &body.email, Purpose::ResetOtp).await?;
    Ok(Json(Message::new(
        "If an account exists for this email, a reset code is on its way.",
    )))
}
