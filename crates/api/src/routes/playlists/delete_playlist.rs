//! `DELETE /v1/playlist/{id}`: soft delete by the author or a moderator; the row is purged
//! with other deleted posts later.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{ensure_can_edit, playlist_not_found, visible_playlist};
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/playlist/{id}", tag = "playlists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The playlist's UUID")),
    responses((status = 204, description = "Deleted"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not your playlist"),
              (status = 404, description = "Playlist not found")))]
pub async fn delete_playlist(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let p = visible_playlist(&state, Some(&actor), &id).await?;
    ensure_can_edit(&actor, &p)?;
    let mut conn = state.db.acquire().await.map_err(ApiError::internal)?;
    if !db::playlists::soft_delete(&mut conn, p.id).await? {
        return Err(playlist_not_found());
    }
    crate::cache::post_changed(&state, p.id).await;
    Ok(StatusCode::NO_CONTENT)
}
