//! `POST /v1/auth/register`: email sign-up. With a password a 6-digit code is mailed; without
//! one a default handle and a random password are generated and a link is mailed. An
//! unverified account that registers again with a password resumes its sign-up (200).
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::one_time::Purpose;
use domain::{Email, NewPassword};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{self, CreateUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    pub email: String,
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegisterResponse {
    pub message: String,
    pub user_id: i32,
    pub email: String,
    pub handle: String,
    /// `link` or `otp`.
    pub verification_method: &'static str,
}

#[utoipa::path(post, path = "/v1/auth/register", tag = "auth", request_body = RegisterBody,
    responses((status = 201, body = RegisterResponse), (status = 200, description = "Sign-up resumed", body = RegisterResponse),
              (status = 400, description = "weak_password"), (status = 409, description = "Email taken or pending"),
              (status = 429, description = "rate_limited")))]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<RegisterBody>,
) -> ApiResult<(StatusCode, Json<RegisterResponse>)> {
    limiter.check(limits::REGISTER, &ip.to_string()).await?;
    let email = Email::parse(&body.email)?;
    let password = body
        .password
        .as_deref()
        .map(NewPassword::parse)
        .transpose()?;
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let existing = db::users::find_by_email(&mut *tx, &email.normalized()).await?;
    let (status, user, generated) = match (existing, &password) {
        (Some(u), _) if u.email_verified => {
            return Err(ApiError::conflict(
                "An account with this email already exists",
            ))
        }
        (Some(_), None) => {
            return Err(ApiError::conflict("pending_verification")
                .with_details(serde_json::json!({"reason": "pending_verification"})))
        }
        (Some(u), Some(p)) => {
            let hash = accounts::hash_password(p.expose().to_string()).await?;
            db::users::set_password(&mut tx, u.id, &hash).await?;
            db::one_time::invalidate(&mut tx, u.id, &[Purpose::VerifyLink, Purpose::VerifyOtp])
                .await?;
            (StatusCode::OK, u, None)
        }
        (None, p) => {
            let (plain, generated) = match p {
                Some(p) => (p.expose().to_string(), None),
                None => {
                    let g = auth::secrets::random_password();
                    (g.clone(), Some(g))
                }
            };
            let hash = accounts::hash_password(plain).await?;
            let (handle, norm) = accounts::default_handle(&mut tx).await?;
            let roles = vec!["user".to_string()];
            let u = accounts::create_user(
                &mut tx,
                &state,
                CreateUser {
                    email: &email,
                    handle: &handle,
                    handle_normalized: &norm,
                    password_hash: Some(&hash),
                    email_verified: false,
                    roles: &roles,
                },
            )
            .await?;
            (StatusCode::CREATED, u, generated)
        }
    };
    let (purpose, method) = if password.is_some() {
        (Purpose::VerifyOtp, "otp")
    } else {
        (Purpose::VerifyLink, "link")
    };
    accounts::issue_secret(&mut tx, &state, &user, email.as_str(), purpose, generated).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    let message = if method == "otp" {
        "We sent a 6-digit code to your email. Enter it to verify your account."
    } else {
        "Check your email for a link to verify your account."
    };
    Ok((
        status,
        Json(RegisterResponse {
            message: message.to_string(),
            user_id: user.id,
            email: email.as_str().to_string(),
            handle: user.handle,
            verification_method: method,
        }),
    ))
}
