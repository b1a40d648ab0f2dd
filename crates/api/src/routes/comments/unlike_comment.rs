//! `DELETE /v1/post/comments/{id}/like`: a member takes their like back; idempotent.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::find_comment;
use crate::error::ApiResult;
use crate::extract::{AuthUser, RateLimiter};
use crate::limits;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/post/comments/{id}/like", operation_id = "unlike_comment", tag = "comments",
    security(("bearer" = [])), params(("id" = String, Path, description = "Comment id (UUID)")),
    responses((status = 204, description = "Not liked any more"),
              (status = 401, description = "Not signed in"),
              (status = 404, description = "Comment not found"),
              (status = 429, description = "More than 120 likes and unlikes in 5 minutes")))]
pub async fn unlike_comment(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    limiter: RateLimiter,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    limiter
        .check(limits::COMMENT_LIKE, &me.id.to_string())
        .await?;
    let (comment, _) = find_comment(&state, &id, Some(&me)).await?;
    if db::comments::unlike(&state.db, comment.id, me.id).await? {
        crate::cache::post_counters_changed(&state, comment.post_id).await;
    }
    Ok(StatusCode::NO_CONTENT)
}
