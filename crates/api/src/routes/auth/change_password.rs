//! `POST /v1/auth/change-password`: a signed-in user replaces the password (5 per 15 min).
use axum::extract::State;
use axum::Json;
use domain::NewPassword;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::accounts;
use crate::dto::auth::Message;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordBody {
    pub current_password: String,
    pub new_password: String,
}

#[utoipa::path(post, path = "/v1/auth/change-password", tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordBody,
    responses((status = 200, body = Message), (status = 400, description = "weak_password"),
              (status = 401, description = "Wrong current password"), (status = 429, description = "rate_limited")))]
pub async fn change_password(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<ChangePasswordBody>,
) -> ApiResult<Json<Message>> {
    limiter
        .check(limits::CHANGE_PASSWORD, &user.id.to_string())
        .await?;
    if !accounts::verify_password(body.current_password, user.password_hash.clone()).await? {
        return Err(ApiError::unauthorized("Current password is incorrect"));
    }
    let password = NewPassword::parse(&body.new_password)?;
    let hash = accounts::hash_password(password.expose().to_string()).await?;
    let mut conn = state.db.acquire().await.map_err(ApiError::internal)?;
    db::users::set_password(&mut conn, user.id, &hash).await?;
    Ok(Json(Message::new("Password changed")))
}
