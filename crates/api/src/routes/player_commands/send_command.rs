//! `POST /u/{sqid}/player/{player_id}/command`: sends one command to one of the caller's
//! players (§3.4): swap, show an artwork, play a channel or the `followed_artists` playset.
use axum::extract::{Path, State};
use axum::Json;

use super::{check_limits, prepare, send, CommandRequest, CommandSent};
use crate::error::ApiResult;
use crate::extract::{AuthUser, RateLimiter, ValidJson};
use crate::routes::players::owned_player;
use crate::state::AppState;

#[utoipa::path(post, path = "/u/{sqid}/player/{player_id}/command", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid"),
           ("player_id" = String, Path, description = "The player's id (not its key)")),
    request_body = CommandRequest,
    responses((status = 200, body = CommandSent),
              (status = 400, description = "A field the command needs is missing, or the playset is empty"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not the caller's sqid, or the artwork is not visible"),
              (status = 404, description = "No such player of the caller, post, user or playset"),
              (status = 429, description = "300 commands per minute per player, 1000 per user"),
              (status = 503, description = "The broker is unreachable (`broker_unavailable`)")))]
pub async fn send_command(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    limiter: RateLimiter,
    Path((sqid, player_id)): Path<(String, String)>,
    ValidJson(req): ValidJson<CommandRequest>,
) -> ApiResult<Json<CommandSent>> {
    let player = owned_player(&state, &me, &sqid, &player_id).await?;
    check_limits(&limiter, &me, player.id).await?;
    let cmd = prepare(&state, &me, &req).await?;
    let id = send(&state, &me, &player, &cmd).await?;
    Ok(Json(CommandSent::new(id)))
}
