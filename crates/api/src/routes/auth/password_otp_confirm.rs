//! `POST /v1/auth/password-otp/confirm`: sets a new password with a reset code and ends
//! every existing session.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::one_time::Purpose;
use domain::{Email, NewPassword};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::accounts;
use crate::dto::auth::Message;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct PasswordOtpConfirmBody {
    pub email: String,
    pub code: String,
    pub new_password: String,
}

#[utoipa::path(post, path = "/v1/auth/password-otp/confirm", tag = "auth", request_body = PasswordOtpConfirmBody,
    responses((status = 200, body = Message), (status = 400, description = "token_invalid or validation_error"),
              (status = 429, description = "rate_limited")))]
pub async fn password_otp_confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<PasswordOtpConfirmBody>,
) -> ApiResult<Json<Message>> {
    let invalid = || ApiError::token_invalid(StatusCode::BAD_REQUEST, "Invalid or expired code");
    let password = NewPassword::parse(&body.new_password).map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "validation_error", e.to_string())
            .with_details(serde_json::json!({"field": "new_password"}))
    })?;
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
    let hash = accounts::hash_password(password.expose().to_string()).await?;
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    accounts::consume_code(&mut tx, &state, user.id, Purpose::ResetOtp, &body.code).await?;
    accounts::apply_password_reset(&mut tx, user.id, &hash).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(Json(Message::new(
        "Your password has been reset. Please sign in.",
    )))
}
