//! `GET /u/{sqid}/player/{player_id}`: one of the caller's players.
use axum::extract::{Path, State};
use axum::Json;

use super::owned_player;
use crate::dto::player::PlayerPublic;
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(get, path = "/u/{sqid}/player/{player_id}", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid"),
           ("player_id" = String, Path, description = "The player's id (not its key)")),
    responses((status = 200, body = PlayerPublic),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's"),
              (status = 404, description = "No such player of the caller")))]
pub async fn get_player(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path((sqid, player_id)): Path<(String, String)>,
) -> ApiResult<Json<PlayerPublic>> {
    let player = owned_player(&state, &me, &sqid, &player_id).await?;
    Ok(Json(PlayerPublic::from(player)))
}
