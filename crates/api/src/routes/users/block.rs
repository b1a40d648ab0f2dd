//! `POST /v1/user/u/{sqid}/block`: blocks a user (idempotent), ending follows both ways in the
//! same transaction. A user holds at most 1000 blocks.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::limits::MAX_BLOCKS_PER_USER;

use super::{begin, commit, ensure_not_self, user_by_sqid};
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/user/u/{sqid}/block", tag = "users", security(("bearer" = [])),
    params(("sqid" = String, Path, description = "Public sqid of the user to block")),
    responses((status = 204, description = "Blocked (or already blocked)"),
              (status = 400, description = "Blocking yourself"),
              (status = 401, description = "Not signed in"),
              (status = 404, description = "Unknown user"),
              (status = 409, description = "1000 blocks already (`block_cap_reached`)")))]
pub async fn block(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<StatusCode> {
    let target = user_by_sqid(&state, &sqid).await?;
    ensure_not_self(&actor, target.id, "You cannot block yourself")?;
    let mut tx = begin(&state).await?;
    // The pair lock orders this against a concurrent follow; the blocker lock against the
    // caller's other blocks, so two requests cannot both take the last place under the cap.
    db::social::lock_pair(&mut tx, actor.id, target.id).await?;
    db::social::lock_blocker(&mut tx, actor.id).await?;
    if !db::social::is_blocking(&mut *tx, actor.id, target.id).await? {
        if db::social::block_count(&mut *tx, actor.id).await? >= MAX_BLOCKS_PER_USER {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "block_cap_reached",
                format!("You can block at most {MAX_BLOCKS_PER_USER} users"),
            ));
        }
        db::social::insert_block(&mut tx, actor.id, target.id).await?;
    }
    // Also on a repeat: a follow must never coexist with a block.
    db::social::remove_follows_between(&mut tx, actor.id, target.id).await?;
    commit(tx).await?;
    // Follows were removed both ways, so both members' follower counts may have moved.
    super::profile_stats::stats_changed(&state, actor.id).await;
    super::profile_stats::stats_changed(&state, target.id).await;
    Ok(StatusCode::NO_CONTENT)
}
