//! `GET /v1/playlist`: playlists the viewer may open, newest first, optionally of one owner.
//! Like the original there is no cursor: `next_cursor` is always null.
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::reader;
use crate::dto::playlist::Playlist;
use crate::error::ApiResult;
use crate::extract::{MaybeAuthUser, ValidQuery};
use crate::routes::posts::viewer;
use crate::routes::users::page;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPlaylistsParams {
    /// Integer id of the owner.
    pub owner_id: Option<i32>,
    /// 1-200, default 50.
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PlaylistPage {
    pub items: Vec<Playlist>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/playlist", tag = "playlists", params(ListPlaylistsParams),
    responses((status = 200, body = PlaylistPage),
              (status = 422, description = "Bad owner_id or limit out of range")))]
pub async fn list_playlists(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ValidQuery(p): ValidQuery<ListPlaylistsParams>,
) -> ApiResult<Json<PlaylistPage>> {
    let limit = page::limit(p.limit)?;
    let rows =
        db::playlists::list(&state.db, p.owner_id, reader(viewer(me.as_ref())), limit).await?;
    Ok(Json(PlaylistPage {
        items: rows.into_iter().map(Playlist::from).collect(),
        next_cursor: None,
    }))
}
