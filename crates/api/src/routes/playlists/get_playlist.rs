//! `GET /v1/playlist/{id}`: one playlist by its UUID, under the direct-access rules of posts.
use axum::extract::{Path, State};
use axum::Json;

use super::visible_playlist;
use crate::dto::playlist::Playlist;
use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/playlist/{id}", tag = "playlists",
    params(("id" = String, Path, description = "The playlist's UUID")),
    responses((status = 200, body = Playlist), (status = 404, description = "Playlist not found")))]
pub async fn get_playlist(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Playlist>> {
    let row = visible_playlist(&state, me.as_ref(), &id).await?;
    Ok(Json(Playlist::from(row)))
}
