//! `POST /v1/social-notifications/mark-read`: marks the listed notifications read. The body is
//! a bare JSON array of ids; ids that are not the caller's are ignored.
use axum::extract::State;
use axum::http::StatusCode;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Ids per request.
pub const MAX_IDS: usize = 200;

#[utoipa::path(post, path = "/v1/social-notifications/mark-read", tag = "notifications",
    security(("bearer" = [])), request_body = Vec<Uuid>,
    responses((status = 204, description = "Marked read"),
              (status = 400, description = "More than 200 ids"),
              (status = 401, description = "Not signed in"),
              (status = 422, description = "Not an array of UUIDs")))]
pub async fn mark_read(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ValidJson(ids): ValidJson<Vec<Uuid>>,
) -> ApiResult<StatusCode> {
    if ids.len() > MAX_IDS {
        return Err(ApiError::bad_request(format!(
            "At most {MAX_IDS} notification ids per request."
        )));
    }
    if !ids.is_empty() {
        db::notifications::mark_read(&state.db, user.id, &ids).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
