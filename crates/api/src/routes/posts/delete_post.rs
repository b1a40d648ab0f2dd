//! `DELETE /v1/post/{id}`: soft delete by the author or a moderator. The post vanishes for
//! everyone and its hash is free for a new upload at once; the daily purge removes the row
//! and files after 7 days. There is no undelete.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::edits::{audit, begin, commit, ensure_author, lock_live_post, post_id};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/post/{id}", tag = "posts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    responses((status = 204, description = "Deleted"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not the author"),
              (status = 404, description = "Post not found (or already deleted)")))]
pub async fn delete_post(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = post_id(&id)?;
    let mut tx = begin(&state).await?;
    let post = lock_live_post(&mut tx, id).await?;
    ensure_author(&actor, &post, true)?;
    db::post_edits::soft_delete(&mut tx, id).await?;
    if post.owner_id != actor.id {
        audit(&mut tx, &actor, "delete_post", id, None, Some(&post.title)).await?;
    }
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    crate::routes::users::profile_stats::stats_changed(&state, post.owner_id).await;
    Ok(StatusCode::NO_CONTENT)
}
