//! `DELETE /v1/post/{id}/permanent`: a moderator deletes a post for good, soft-deleted or not.
//! The row goes first (with its audit entry, in one transaction), then the vault files: a
//! failure can leave an orphan file, never a row whose files are gone.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uuid::Uuid;
use vault::{Area, Ext};

use super::edits::{audit, begin, commit, lock_post, post_id, require_moderator};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Every file an artwork key can have: the native format, the renditions and the upscale.
/// All are tried, recorded in `post_files` or not, so a rendition written just before the row
/// went (and not yet recorded) goes too; deleting a missing file is not an error.
const ARTWORK_FILES: [Ext; 5] = [Ext::Png, Ext::Gif, Ext::Webp, Ext::Bmp, Ext::UpscaledWebp];

async fn delete_files(state: &AppState, post_id: i64, key: &Uuid) {
    for ext in ARTWORK_FILES {
        if let Err(e) = state.vault.delete(Area::Artwork, key, ext).await {
            tracing::error!(post_id, %key, suffix = ext.suffix(), error = %e,
                "could not delete a permanently deleted post's file");
        }
    }
}

#[utoipa::path(delete, path = "/v1/post/{id}/permanent", tag = "posts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    responses((status = 204, description = "Deleted with its files"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 404, description = "Post not found")))]
pub async fn delete_permanent(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    require_moderator(&actor)?;
    let id = post_id(&id)?;
    let mut tx = begin(&state).await?;
    let post = lock_post(&mut tx, id).await?;
    let note = format!("Permanently deleted post: {}", post.title);
    audit(
        &mut tx,
        &actor,
        "permanent_delete_post",
        id,
        None,
        Some(&note),
    )
    .await?;
    db::post_edits::hard_delete(&mut tx, id).await?;
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    crate::routes::users::profile_stats::stats_changed(&state, post.owner_id).await;
    delete_files(&state, id, &post.storage_key).await;
    Ok(StatusCode::NO_CONTENT)
}
