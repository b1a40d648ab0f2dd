//! `PUT /v1/post/{id}/reactions/{emoji}`: adds an emoji reaction. Re-adding one is a no-op;
//! a reactor holds at most five distinct emoji per post. Signed-in reactors notify the author.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::limits::MAX_EMOJIS_PER_USER_PER_POST;

use super::{accessible_post, client_hash, parse_emoji, reactor};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, MaybeAuthUser};
use crate::notify::{notify, Kind, Notice};
use crate::routes::posts::edits::{begin, commit};
use crate::routes::posts::post_not_found;
use crate::routes::users::blocked;
use crate::state::AppState;

fn cap_reached() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "reaction_cap_reached",
        format!("At most {MAX_EMOJIS_PER_USER_PER_POST} different reactions per post"),
    )
}

#[utoipa::path(put, path = "/v1/post/{id}/reactions/{emoji}", tag = "reactions",
    params(("id" = i64, Path, description = "Post id"), ("emoji" = String, Path, description = "1 to 20 characters")),
    responses((status = 204, description = "Added (or already there)"),
              (status = 400, description = "Blank emoji or more than 20 characters"),
              (status = 403, description = "A block stands between reactor and author (`blocked`)"),
              (status = 404, description = "Post not found"),
              (status = 409, description = "Five different emoji already (`reaction_cap_reached`)")))]
pub async fn add_reaction(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ClientIp(ip): ClientIp,
    Path((id, emoji)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let emoji = parse_emoji(&emoji)?;
    let post = accessible_post(&state, &id, me.as_ref()).await?;
    if let Some(u) = &me {
        if db::social::blocked_either_way(&state.db, u.id, post.owner_id).await? {
            return Err(blocked());
        }
    }
    let hash = client_hash(&state, ip);
    let who = reactor(me.as_ref(), &hash);
    let mut tx = begin(&state).await?;
    // Serialises this reactor's concurrent requests, so the cap check and insert are atomic.
    if !db::reactions::lock_post(&mut tx, post.id).await? {
        return Err(post_not_found());
    }
    let mine = db::reactions::emojis_of(&mut *tx, post.id, who).await?;
    if mine.iter().any(|e| e == emoji) {
        return Ok(StatusCode::NO_CONTENT);
    }
    if mine.len() >= MAX_EMOJIS_PER_USER_PER_POST as usize {
        return Err(cap_reached());
    }
    let added = db::reactions::insert(&mut tx, post.id, who, emoji).await?;
    commit(tx).await?;
    if !added {
        return Ok(StatusCode::NO_CONTENT);
    }
    crate::cache::post_counters_changed(&state, post.id).await;
    crate::routes::users::profile_stats::stats_changed(&state, post.owner_id).await;
    if let Some(u) = &me {
        let notice = Notice {
            emoji: Some(emoji),
            ..Notice::new(post.owner_id, Kind::Reaction, Some(u)).post(post.id)
        };
        notify(&state, notice).await;
    }
    Ok(StatusCode::NO_CONTENT)
}
