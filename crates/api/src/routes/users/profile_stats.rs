//! The `stats` block of the profile page (http-api.md §2.2), cached 300 s per member
//! (data-and-ops.md §4 `user_profile_stats`). The cache sits under the member's own generation
//! family, so one `INCR` after any write that moves a number refreshes it at once; writes that
//! forget to call [`stats_changed`] are still corrected by the TTL.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::listing::cache::cached;
use crate::state::AppState;

const TTL_SECS: u64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProfileStats {
    pub total_posts: i64,
    pub total_reactions_received: i64,
    pub total_views: i64,
    pub follower_count: i64,
}

/// The cache family of everything cached per member.
pub fn user_family(user_id: i32) -> String {
    format!("user:{user_id}")
}

/// The member's stats, from the cache when fresh.
pub async fn profile_stats(state: &AppState, user_id: i32) -> ApiResult<ProfileStats> {
    cached(
        state,
        &user_family(user_id),
        "profile_stats",
        TTL_SECS,
        || async {
            let s = db::profile_stats::compute(&state.db, user_id).await?;
            Ok(ProfileStats {
                total_posts: s.total_posts,
                total_reactions_received: s.total_reactions_received,
                total_views: s.total_views,
                follower_count: s.follower_count,
            })
        },
    )
    .await
}

/// Call after a committed write that changes a member's numbers: a follow or unfollow of
/// them, a reaction on their post, an upload, a delete, hide or moderation change of their
/// post. Fails open like every cache invalidation.
pub async fn stats_changed(state: &AppState, user_id: i32) {
    if let Err(e) = state.kv.bump_generation(&user_family(user_id)).await {
        tracing::warn!(error = %e, user_id, "profile stats invalidation failed");
    }
}
