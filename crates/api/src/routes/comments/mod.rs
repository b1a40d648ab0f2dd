//! Comments on posts (http-api.md §2.7): threads up to depth 2, open to guests (known by the
//! salted hash of their address and shown as `Guest_xxxxxx`), soft deletion with placeholders,
//! likes and moderator hiding. Comments follow their post's direct-access rule.
pub mod create_comment;
pub mod delete_comment;
pub mod hide_comment;
pub mod like_comment;
pub mod list_comments;
pub mod thread;
pub mod unhide_comment;
pub mod unlike_comment;
pub mod update_comment;

use chrono::{DateTime, Utc};
use db::comments::{CommentRow, CommentView};
use db::posts::PostRow;
use db::users::UserRow;
use domain::role::can_moderate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::routes::posts::edits::{begin, commit, require_moderator};
use crate::routes::posts::{flags, viewer};
use crate::routes::users::blocked;
use crate::state::AppState;

pub const MAX_BODY_CHARS: usize = 2000;
/// What an author's deletion leaves in place of the text.
pub const DELETED_BY_AUTHOR: &str = "[deleted]";
pub const DELETED_BY_MODERATOR: &str = "[deleted by moderator]";

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Comment {
    pub id: Uuid,
    pub post_id: i64,
    pub author_id: Option<i32>,
    pub parent_id: Option<Uuid>,
    pub depth: i16,
    pub body: String,
    pub hidden_by_mod: bool,
    pub deleted_by_owner: bool,
    pub deleted_by_mod: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub like_count: i64,
    pub liked_by_me: bool,
    pub author_handle: Option<String>,
    pub author_display_name: Option<String>,
    pub author_avatar_url: Option<String>,
    pub author_public_sqid: Option<String>,
}

/// `Guest_` and the first six hex digits of the guest's address hash.
pub fn guest_name(ip_hash: &str) -> String {
    format!("Guest_{}", ip_hash.get(..6).unwrap_or(ip_hash))
}

impl From<CommentView> for Comment {
    fn from(c: CommentView) -> Self {
        // Guests have no account; a deleted account leaves neither id nor address.
        let handle = c
            .author_handle
            .or_else(|| c.author_ip.as_deref().map(guest_name));
        Self {
            id: c.id,
            post_id: c.post_id,
            author_id: c.author_id,
            parent_id: c.parent_id,
            depth: c.depth,
            body: c.body,
            hidden_by_mod: c.hidden_by_mod,
            deleted_by_owner: c.deleted_by_owner,
            deleted_by_mod: c.deleted_by_mod,
            created_at: c.created_at,
            updated_at: c.updated_at,
            like_count: c.like_count,
            liked_by_me: c.liked_by_me,
            author_display_name: handle.clone(),
            author_handle: handle,
            author_avatar_url: c.author_avatar_url,
            author_public_sqid: c.author_public_sqid,
        }
    }
}

/// 1 to 2000 characters, not only whitespace; 422 otherwise.
pub fn check_body(body: &str) -> ApiResult<()> {
    if body.trim().is_empty() || body.chars().count() > MAX_BODY_CHARS {
        return Err(ApiError::invalid_field(
            "body",
            format!("body must be 1 to {MAX_BODY_CHARS} characters"),
        ));
    }
    Ok(())
}

pub fn comment_not_found() -> ApiError {
    ApiError::not_found("Comment not found")
}

pub fn is_moderator(u: Option<&UserRow>) -> bool {
    u.is_some_and(|u| can_moderate(&u.roles))
}

/// `{commentId}` is a UUID; anything else names no comment.
pub fn comment_id(raw: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(raw).map_err(|_| comment_not_found())
}

/// The comment and its post when the caller may open the post; 404 otherwise, so comments on
/// hidden or deleted posts reveal nothing.
pub async fn find_comment(
    state: &AppState,
    raw_id: &str,
    me: Option<&UserRow>,
) -> ApiResult<(CommentRow, PostRow)> {
    let id = comment_id(raw_id)?;
    let comment = db::comments::find(&state.db, id)
        .await?
        .ok_or_else(comment_not_found)?;
    let post = db::posts::find_by_id(&state.db, comment.post_id)
        .await?
        .filter(|p| domain::visibility::can_access(&flags(p), viewer(me)))
        .ok_or_else(comment_not_found)?;
    Ok((comment, post))
}

/// A comment others may interact with (reply, like): live, and hidden only to moderators.
pub fn is_interactive(c: &CommentRow, me: Option<&UserRow>) -> bool {
    !c.is_deleted() && (!c.hidden_by_mod || is_moderator(me))
}

/// The post's thread as the caller sees it, oldest first, at most `limit` comments.
pub async fn thread_for(
    state: &AppState,
    post_id: i64,
    me: Option<&UserRow>,
    limit: Option<usize>,
) -> ApiResult<Vec<Comment>> {
    let rows = db::comments::list_for_post(&state.db, post_id, me.map(|u| u.id)).await?;
    let shown = thread::visible(&rows, is_moderator(me));
    Ok(rows
        .into_iter()
        .filter(|r| shown.contains(&r.id))
        .take(limit.unwrap_or(usize::MAX))
        .map(Comment::from)
        .collect())
}

/// One comment as the caller sees it, read back after a write.
pub async fn load_comment(state: &AppState, id: Uuid, me: Option<&UserRow>) -> ApiResult<Comment> {
    db::comments::view(&state.db, id, me.map(|u| u.id))
        .await?
        .map(Comment::from)
        .ok_or_else(comment_not_found)
}

/// A comment the member may like: one they can see, and no block with its author.
pub async fn likeable(state: &AppState, me: &UserRow, raw_id: &str) -> ApiResult<CommentRow> {
    let (comment, _) = find_comment(state, raw_id, Some(me)).await?;
    if !is_interactive(&comment, Some(me)) {
        return Err(comment_not_found());
    }
    if let Some(author) = comment.author_id {
        if db::social::blocked_either_way(&state.db, me.id, author).await? {
            return Err(blocked());
        }
    }
    Ok(comment)
}

/// The moderator's hide switch, shared by hide and unhide; a change is audit-logged with it.
pub async fn set_hidden(
    state: &AppState,
    me: &UserRow,
    raw_id: &str,
    hidden: bool,
) -> ApiResult<()> {
    require_moderator(me)?;
    let id = comment_id(raw_id)?;
    let mut tx = begin(state).await?;
    let comment = db::comments::lock(&mut tx, id)
        .await?
        .ok_or_else(comment_not_found)?;
    if db::comments::set_hidden(&mut tx, id, hidden).await? {
        let target = id.to_string();
        let entry = db::audit::AuditEntry {
            actor_id: Some(me.id),
            action: if hidden {
                "hide_comment"
            } else {
                "unhide_comment"
            },
            target_type: "comment",
            target_id: &target,
            reason_code: None,
            note: None,
        };
        db::audit::record(&mut tx, entry).await?;
    }
    commit(tx).await?;
    crate::cache::post_counters_changed(state, comment.post_id).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_names_use_six_hex_digits() {
        assert_eq!(guest_name("a1b2c3d4e5"), "Guest_a1b2c3");
        assert_eq!(guest_name("abc"), "Guest_abc");
    }

    #[test]
    fn body_bounds() {
        assert!(check_body("hi").is_ok());
        assert!(check_body(&"é".repeat(2000)).is_ok());
        assert!(check_body(&"a".repeat(2001)).is_err());
        assert!(check_body("").is_err());
        assert!(check_body(" \n ").is_err());
    }
}
