//! `PATCH /u/{sqid}/player/{player_id}`: renames one of the caller's players.
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{owned_player, player_not_found, valid_name};
use crate::dto::player::PlayerPublic;
use crate::error::ApiResult;
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RenameRequest {
    /// 1 to 100 characters after trimming.
    pub name: String,
}

#[utoipa::path(patch, path = "/u/{sqid}/player/{player_id}", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid"),
           ("player_id" = String, Path, description = "The player's id")),
    request_body = RenameRequest,
    responses((status = 200, body = PlayerPublic),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's"),
              (status = 404, description = "No such player of the caller"),
              (status = 422, description = "Name not 1 to 100 characters")))]
pub async fn rename_player(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path((sqid, player_id)): Path<(String, String)>,
    ValidJson(req): ValidJson<RenameRequest>,
) -> ApiResult<Json<PlayerPublic>> {
    let player = owned_player(&state, &me, &sqid, &player_id).await?;
    let name = valid_name(&req.name)?;
    db::players::rename(&state.db, player.id, &name).await?;
    let player = db::players::find_owned(&state.db, me.id, player.id)
        .await?
        .ok_or_else(player_not_found)?;
    Ok(Json(PlayerPublic::from(player)))
}
