//! `POST /v1/auth/change-handle`: renames the caller (not the owner, not before verification).
use axum::extract::State;
use axum::Json;
use domain::Handle;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct ChangeHandleBody {
    pub new_handle: String,
}

#[derive(Serialize, ToSchema)]
pub struct ChangeHandleResponse {
    pub message: String,
    pub handle: String,
}

#[utoipa::path(post, path = "/v1/auth/change-handle", tag = "auth", security(("bearer" = [])),
    request_body = ChangeHandleBody,
    responses((status = 200, body = ChangeHandleResponse), (status = 400, description = "Invalid handle"),
              (status = 403, description = "Unverified or owner"), (status = 409, description = "Handle taken")))]
pub async fn change_handle(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ValidJson(body): ValidJson<ChangeHandleBody>,
) -> ApiResult<Json<ChangeHandleResponse>> {
    if !user.email_verified {
        return Err(ApiError::forbidden(
            "Verify your email before changing your handle",
        ));
    }
    if domain::role::is_owner(&user.roles) {
        return Err(ApiError::forbidden(
            "The site owner's handle cannot be changed",
        ));
    }
    let handle =
        Handle::parse(&body.new_handle).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let norm = handle.normalized();
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    if db::users::handle_taken(&mut *tx, &norm, Some(user.id)).await? {
        return Err(ApiError::conflict("This handle is already taken"));
    }
    match db::users::set_handle(&mut tx, user.id, handle.as_str(), &norm).await {
        Err(db::DbError::Conflict { .. }) => {
            return Err(ApiError::conflict("This handle is already taken"))
        }
        other => other?,
    }
    db::audit::record(
        &mut tx,
        db::audit::AuditEntry {
            actor_id: Some(user.id),
            action: "change_handle",
            target_type: "user",
            target_id: &user.public_sqid,
            reason_code: None,
            note: Some(&format!("{} -> {}", user.handle, handle.as_str())),
        },
    )
    .await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(Json(ChangeHandleResponse {
        message: "Handle changed".into(),
        handle: handle.as_str().to_string(),
    }))
}
