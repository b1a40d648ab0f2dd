//! `GET /v1/post/{id}/comments`: the whole thread, oldest first, in one page (`next_cursor`
//! is always null). Moderators also see hidden comments; a viewer never sees comments by
//! users they blocked, nor the replies under them.
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{thread_for, Comment};
use crate::error::{ApiError, ApiResult};
use crate::extract::{MaybeAuthUser, ValidQuery};
use crate::routes::reactions::accessible_post;
use crate::state::AppState;

const MAX_LIMIT: usize = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentsQuery {
    /// At most this many comments (1–1000); all when absent.
    pub limit: Option<usize>,
    /// Accepted for compatibility and ignored: comments come in one page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentPage {
    pub items: Vec<Comment>,
    /// Always null.
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/post/{id}/comments", tag = "comments",
    params(("id" = i64, Path, description = "Post id"), CommentsQuery),
    responses((status = 200, body = CommentPage),
              (status = 404, description = "Post not found"),
              (status = 422, description = "`limit` out of range")))]
pub async fn list_comments(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    Path(id): Path<String>,
    ValidQuery(q): ValidQuery<CommentsQuery>,
) -> ApiResult<Json<CommentPage>> {
    if q.limit.is_some_and(|l| l == 0 || l > MAX_LIMIT) {
        return Err(ApiError::validation(vec![serde_json::json!({
            "loc": ["query", "limit"],
            "msg": format!("limit must be between 1 and {MAX_LIMIT}"),
            "type": "value_error"
        })]));
    }
    let post = accessible_post(&state, &id, me.as_ref()).await?;
    let items = thread_for(&state, post.id, me.as_ref(), q.limit).await?;
    Ok(Json(CommentPage {
        items,
        next_cursor: None,
    }))
}
