//! `POST /u/{sqid}/player/command/all`: the same command to every registered player of the
//! caller. A player whose own limit is spent is skipped (not an error), as in the original.
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{prepare, send, CommandRequest};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, RateLimiter, ValidJson};
use crate::limits::{PLAYER_COMMAND_PLAYER, PLAYER_COMMAND_USER};
use crate::routes::players::ensure_self;
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SentTo {
    pub player_id: Uuid,
    pub command_id: Uuid,
    pub status: String,
}

/// `{sent_count, commands: [{player_id, command_id, status}]}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SentToAll {
    pub sent_count: usize,
    pub commands: Vec<SentTo>,
}

#[utoipa::path(post, path = "/u/{sqid}/player/command/all", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid")),
    request_body = CommandRequest,
    responses((status = 200, body = SentToAll),
              (status = 400, description = "A field the command needs is missing"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not the caller's sqid, or the artwork is not visible"),
              (status = 404, description = "No registered players, or no such post, user or playset"),
              (status = 429, description = "1000 commands per minute per user"),
              (status = 503, description = "The broker is unreachable (`broker_unavailable`)")))]
pub async fn send_command_all(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    limiter: RateLimiter,
    Path(sqid): Path<String>,
    ValidJson(req): ValidJson<CommandRequest>,
) -> ApiResult<Json<SentToAll>> {
    ensure_self(&me, &sqid)?;
    let players: Vec<_> = db::players::list_owned(&state.db, me.id)
        .await?
        .into_iter()
        .filter(|p| p.registration_status == "registered")
        .collect();
    if players.is_empty() {
        return Err(ApiError::not_found("No registered players found"));
    }
    limiter
        .check(PLAYER_COMMAND_USER, &me.id.to_string())
        .await?;
    let cmd = prepare(&state, &me, &req).await?;
    let mut commands = Vec::with_capacity(players.len());
    for player in &players {
        let subject = player.id.to_string();
        // Redis down: allowed, as every limit fails open.
        let allowed = state
            .kv
            .hit(PLAYER_COMMAND_PLAYER, &subject)
            .await
            .map_or(true, |d| d.allowed);
        if !allowed {
            continue;
        }
        let command_id = send(&state, &me, player, &cmd).await?;
        commands.push(SentTo {
            player_id: player.id,
            command_id,
            status: "sent".into(),
        });
    }
    Ok(Json(SentToAll {
        sent_count: commands.len(),
        commands,
    }))
}
