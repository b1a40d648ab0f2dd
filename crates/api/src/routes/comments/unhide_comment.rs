//! `DELETE /v1/post/comments/{id}/hide`: a moderator shows a hidden comment again.
//! Audit-logged; idempotent.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::set_hidden;
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/post/comments/{id}/hide", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id (UUID)")),
    responses((status = 204, description = "Shown again"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 404, description = "Comment not found")))]
pub async fn unhide_comment(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    set_hidden(&state, &me, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
