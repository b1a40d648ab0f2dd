//! `DELETE /v1/user/u/{sqid}/follow`: stops following a user (idempotent). Works whatever the
//! target's visibility, so a user who went hidden can still be unfollowed.
use axum::extract::{Path, State};
use axum::Json;

use super::follow::FollowState;
use super::{begin, commit, ensure_not_self, user_by_sqid};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/user/u/{sqid}/follow", tag = "users", security(("bearer" = [])),
    params(("sqid" = String, Path, description = "Public sqid of the user to unfollow")),
    responses((status = 200, body = FollowState),
              (status = 400, description = "Unfollowing yourself"),
              (status = 401, description = "Not signed in"),
              (status = 404, description = "Unknown user")))]
pub async fn unfollow(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<Json<FollowState>> {
    let target = user_by_sqid(&state, &sqid).await?;
    ensure_not_self(&actor, target.id, "You cannot unfollow yourself")?;
    let mut tx = begin(&state).await?;
    let removed = db::social::unfollow(&mut tx, actor.id, target.id).await?;
    let follower_count = db::social::follower_count(&mut *tx, target.id).await?;
    commit(tx).await?;
    if removed {
        super::profile_stats::stats_changed(&state, target.id).await;
    }
    Ok(Json(FollowState {
        following: false,
        follower_count,
    }))
}
