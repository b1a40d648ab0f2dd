//! `DELETE /v1/post/{id}/promote`: a moderator takes a post out of the promoted categories.
//! Audit-logged.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::edits::{audit, begin, commit, lock_live_post, post_id, require_moderator};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/post/{id}/promote", tag = "posts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    responses((status = 204, description = "Demoted"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 404, description = "Post not found")))]
pub async fn demote(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    require_moderator(&actor)?;
    let id = post_id(&id)?;
    let mut tx = begin(&state).await?;
    let post = lock_live_post(&mut tx, id).await?;
    db::post_edits::set_promotion(&mut tx, id, None).await?;
    let note = post.promoted_category.as_deref();
    audit(&mut tx, &actor, "demote_post", id, None, note).await?;
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    Ok(StatusCode::NO_CONTENT)
}
