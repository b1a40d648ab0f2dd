//! Token responses: `OAuthTokens` for the web (refresh token in a cookie) and the native
//! `/auth/token` shape (refresh token in the body).
use chrono::{DateTime, Utc};
use db::users::UserRow;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::user::UserFull;

#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthTokens {
    pub token: String,
    /// Always null: the web receives the refresh token as an HttpOnly cookie.
    pub refresh_token: Option<String>,
    pub user_id: i32,
    pub user_key: Uuid,
    pub public_sqid: String,
    pub user_handle: String,
    pub expires_at: DateTime<Utc>,
    pub needs_welcome: bool,
}

impl OAuthTokens {
    pub fn new(user: &UserRow, token: String, expires_at: DateTime<Utc>) -> Self {
        Self {
            token,
            refresh_token: None,
            user_id: user.id,
            user_key: user.user_key,
            public_sqid: user.public_sqid.clone(),
            user_handle: user.handle.clone(),
            expires_at,
            needs_welcome: !user.welcome_completed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NativeTokens {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: UserFull,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

impl Message {
    pub fn new(m: impl Into<String>) -> Self {
        Self { message: m.into() }
    }
}
