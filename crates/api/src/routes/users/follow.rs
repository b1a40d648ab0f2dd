//! `POST /v1/user/u/{sqid}/follow`: follows a user (idempotent). Refused across a block in
//! either direction, and for oneself.
use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{begin, blocked, can_view, commit, ensure_not_self, user_by_sqid, Visibility};
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::notify::{notify, Kind, Notice};
use crate::state::AppState;

/// The caller's follow state after the change, with the target's follower count.
#[derive(Serialize, ToSchema)]
pub struct FollowState {
    pub following: bool,
    pub follower_count: i64,
}

#[utoipa::path(post, path = "/v1/user/u/{sqid}/follow", tag = "users", security(("bearer" = [])),
    params(("sqid" = String, Path, description = "Public sqid of the user to follow")),
    responses((status = 200, body = FollowState),
              (status = 400, description = "Following yourself"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "A block stands between the users (`blocked`)"),
              (status = 404, description = "Unknown user")))]
pub async fn follow(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<Json<FollowState>> {
    let target = user_by_sqid(&state, &sqid).await?;
    ensure_not_self(&actor, target.id, "You cannot follow yourself")?;
    if !can_view(Some(&actor), &target, Visibility::Profile) {
        return Err(ApiError::not_found("User not found"));
    }
    let mut tx = begin(&state).await?;
    // Taken before the block check so that a block committing meanwhile is seen.
    db::social::lock_pair(&mut tx, actor.id, target.id).await?;
    if db::social::blocked_either_way(&mut *tx, actor.id, target.id).await? {
        return Err(blocked());
    }
    let created = db::social::follow(&mut tx, actor.id, target.id).await?;
    let follower_count = db::social::follower_count(&mut *tx, target.id).await?;
    commit(tx).await?;
    if created {
        super::profile_stats::stats_changed(&state, target.id).await;
    }
    // Only a new follow notifies; a repeated POST must not notify again.
    if created {
        notify(&state, Notice::new(target.id, Kind::Follow, Some(&actor))).await;
    }
    Ok(Json(FollowState {
        following: true,
        follower_count,
    }))
}
