//! `DELETE /v1/post/{id}/reactions/{emoji}`: removes the caller's reaction; idempotent.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{accessible_post, client_hash, parse_emoji, reactor};
use crate::error::ApiResult;
use crate::extract::{ClientIp, MaybeAuthUser};
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/post/{id}/reactions/{emoji}", tag = "reactions",
    params(("id" = i64, Path, description = "Post id"), ("emoji" = String, Path)),
    responses((status = 204, description = "Removed (or there was none)"),
              (status = 400, description = "Blank emoji or more than 20 characters"),
              (status = 404, description = "Post not found")))]
pub async fn remove_reaction(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ClientIp(ip): ClientIp,
    Path((id, emoji)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let emoji = parse_emoji(&emoji)?;
    let post = accessible_post(&state, &id, me.as_ref()).await?;
    let hash = client_hash(&state, ip);
    let removed =
        db::reactions::delete(&state.db, post.id, reactor(me.as_ref(), &hash), emoji).await?;
    if removed {
        crate::cache::post_counters_changed(&state, post.id).await;
        crate::routes::users::profile_stats::stats_changed(&state, post.owner_id).await;
    }
    Ok(StatusCode::NO_CONTENT)
}
