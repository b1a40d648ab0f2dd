//! `POST /u/{sqid}/player/{player_id}/rotate-token`: the owner replaces the device's bearer
//! token (the old one stops working at once).
use axum::extract::{Path, State};
use axum::Json;

use super::{owned_player, RotatedToken};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(post, path = "/u/{sqid}/player/{player_id}/rotate-token", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid"),
           ("player_id" = String, Path, description = "The player's id")),
    responses((status = 200, body = RotatedToken),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's"),
              (status = 404, description = "No such player of the caller")))]
pub async fn owner_rotate_token(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path((sqid, player_id)): Path<(String, String)>,
) -> ApiResult<Json<RotatedToken>> {
    let player = owned_player(&state, &me, &sqid, &player_id).await?;
    Ok(Json(super::rotate_token(&state, player.id).await?))
}
