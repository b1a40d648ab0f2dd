//! `PUT /v1/post/comments/{id}/like` (POST is accepted too): a member likes a comment;
//! idempotent. Refused across a block with the comment's author; notifies them.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::likeable;
use crate::error::ApiResult;
use crate::extract::{AuthUser, RateLimiter};
use crate::limits;
use crate::notify::{notify, Kind, Notice};
use crate::state::AppState;

#[utoipa::path(put, path = "/v1/post/comments/{id}/like", tag = "comments",
    security(("bearer" = [])), params(("id" = String, Path, description = "Comment id (UUID)")),
    responses((status = 204, description = "Liked (or already liked)"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "A block stands between the users (`blocked`)"),
              (status = 404, description = "Comment not found"),
              (status = 429, description = "More than 120 likes and unlikes in 5 minutes")))]
pub async fn like_comment(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    limiter: RateLimiter,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    limiter
        .check(limits::COMMENT_LIKE, &me.id.to_string())
        .await?;
    let comment = likeable(&state, &me, &id).await?;
    if !db::comments::like(&state.db, comment.id, me.id).await? {
        return Ok(StatusCode::NO_CONTENT);
    }
    crate::cache::post_counters_changed(&state, comment.post_id).await;
    if let Some(author) = comment.author_id {
        let notice = Notice {
            comment_id: Some(comment.id),
            comment_preview: Some(comment.body.as_str()),
            ..Notice::new(author, Kind::CommentLike, Some(&me)).post(comment.post_id)
        };
        notify(&state, notice).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The original also accepted POST; a route of its own keeps operation ids unique.
#[utoipa::path(post, path = "/v1/post/comments/{id}/like", operation_id = "like_comment_post",
    tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id (UUID)")),
    responses((status = 204, description = "Liked (or already liked); same as PUT")))]
pub async fn like_comment_post(
    state: State<AppState>,
    me: AuthUser,
    limiter: RateLimiter,
    id: Path<String>,
) -> ApiResult<StatusCode> {
    like_comment(state, me, limiter, id).await
}
