//! `POST /v1/playlist`: creates a playlist. Like an upload it reserves a post id for its sqid
//! and is approved for discovery only when its author is trusted.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::playlists::NewPlaylist;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{description, items, reader, title};
use crate::dto::playlist::Playlist;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::routes::posts::viewer;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlaylistBody {
    #[schema(min_length = 1, max_length = 128)]
    pub title: String,
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// Artwork post ids in play order (at most 100).
    #[serde(default)]
    pub post_ids: Vec<i64>,
}

#[utoipa::path(post, path = "/v1/playlist", tag = "playlists", security(("bearer" = [])),
    request_body = CreatePlaylistBody,
    responses((status = 201, body = Playlist),
              (status = 400, description = "An unknown post id"),
              (status = 401, description = "Not signed in"),
              (status = 422, description = "Title, description or post count out of range")))]
pub async fn create_playlist(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ValidJson(body): ValidJson<CreatePlaylistBody>,
) -> ApiResult<(StatusCode, Json<Playlist>)> {
    let title = title(&body.title)?;
    let description = description(body.description)?;
    let post_ids = items(&state, &user, &body.post_ids).await?;
    let public = user.auto_public_approval || domain::role::can_moderate(&user.roles);

    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let id = db::posts::next_id(&mut tx).await?;
    let sqid = state.sqids.encode(id);
    let key = db::playlists::insert(
        &mut tx,
        &NewPlaylist {
            id,
            public_sqid: &sqid,
            owner_id: user.id,
            title: &title,
            description: description.as_deref(),
            public_visibility: public,
        },
    )
    .await?;
    db::playlists::replace_items(&mut tx, id, &post_ids).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    crate::cache::post_changed(&state, id).await;

    let row = db::playlists::find_by_key(&state.db, key, reader(viewer(Some(&user))))
        .await?
        .ok_or_else(|| ApiError::internal("new playlist vanished"))?;
    Ok((StatusCode::CREATED, Json(Playlist::from(row))))
}
