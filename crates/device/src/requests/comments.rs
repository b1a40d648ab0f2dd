//! `get_comments` (§3.3): a page of a post's comments, oldest first. As in the original, deleted
//! comments are dropped after paging (a page may be short) and the post itself is not checked
//! (an unknown post has no comments). A page too big for the p3a's buffer is cut short and its
//! cursor resumes right after the last comment sent.
use db::players::ActivePlayer;
use protocol::cursor::{offset, parse_offset};
use protocol::response::{iso, CommentItem};
use protocol::trim;

use super::Reply;
use crate::{Ctx, DeviceError};

pub async fn get_comments(
    ctx: &Ctx,
    player: &ActivePlayer,
    request_id: &str,
    post_id: i64,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Reply, DeviceError> {
    let start = parse_offset(cursor);
    let limit = i64::from(limit);
    let mut rows = db::player_feed_lookups::comments(
        &ctx.db,
        post_id,
        player.owner_is_moderator(),
        start,
        limit + 1,
    )
    .await?;
    let has_more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    // The offset just past each comment kept, so a cut page resumes after its last comment.
    let mut ends = Vec::with_capacity(rows.len());
    let mut items = Vec::with_capacity(rows.len());
    for (at, c) in (start + 1..).zip(rows) {
        if c.deleted {
            continue;
        }
        ends.push(at);
        items.push(CommentItem {
            comment_id: c.id,
            post_id: c.post_id,
            author_handle: c.author_handle,
            body: c.body,
            depth: c.depth,
            parent_id: c.parent_id,
            created_at: iso(c.created_at),
            deleted: false,
        });
    }
    let next = has_more.then(|| offset(start + limit));
    let resume = |k: usize| offset(k.checked_sub(1).map_or(start, |i| ends[i]));
    let body = trim::fit_comments(request_id, &items, has_more, next.as_deref(), resume);
    Ok(Reply::raw(request_id, body, None))
}
