//! `PATCH /v1/playlist/{id}`: edits title, description, visibility to others, or replaces the
//! whole item list. Every check runs before the transaction, so an error writes nothing.
use axum::extract::{Path, State};
use axum::Json;
use db::playlists::PlaylistUpdate;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use super::{
    description, ensure_can_edit, items, playlist_not_found, reader, title, visible_playlist,
};
use crate::dto::playlist::Playlist;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::routes::posts::viewer;
use crate::state::AppState;

/// Absent fields stay unchanged; `null` or a blank description clears it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlaylistBody {
    #[schema(min_length = 1, max_length = 128)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub description: Option<Option<String>>,
    /// Replaces the whole list (at most 100).
    pub post_ids: Option<Vec<i64>>,
    pub hidden_by_user: Option<bool>,
}

/// Tells an explicit `null` (Some(None)) from an absent field (None, via `default`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[utoipa::path(patch, path = "/v1/playlist/{id}", tag = "playlists", security(("bearer" = [])),
    params(("id" = String, Path, description = "The playlist's UUID")),
    request_body = UpdatePlaylistBody,
    responses((status = 200, body = Playlist),
              (status = 400, description = "An unknown post id"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not your playlist"),
              (status = 404, description = "Playlist not found"),
              (status = 422, description = "Title, description or post count out of range")))]
pub async fn update_playlist(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<UpdatePlaylistBody>,
) -> ApiResult<Json<Playlist>> {
    let p = visible_playlist(&state, Some(&actor), &id).await?;
    ensure_can_edit(&actor, &p)?;
    let new_title = body.title.as_deref().map(title).transpose()?;
    let new_description = body.description.map(description).transpose()?;
    let post_ids = match &body.post_ids {
        Some(ids) => Some(items(&state, &actor, ids).await?),
        None => None,
    };

    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    // A delete that won the race makes this a 404 rather than an edit of a deleted playlist.
    db::playlists::lock_live(&mut tx, p.id)
        .await?
        .ok_or_else(playlist_not_found)?;
    let update = PlaylistUpdate {
        title: new_title.as_deref(),
        description: new_description.as_ref().map(|d| d.as_deref()),
        hidden_by_user: body.hidden_by_user,
    };
    db::playlists::update(&mut tx, p.id, &update).await?;
    if let Some(ids) = &post_ids {
        db::playlists::replace_items(&mut tx, p.id, ids).await?;
    }
    tx.commit().await.map_err(ApiError::internal)?;
    crate::cache::post_changed(&state, p.id).await;

    let row = db::playlists::find_by_key(&state.db, p.storage_key, reader(viewer(Some(&actor))))
        .await?
        .ok_or_else(playlist_not_found)?;
    Ok(Json(Playlist::from(row)))
}
