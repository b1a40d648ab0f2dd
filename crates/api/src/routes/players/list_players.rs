//! `GET /u/{sqid}/player`: the caller's players, oldest first.
use axum::extract::{Path, State};
use axum::Json;

use super::ensure_self;
use crate::dto::player::{PlayerList, PlayerPublic};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(get, path = "/u/{sqid}/player", tag = "players", security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid")),
    responses((status = 200, body = PlayerList),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's")))]
pub async fn list_players(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<Json<PlayerList>> {
    ensure_self(&me, &sqid)?;
    let rows = db::players::list_owned(&state.db, me.id).await?;
    Ok(Json(PlayerList {
        items: rows.into_iter().map(PlayerPublic::from).collect(),
    }))
}
