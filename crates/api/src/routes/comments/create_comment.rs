//! `POST /v1/post/{id}/comments`: a comment or a reply, by a member or a guest. Replies nest
//! at most two deep; a post holds at most 1000 comments. Notifies the post's author
//! (`comment`) and, for replies, the parent's author (`comment_reply`).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use db::comments::{CommentRow, NewComment};
use db::posts::PostRow;
use db::users::UserRow;
use domain::limits::{MAX_COMMENTS_PER_POST, MAX_COMMENT_DEPTH};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{check_body, is_interactive, load_comment, Comment};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, MaybeAuthUser, RateLimiter, ValidJson};
use crate::limits;
use crate::notify::{notify, Kind, Notice};
use crate::routes::posts::edits::{begin, commit};
use crate::routes::posts::post_not_found;
use crate::routes::reactions::{accessible_post, client_hash};
use crate::routes::users::blocked;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentBody {
    /// 1 to 2000 characters.
    pub body: String,
    /// The comment replied to, on the same post.
    pub parent_id: Option<Uuid>,
}

/// The comment replied to: it must be on this post and open to the caller.
async fn reply_target(
    state: &AppState,
    parent_id: Uuid,
    post: &PostRow,
    me: Option<&UserRow>,
) -> ApiResult<CommentRow> {
    let parent = db::comments::find(&state.db, parent_id)
        .await?
        .filter(|p| p.post_id == post.id && is_interactive(p, me))
        .ok_or_else(|| ApiError::bad_request("Invalid parent comment"))?;
    if i32::from(parent.depth) >= MAX_COMMENT_DEPTH as i32 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "comment_too_deep",
            format!("Replies nest at most {MAX_COMMENT_DEPTH} levels deep"),
        ));
    }
    Ok(parent)
}

async fn ensure_not_blocked(state: &AppState, me: Option<&UserRow>, other: i32) -> ApiResult<()> {
    if let Some(u) = me {
        if db::social::blocked_either_way(&state.db, u.id, other).await? {
            return Err(blocked());
        }
    }
    Ok(())
}

#[utoipa::path(post, path = "/v1/post/{id}/comments", tag = "comments",
    params(("id" = i64, Path, description = "Post id")), request_body = NewCommentBody,
    responses((status = 201, body = Comment),
              (status = 400, description = "Invalid parent comment, or `comment_too_deep`"),
              (status = 403, description = "A block stands between the commenter and the post's or parent's author (`blocked`)"),
              (status = 404, description = "Post not found"),
              (status = 409, description = "The post has 1000 comments"),
              (status = 422, description = "Body empty or over 2000 characters"),
              (status = 429, description = "More than 30 comments in 5 minutes")))]
pub async fn create_comment(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    Path(id): Path<String>,
    ValidJson(req): ValidJson<NewCommentBody>,
) -> ApiResult<(StatusCode, Json<Comment>)> {
    check_body(&req.body)?;
    let hash = client_hash(&state, ip);
    let subject = match &me {
        Some(u) => u.id.to_string(),
        None => format!("ip:{hash}"),
    };
    limiter.check(limits::COMMENT, &subject).await?;
    let post = accessible_post(&state, &id, me.as_ref()).await?;
    ensure_not_blocked(&state, me.as_ref(), post.owner_id).await?;
    let parent = match req.parent_id {
        Some(pid) => Some(reply_target(&state, pid, &post, me.as_ref()).await?),
        None => None,
    };
    if let Some(author) = parent.as_ref().and_then(|p| p.author_id) {
        ensure_not_blocked(&state, me.as_ref(), author).await?;
    }
    let new = NewComment {
        post_id: post.id,
        author_id: me.as_ref().map(|u| u.id),
        author_ip: me.is_none().then_some(hash.as_str()),
        parent_id: parent.as_ref().map(|p| p.id),
        depth: parent.as_ref().map_or(0, |p| p.depth + 1),
        body: &req.body,
    };
    let mut tx = begin(&state).await?;
    // Held to commit, so concurrent comments cannot overrun the per-post cap together.
    if !db::reactions::lock_post(&mut tx, post.id).await? {
        return Err(post_not_found());
    }
    if db::comments::count_for_post(&mut *tx, post.id).await? >= i64::from(MAX_COMMENTS_PER_POST) {
        return Err(ApiError::conflict(format!(
            "This post already has {MAX_COMMENTS_PER_POST} comments"
        )));
    }
    let comment_id = db::comments::insert(&mut tx, &new).await?;
    commit(tx).await?;
    crate::cache::post_counters_changed(&state, post.id).await;

    let parent_author = parent.as_ref().and_then(|p| p.author_id);
    let notice = |to: i32, kind: Kind| Notice {
        comment_id: Some(comment_id),
        comment_preview: Some(req.body.as_str()),
        ..Notice::new(to, kind, me.as_ref()).post(post.id)
    };
    if let Some(to) = parent_author {
        notify(&state, notice(to, Kind::CommentReply)).await;
    }
    // The post's author hears of a reply to their own comment once, as a reply.
    if parent_author != Some(post.owner_id) {
        notify(&state, notice(post.owner_id, Kind::Comment)).await;
    }
    let comment = load_comment(&state, comment_id, me.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(comment)))
}
