//! `DELETE /v1/post/{id}/approve-public`: a moderator withdraws a post's approval, so it
//! leaves discovery again (it stays reachable by link). Audit-logged.
use axum::extract::{Path, State};
use axum::Json;

use super::approve_public::PublicVisibility;
use super::edits::{audit, begin, commit, lock_live_post, post_id, require_moderator};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/post/{id}/approve-public", tag = "posts",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Post id")),
    responses((status = 200, body = PublicVisibility),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 404, description = "Post not found")))]
pub async fn revoke_public(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<PublicVisibility>> {
    require_moderator(&actor)?;
    let id = post_id(&id)?;
    let mut tx = begin(&state).await?;
    lock_live_post(&mut tx, id).await?;
    db::post_edits::set_public_visibility(&mut tx, id, false).await?;
    audit(&mut tx, &actor, "revoke_public", id, None, None).await?;
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    Ok(Json(PublicVisibility {
        post_id: id,
        public_visibility: false,
    }))
}
