//! Sign-up, sign-in, sessions, verification, password and handle management, GitHub OAuth.
pub mod change_handle;
pub mod change_password;
pub mod check_handle;
pub mod email_otp_request;
pub mod email_otp_verify;
pub mod forgot_password;
pub mod github;
pub mod github_callback;
pub mod github_exchange;
pub mod github_login;
pub mod login;
pub mod logout;
pub mod me;
pub mod password_otp_confirm;
pub mod password_otp_request;
pub mod refresh;
pub mod register;
pub mod request_verification;
pub mod resend_verification;
pub mod reset_password;
pub mod token;
pub mod verify_email;

use std::net::IpAddr;

use axum::http::StatusCode;
use chrono::Utc;
use db::users::UserRow;
use domain::Email;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::extract::RateLimiter;
use crate::{accounts, limits};

/// Shared by `/auth/login` and the password grant: unverified accounts get 403 before the
/// password is checked (as the original does), bad credentials and bans get 401.
pub async fn password_sign_in(
    state: &crate::AppState,
    limiter: &RateLimiter,
    ip: IpAddr,
    email: &str,
    password: &str,
) -> ApiResult<UserRow> {
    limiter.check(limits::LOGIN, &ip.to_string()).await?;
    let bad = || ApiError::unauthorized("Invalid email or password");
    let user = match Email::parse(email) {
        Ok(e) => db::users::find_by_email(&state.db, &e.normalized()).await?,
        Err(_) => None,
    };
    if let Some(u) = &user {
        if !u.email_verified {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "email_not_verified",
                "Please verify your email address before signing in",
            ));
        }
    }
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    if !accounts::verify_password(password.to_string(), stored).await? {
        return Err(bad());
    }
    let user = user.ok_or_else(bad)?;
    if user.deactivated {
        return Err(ApiError::unauthorized("Account deactivated"));
    }
    if user.is_banned(Utc::now()) {
        return Err(ApiError::unauthorized("Account banned"));
    }
    Ok(user)
}

/// The answer of a successful email verification (link or code).
#[derive(Serialize, ToSchema)]
pub struct VerifiedResponse {
    pub message: String,
    pub verified: bool,
    pub handle: String,
    pub can_change_password: bool,
    pub can_change_handle: bool,
    pub needs_welcome: bool,
    pub public_sqid: String,
}

impl VerifiedResponse {
    pub fn for_user(u: &UserRow) -> Self {
        Self {
            message: "Email verified".to_string(),
            verified: true,
            handle: u.handle.clone(),
            can_change_password: true,
            can_change_handle: !domain::role::is_owner(&u.roles),
            needs_welcome: !u.welcome_completed,
            public_sqid: u.public_sqid.clone(),
        }
    }
}

/// Body of requests that only name an email.
#[derive(serde::Deserialize, ToSchema)]
pub struct EmailBody {
    pub email: String,
}

/// The generic answer that never reveals whether an account exists.
#[derive(Serialize, ToSchema)]
pub struct EmailMessage {
    pub message: String,
    pub email: String,
}
