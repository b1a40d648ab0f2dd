//! `GET /u/{sqid}/player/{player_id}/certs`: the owner's copy of the player's certificate
//! bundle (for setting a device up by hand); never the device token.
use axum::extract::{Path, State};
use axum::Json;

use super::issue::{bundle, CertBundle};
use super::owned_player;
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(get, path = "/u/{sqid}/player/{player_id}/certs", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid"),
           ("player_id" = String, Path, description = "The player's id")),
    responses((status = 200, body = CertBundle),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's"),
              (status = 404, description = "No such player of the caller, or no certificate")))]
pub async fn get_certs(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path((sqid, player_id)): Path<(String, String)>,
) -> ApiResult<Json<CertBundle>> {
    let player = owned_player(&state, &me, &sqid, &player_id).await?;
    Ok(Json(bundle(&state, player.id).await?))
}
