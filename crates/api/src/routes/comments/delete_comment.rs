//! `DELETE /v1/post/comments/{id}`: soft deletion by the author, by the guest who wrote it
//! (same address hash) or by a moderator. The text is kept in `original_body` and replaced by
//! "[deleted]" or, for a moderator, "[deleted by moderator]" (audit-logged). Lists keep a
//! deleted comment as a placeholder only while replies below it are shown. Idempotent.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use db::comments::CommentRow;
use db::users::UserRow;

use super::{find_comment, is_moderator, DELETED_BY_AUTHOR, DELETED_BY_MODERATOR};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, MaybeAuthUser};
use crate::routes::posts::edits::{begin, commit};
use crate::routes::reactions::client_hash;
use crate::state::AppState;

/// Who is deleting, which decides the placeholder and the audit entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deleter {
    Author,
    Moderator,
}

fn deleter(c: &CommentRow, me: Option<&UserRow>, hash: &str) -> ApiResult<Deleter> {
    let own = match (c.author_id, me) {
        (Some(author), Some(u)) => author == u.id,
        (None, _) => c.author_ip.as_deref() == Some(hash),
        (Some(_), None) => false,
    };
    if own {
        Ok(Deleter::Author)
    } else if is_moderator(me) {
        Ok(Deleter::Moderator)
    } else if me.is_none() && c.author_id.is_some() {
        Err(ApiError::auth_required())
    } else {
        Err(ApiError::forbidden(
            "You don't have permission to delete this comment",
        ))
    }
}

#[utoipa::path(delete, path = "/v1/post/comments/{id}", tag = "comments",
    params(("id" = String, Path, description = "Comment id (UUID)")),
    responses((status = 204, description = "Deleted (or already deleted)"),
              (status = 401, description = "A member's comment, and the caller is not signed in"),
              (status = 403, description = "Neither author, same guest nor moderator"),
              (status = 404, description = "Comment not found")))]
pub async fn delete_comment(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let (comment, _) = find_comment(&state, &id, me.as_ref()).await?;
    let who = deleter(&comment, me.as_ref(), &client_hash(&state, ip))?;
    let placeholder = match who {
        Deleter::Author => DELETED_BY_AUTHOR,
        Deleter::Moderator => DELETED_BY_MODERATOR,
    };
    let by_mod = who == Deleter::Moderator;
    let mut tx = begin(&state).await?;
    let changed = db::comments::mark_deleted(&mut tx, comment.id, by_mod, placeholder).await?;
    if changed && by_mod {
        let target = comment.id.to_string();
        let entry = db::audit::AuditEntry {
            actor_id: me.as_ref().map(|u| u.id),
            action: "delete_comment",
            target_type: "comment",
            target_id: &target,
            reason_code: None,
            note: None,
        };
        db::audit::record(&mut tx, entry).await?;
    }
    commit(tx).await?;
    if changed {
        crate::cache::post_counters_changed(&state, comment.post_id).await;
    }
    Ok(StatusCode::NO_CONTENT)
}
