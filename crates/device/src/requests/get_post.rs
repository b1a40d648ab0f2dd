//! `get_post` (§3.3): one post, with its errors in the spec's order. Non-public posts are not
//! refused here (the original did not), and moderators see moderator-hidden ones.
use db::player_feed_lookups::find_post;
use db::players::ActivePlayer;
use protocol::request::IncludeFields;
use protocol::trim;

use super::cache;
use super::items::{self, Visibility};
use super::Reply;
use crate::{Ctx, DeviceError};

pub async fn get_post(
    ctx: &Ctx,
    player: &ActivePlayer,
    request_id: &str,
    post_id: i64,
    include: IncludeFields,
) -> Result<Reply, DeviceError> {
    let refuse = |code, message: &str| Ok(Reply::error(request_id, code, message));
    let Some(post) = find_post(&ctx.db, post_id).await? else {
        return refuse("not_found", &format!("Post {post_id} not found"));
    };
    if post.deleted_by_user {
        return refuse("deleted", "Post has been deleted");
    }
    if !post.visible {
        return refuse("not_visible", "Post is not visible");
    }
    let moderated = post.hidden_by_mod || post.non_conformant;
    if post.hidden_by_user || (moderated && !player.owner_is_moderator()) {
        return refuse("not_available", "Post is not available");
    }
    let hidden_tags = cache::hidden_tags(ctx, player.owner_id).await?;
    if post.hashtags.iter().any(|t| hidden_tags.contains(t)) {
        return refuse("content_not_approved", "Post content is not approved");
    }
    if post.row.kind != "artwork" && post.row.kind != "playlist" {
        return refuse("unsupported_kind", "Unsupported post kind");
    }
    let vis = Visibility {
        private_ok_for: Some(player.owner_id),
        hidden_tags: &hidden_tags,
    };
    let mut rendered = items::render(ctx, std::slice::from_ref(&post.row), include, vis).await?;
    let Some(item) = rendered.first_mut() else {
        return refuse("not_found", &format!("Post {post_id} not found"));
    };
    let post_bytes = trim::serialize_within(item, trim::post_budget());
    let mut body = b"{\"request_id\":".to_vec();
    body.extend_from_slice(&serde_json::to_vec(request_id).unwrap_or_default());
    body.extend_from_slice(b",\"success\":true,\"post\":");
    body.extend_from_slice(&post_bytes);
    body.push(b'}');
    Ok(Reply::raw(request_id, body, None))
}
