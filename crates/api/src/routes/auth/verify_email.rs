//! `GET /v1/auth/verify-email?token=`: consumes a verification link.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::one_time::Purpose;
use serde::Deserialize;
use utoipa::IntoParams;

use super::VerifiedResponse;
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidQuery;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    pub token: String,
}

#[utoipa::path(get, path = "/v1/auth/verify-email", tag = "auth", params(VerifyQuery),
    responses((status = 200, body = VerifiedResponse), (status = 400, description = "token_invalid")))]
pub async fn verify_email(
    State(state): State<AppState>,
    ValidQuery(q): ValidQuery<VerifyQuery>,
) -> ApiResult<Json<VerifiedResponse>> {
    let hash = auth::secrets::sha256(q.token.as_bytes());
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let tok = db::one_time::lock_link(&mut tx, Purpose::VerifyLink, &hash)
        .await?
        .ok_or_else(|| {
            ApiError::token_invalid(
                StatusCode::BAD_REQUEST,
                "Invalid or expired verification link",
            )
        })?;
    db::one_time::mark_used(&mut tx, tok.id).await?;
    db::users::mark_verified(&mut tx, tok.user_id, &tok.email).await?;
    db::one_time::invalidate(
        &mut tx,
        tok.user_id,
        &[Purpose::VerifyLink, Purpose::VerifyOtp],
    )
    .await?;
    let user = db::users::find_by_id(&mut *tx, tok.user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(Json(VerifiedResponse::for_user(&user)))
}
