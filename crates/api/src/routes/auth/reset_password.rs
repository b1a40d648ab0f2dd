//! `POST /v1/auth/reset-password`: sets a new password with a reset link's token.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use db::one_time::Purpose;
use domain::NewPassword;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::accounts;
use crate::dto::auth::Message;
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct ResetBody {
    pub token: String,
    pub new_password: String,
}

#[utoipa::path(post, path = "/v1/auth/reset-password", tag = "auth", request_body = ResetBody,
    responses((status = 200, body = Message), (status = 400, description = "token_invalid or weak_password")))]
pub async fn reset_password(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<ResetBody>,
) -> ApiResult<Json<Message>> {
    let password = NewPassword::parse(&body.new_password)?;
    let hash = accounts::hash_password(password.expose().to_string()).await?;
    let invalid =
        || ApiError::token_invalid(StatusCode::BAD_REQUEST, "Invalid or expired reset link");
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let tok = db::one_time::lock_link(
        &mut tx,
        Purpose::ResetLink,
        &auth::secrets::sha256(body.token.as_bytes()),
    )
    .await?
    .ok_or_else(invalid)?;
    let user = db::users::find_by_id(&mut *tx, tok.user_id)
        .await?
        .ok_or_else(invalid)?;
    if user.is_banned(Utc::now()) || user.deactivated {
        return Err(ApiError::bad_request(
            "This account cannot reset its password",
        ));
    }
    db::one_time::mark_used(&mut tx, tok.id).await?;
    accounts::apply_password_reset(&mut tx, user.id, &hash).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(Json(Message::new(
        "Your password has been reset. Please sign in.",
    )))
}
