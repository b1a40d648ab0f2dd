//! What the edit and moderation routes share: who may act on a post, how a refusal is
//! answered (a post the caller cannot see is a 404 like a missing one), the audit entry for
//! moderator actions, optional JSON bodies and the full `Post` answer.
use axum::body::Bytes;
use axum::Json;
use db::posts::PostRow;
use db::users::UserRow;
use db::PgConnection;
use domain::role::can_moderate;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::{flags, post_not_found, viewer};
use crate::dto::post::Post;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// `{id}` is the integer post id; anything else names no post.
pub fn post_id(raw: &str) -> ApiResult<i64> {
    raw.parse().map_err(|_| post_not_found())
}

pub fn is_moderator(u: &UserRow) -> bool {
    can_moderate(&u.roles)
}

/// Moderator-only routes refuse everyone else before looking at the post.
pub fn require_moderator(u: &UserRow) -> ApiResult<()> {
    if is_moderator(u) {
        Ok(())
    } else {
        Err(ApiError::forbidden("Moderator role required"))
    }
}

/// The author passes (and moderators, when `mods_too`). Anyone else learns nothing about a
/// post they cannot see (404) and is refused one they can (403).
pub fn ensure_author(actor: &UserRow, post: &PostRow, mods_too: bool) -> ApiResult<()> {
    if post.owner_id == actor.id || (mods_too && is_moderator(actor)) {
        return Ok(());
    }
    if domain::visibility::can_access(&flags(post), viewer(Some(actor))) {
        Err(ApiError::forbidden("Only the author may do this"))
    } else {
        Err(post_not_found())
    }
}

pub async fn begin(state: &AppState) -> ApiResult<db::Transaction<'static, db::Postgres>> {
    state.db.begin().await.map_err(ApiError::internal)
}

pub async fn commit(tx: db::Transaction<'static, db::Postgres>) -> ApiResult<()> {
    tx.commit().await.map_err(ApiError::internal)
}

/// Locks the post for this transaction; unknown ids are 404.
pub async fn lock_post(conn: &mut PgConnection, id: i64) -> ApiResult<PostRow> {
    db::post_edits::lock(conn, id)
        .await?
        .ok_or_else(post_not_found)
}

/// Like [`lock_post`], but a soft-deleted post is gone for every caller.
pub async fn lock_live_post(conn: &mut PgConnection, id: i64) -> ApiResult<PostRow> {
    let post = lock_post(conn, id).await?;
    if post.deleted_by_user {
        return Err(post_not_found());
    }
    Ok(post)
}

/// Records a moderator action on a post in the caller's transaction (§1.10).
pub async fn audit(
    conn: &mut PgConnection,
    actor: &UserRow,
    action: &str,
    post_id: i64,
    reason_code: Option<&str>,
    note: Option<&str>,
) -> ApiResult<()> {
    let target_id = post_id.to_string();
    let entry = db::audit::AuditEntry {
        actor_id: Some(actor.id),
        action,
        target_type: "post",
        target_id: &target_id,
        reason_code,
        note,
    };
    Ok(db::audit::record(conn, entry).await?)
}

/// Parses a body the client may leave out entirely; an empty body means the defaults.
pub fn optional_json<T: DeserializeOwned + Default>(body: &Bytes) -> ApiResult<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::validation(vec![
            json!({"loc": ["body"], "msg": e.to_string(), "type": "value_error"}),
        ])
    })
}

/// The post as `GET /p/{sqid}` shows it to `me`, read after the change committed.
pub async fn full_post(state: &AppState, id: i64, me: &UserRow) -> ApiResult<Json<Post>> {
    let view = db::post_views::load(&state.db, id)
        .await?
        .ok_or_else(post_not_found)?;
    let mut post = Post::from_view(view, &state.config.vault_public_base_url);
    post.user_has_liked = !db::reactions::reacted_posts(&state.db, me.id, &[id])
        .await?
        .is_empty();
    Ok(Json(post))
}
