//! `POST /v1/post/comments/{id}/hide`: a moderator hides a comment (and with it its replies)
//! from everyone but moderators. Audit-logged; idempotent.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::set_hidden;
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/post/comments/{id}/hide", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id (UUID)")),
    responses((status = 201, description = "Hidden"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 404, description = "Comment not found")))]
pub async fn hide_comment(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    set_hidden(&state, &me, &id, true).await?;
    Ok(StatusCode::CREATED)
}
