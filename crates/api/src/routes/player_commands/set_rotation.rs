//! `POST /u/{sqid}/player/{player_id}/rotation`: `set_rotation {"value"}` to a player
//! that declared the `rotation` feature, with a value its manifest allows (one of its values).
use axum::extract::{Path, State};
use axum::Json;
use protocol::capabilities::Opc;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{send_opc, CommandSent};
use crate::error::ApiResult;
use crate::extract::{AuthUser, RateLimiter, ValidJson};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetRotation {
    pub value: i64,
}

#[utoipa::path(post, path = "/u/{sqid}/player/{player_id}/rotation", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid"),
           ("player_id" = String, Path, description = "The player's id (not its key)")),
    request_body = SetRotation,
    responses((status = 200, body = CommandSent),
              (status = 400, description = "`unsupported_command` (no `rotation` declared) or `invalid_value`"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's"),
              (status = 404, description = "No such player of the caller"),
              (status = 429, description = "Command limits"),
              (status = 503, description = "The broker is unreachable (`broker_unavailable`)")))]
pub async fn set_rotation(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    limiter: RateLimiter,
    Path(path): Path<(String, String)>,
    ValidJson(body): ValidJson<SetRotation>,
) -> ApiResult<Json<CommandSent>> {
    let sent = send_opc(&state, &limiter, &me, path, Opc::Rotation(body.value)).await?;
    Ok(Json(sent))
}
