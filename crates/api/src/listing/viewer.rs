//! The per-viewer part of every post listing, applied after the shared cache: the viewer's
//! blocks, monitored hashtags they have not opted into, and `user_has_liked`.
use std::collections::HashSet;

use db::users::UserRow;
use domain::limits::MONITORED_HASHTAGS;

use crate::dto::post::Post;
use crate::error::ApiResult;
use crate::state::AppState;

/// True when the post carries a monitored hashtag this viewer has not opted into. Anonymous
/// viewers never see them; authors always see their own posts.
pub fn hidden_by_monitored_tag(post: &Post, viewer: Option<&UserRow>) -> bool {
    if viewer.is_some_and(|v| v.id == post.owner_id) {
        return false;
    }
    let approved: &[String] = viewer
        .map(|v| v.approved_hashtags.as_slice())
        .unwrap_or(&[]);
    post.hashtags
        .iter()
        .chain(post.mod_hashtags.iter())
        .any(|t| MONITORED_HASHTAGS.contains(&t.as_str()) && !approved.contains(t))
}

/// Drops what this viewer must not see and marks the posts they reacted to.
pub async fn personalise(
    state: &AppState,
    viewer: Option<&UserRow>,
    mut posts: Vec<Post>,
) -> ApiResult<Vec<Post>> {
    posts.retain(|p| !hidden_by_monitored_tag(p, viewer));
    let Some(v) = viewer else {
        return Ok(posts);
    };
    let blocked: HashSet<i32> = db::social::blocked_ids(&state.db, v.id)
        .await?
        .into_iter()
        .collect();
    posts.retain(|p| !blocked.contains(&p.owner_id));
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let liked: HashSet<i64> = db::reactions::reacted_posts(&state.db, v.id, &ids)
        .await?
        .into_iter()
        .collect();
    for p in &mut posts {
        p.user_has_liked = liked.contains(&p.id);
    }
    Ok(posts)
}
