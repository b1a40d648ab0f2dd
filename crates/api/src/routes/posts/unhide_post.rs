//! `DELETE /v1/post/{id}/hide`: lifts the author's hide (`by: "user"`, the default) or the
//! moderators' (`by: "mod"`, audit-logged). A deleted post cannot come back this way (400).
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::edits::{
    audit, begin, commit, ensure_author, lock_post, optional_json, post_id, require_moderator,
};
use super::hide_post::{HideBody, HideBy};
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/post/{id}/hide", tag = "posts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    request_body(content = Option<HideBody>),
    responses((status = 204, description = "Unhidden"),
              (status = 400, description = "The post is deleted"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "`by: user` by someone else, or `by: mod` without the role"),
              (status = 404, description = "Post not found"),
              (status = 422, description = "validation_error")))]
pub async fn unhide_post(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let id = post_id(&id)?;
    let body: HideBody = optional_json(&body)?;
    if body.by == HideBy::Mod {
        require_moderator(&actor)?;
    }
    let mut tx = begin(&state).await?;
    let post = lock_post(&mut tx, id).await?;
    if body.by == HideBy::User {
        // A deleted post is invisible to others, so they get the 404 before the 400 below.
        ensure_author(&actor, &post, false)?;
    }
    if post.deleted_by_user {
        return Err(ApiError::bad_request("Deleted posts cannot be restored"));
    }
    match body.by {
        HideBy::User => db::post_edits::set_hidden_by_user(&mut tx, id, false).await?,
        HideBy::Mod => {
            db::post_edits::set_hidden_by_mod(&mut tx, id, false).await?;
            let (reason, note) = (body.reason_code.as_deref(), body.note.as_deref());
            audit(&mut tx, &actor, "unhide_post", id, reason, note).await?;
        }
    }
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    Ok(StatusCode::NO_CONTENT)
}
