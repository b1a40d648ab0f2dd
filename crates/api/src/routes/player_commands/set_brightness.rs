//! `POST /u/{sqid}/player/{player_id}/brightness`: `set_brightness {"value"}` to a player
//! that declared the `brightness` feature, with a value its manifest allows (min to max).
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
pub struct SetBrightness {
    pub value: i64,
}

#[utoipa::path(post, path = "/u/{sqid}/player/{player_id}/brightness", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid"),
           ("player_id" = String, Path, description = "The player's id (not its key)")),
    request_body = SetBrightness,
    responses((status = 200, body = CommandSent),
              (status = 400, description = "`unsupported_command` (no `brightness` declared) or `invalid_value`"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's"),
              (status = 404, description = "No such player of the caller"),
              (status = 429, description = "Command limits"),
              (status = 503, description = "The broker is unreachable (`broker_unavailable`)")))]
pub async fn set_brightness(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    limiter: RateLimiter,
    Path(path): Path<(String, String)>,
    ValidJson(body): ValidJson<SetBrightness>,
) -> ApiResult<Json<CommandSent>> {
    let sent = send_opc(&state, &limiter, &me, path, Opc::Brightness(body.value)).await?;
    Ok(Json(sent))
}
