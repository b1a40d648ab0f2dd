//! `POST /v1/auth/email-otp/verify`: checks the 6-digit code and verifies the account.
//! Limited to 5 attempts per email and 20 per IP in 10 minutes.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::one_time::Purpose;
use domain::Email;
use serde::Deserialize;
use utoipa::ToSchema;

use super::VerifiedResponse;
use crate::accounts;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct OtpVerifyBody {
    pub email: String,
    pub code: String,
}

#[utoipa::path(post, path = "/v1/auth/email-otp/verify", tag = "auth", request_body = OtpVerifyBody,
    responses((status = 200, body = VerifiedResponse), (status = 400, description = "token_invalid"),
              (status = 429, description = "rate_limited")))]
pub async fn email_otp_verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<OtpVerifyBody>,
) -> ApiResult<Json<VerifiedResponse>> {
    let invalid = || ApiError::token_invalid(StatusCode::BAD_REQUEST, "Invalid or expired code");
    let email = Email::parse(&body.email).map_err(|_| invalid())?;
    limiter
        .check(limits::OTP_VERIFY_IP, &ip.to_string())
        .await?;
    limiter
        .check(limits::OTP_VERIFY_EMAIL, &email.normalized())
        .await?;
    let user = db::users::find_by_email(&state.db, &email.normalized())
        .await?
        .ok_or_else(invalid)?;
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let row =
        accounts::consume_code(&mut tx, &state, user.id, Purpose::VerifyOtp, &body.code).await?;
    db::users::mark_verified(&mut tx, user.id, &row.email).await?;
    db::one_time::invalidate(&mut tx, user.id, &[Purpose::VerifyLink, Purpose::VerifyOtp]).await?;
    let user = db::users::find_by_id(&mut *tx, user.id)
        .await?
        .ok_or_else(invalid)?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(Json(VerifiedResponse::for_user(&user)))
}
