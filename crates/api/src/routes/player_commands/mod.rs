//! Owners steering their players (player-protocol.md §3.4, §3.7; http-api.md §2.9): commands
//! published on `makapix/player/{key}/command`, the optional player commands (OPC) checked
//! against the declared capabilities, and the live SSE stream of the players' state.
//!
//! Every command is logged with the `command_id` it is published with (the original logged
//! another id for the plain commands, so their acks could never be matched). The row is written
//! before the publish, so an ack arriving at once still finds it, and removed again when the
//! broker is unreachable (503 `broker_unavailable`): the log lists what players were sent.
pub mod player_events;
pub mod send_command;
pub mod send_command_all;
pub mod set_brightness;
pub mod set_mirror;
pub mod set_paused;
pub mod set_rotation;
pub mod sse_ticket;

use axum::http::StatusCode;
use db::players::PlayerRow;
use db::users::UserRow;
use protocol::capabilities::{Capabilities, Opc, OpcError};
use protocol::command::{ChannelChoice, Command, CommandError, CommandType};
use protocol::response::PlaysetChannel;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::RateLimiter;
use crate::limits::{PLAYER_COMMAND_PLAYER, PLAYER_COMMAND_USER};
use crate::state::AppState;

/// The one playset the server knows (§5.7).
pub const FOLLOWED_ARTISTS: &str = device::requests::FOLLOWED_ARTISTS;

/// `POST …/command` and `…/command/all`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CommandRequest {
    /// `swap_next`, `swap_back`, `show_artwork`, `play_channel`, `play_playset` or
    /// `execute_playset` (playsets are published as `execute_playset` either way).
    #[schema(value_type = String)]
    pub command_type: CommandType,
    pub post_id: Option<i64>,
    pub channel_name: Option<String>,
    pub hashtag: Option<String>,
    pub user_sqid: Option<String>,
    pub user_handle: Option<String>,
    pub playset_name: Option<String>,
}

/// `{command_id, status: "sent"}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CommandSent {
    pub command_id: Uuid,
    pub status: String,
}

impl CommandSent {
    fn new(command_id: Uuid) -> Self {
        Self {
            command_id,
            status: "sent".into(),
        }
    }
}

/// A command ready to go to any number of players.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub command_type: &'static str,
    pub payload: Value,
}

fn command_error(e: CommandError) -> ApiError {
    ApiError::bad_request(e.to_string())
}

pub fn broker_unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "broker_unavailable",
        "The message broker is not reachable; try again shortly",
    )
}

/// Builds the payload of §3.4 from the request (the caller's playsets are the caller's).
pub async fn prepare(state: &AppState, me: &UserRow, req: &CommandRequest) -> ApiResult<Prepared> {
    let command_type = req.command_type.published();
    let payload = match req.command_type {
        CommandType::SwapNext | CommandType::SwapBack => json!({}),
        CommandType::ShowArtwork => show_artwork(state, req.post_id).await?,
        CommandType::PlayChannel => play_channel(state, req).await?,
        CommandType::PlayPlayset | CommandType::ExecutePlayset => {
            let name = req
                .playset_name
                .as_deref()
                .filter(|n| !n.is_empty())
                .ok_or_else(|| command_error(CommandError::MissingPlaysetName))?;
            if name != FOLLOWED_ARTISTS {
                return Err(ApiError::not_found(format!("Playset '{name}' not found")));
            }
            let channels = followed_artists(state, me).await?;
            protocol::command::execute_playset(name, &channels).map_err(command_error)?
        }
    };
    Ok(Prepared {
        command_type,
        payload,
    })
}

/// The caller's followees as user channels, as `get_playset` lists them.
async fn followed_artists(state: &AppState, me: &UserRow) -> ApiResult<Vec<PlaysetChannel>> {
    Ok(db::player_feed_lookups::followed_artists(&state.db, me.id)
        .await?
        .into_iter()
        .map(|f| PlaysetChannel {
            kind: "user",
            identifier: f.public_sqid,
            display_name: format!("@{}", f.handle),
        })
        .collect())
}

/// 404 for a missing post; 403 when it is invisible, mod-hidden or non-conformant (deleted and
/// non-public posts pass, as in the original: the owner may show their own drafts).
async fn show_artwork(state: &AppState, post_id: Option<i64>) -> ApiResult<Value> {
    let id = post_id.ok_or_else(|| command_error(CommandError::MissingPostId))?;
    let post = db::posts::find_by_id(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Post not found"))?;
    if !post.visible || post.hidden_by_mod || post.non_conformant {
        return Err(ApiError::forbidden("Post is not visible"));
    }
    Ok(protocol::command::show_artwork(
        &protocol::command::Artwork {
            post_id: post.id,
            title: &post.title,
            storage_key: post.storage_key,
            storage_shard: post.storage_shard.as_deref(),
            native_format: post.native_format.as_deref(),
            width: post.width,
            height: post.height,
        },
    ))
}

async fn play_channel(state: &AppState, req: &CommandRequest) -> ApiResult<Value> {
    let choice = protocol::command::choose_channel(
        req.channel_name.as_deref(),
        req.hashtag.as_deref(),
        req.user_sqid.as_deref(),
    )
    .map_err(command_error)?;
    let handle = match &choice {
        ChannelChoice::User { user_sqid, .. } => {
            let user = crate::routes::users::user_by_sqid(state, user_sqid).await?;
            match req.user_handle.as_deref().filter(|h| !h.is_empty()) {
                Some(given) => given.to_string(),
                None => user.handle,
            }
        }
        _ => String::new(),
    };
    Ok(protocol::command::play_channel(&choice, &handle))
}

/// The per-owner and per-player command limits (429 past either).
pub async fn check_limits(limiter: &RateLimiter, me: &UserRow, player_id: Uuid) -> ApiResult<()> {
    limiter
        .check(PLAYER_COMMAND_PLAYER, &player_id.to_string())
        .await?;
    limiter.check(PLAYER_COMMAND_USER, &me.id.to_string()).await
}

/// Logs and publishes one command to one player; returns its `command_id`.
pub async fn send(
    state: &AppState,
    me: &UserRow,
    player: &PlayerRow,
    cmd: &Prepared,
) -> ApiResult<Uuid> {
    let command = Command::new(cmd.command_type, cmd.payload.clone());
    let row = db::player_commands::NewCommand {
        id: command.command_id,
        player_id: player.id,
        user_id: me.id,
        command_type: cmd.command_type,
        payload: &cmd.payload,
    };
    db::player_commands::insert(&state.db, &row).await?;
    let topic = protocol::topic::command(&player.player_key);
    if state.mqtt.publish(topic, command.to_bytes()).await.is_err() {
        if let Err(e) = db::player_commands::delete(&state.db, command.command_id).await {
            tracing::warn!(error = %e, "unsent command left in the log");
        }
        return Err(broker_unavailable());
    }
    tracing::info!(player_id = %player.id, command_id = %command.command_id,
        command_type = cmd.command_type, "player command sent");
    Ok(command.command_id)
}

/// The OPC endpoints: capability and value checked against the stored manifest, then sent.
pub async fn send_opc(
    state: &AppState,
    limiter: &RateLimiter,
    me: &UserRow,
    path: (String, String),
    opc: Opc,
) -> ApiResult<CommandSent> {
    let (sqid, player_id) = path;
    let player = crate::routes::players::owned_player(state, me, &sqid, &player_id).await?;
    check_limits(limiter, me, player.id).await?;
    let caps = Capabilities::from_stored(player.capabilities.as_ref());
    caps.check(&opc).map_err(|e| opc_error(&caps, e))?;
    let cmd = Prepared {
        command_type: opc.command_type(),
        payload: opc.payload(),
    };
    let id = send(state, me, &player, &cmd).await?;
    Ok(CommandSent::new(id))
}

/// 400 `unsupported_command` / `invalid_value` with the feature and, for a bad value, what the
/// manifest allows (as the original's detail objects carried).
fn opc_error(caps: &Capabilities, e: OpcError) -> ApiError {
    let code = e.code();
    let message = match &e {
        OpcError::Unsupported { feature } => format!("The player does not support {feature}"),
        OpcError::InvalidValue { message, .. } => message.clone(),
    };
    let details = match e {
        OpcError::Unsupported { feature } => json!({ "feature": feature }),
        OpcError::InvalidValue { feature, .. } => {
            let mut d = json!({ "feature": feature });
            match feature {
                "brightness" => {
                    if let Some(b) = &caps.brightness {
                        d["min"] = json!(b.min);
                        d["max"] = json!(b.max);
                    }
                }
                "rotation" => d["allowed"] = json!(caps.rotation.as_ref().map(|r| &r.values)),
                "mirror" => d["allowed"] = json!(caps.mirror.as_ref().map(|m| &m.values)),
                _ => {}
            }
            d
        }
    };
    ApiError::new(StatusCode::BAD_REQUEST, code, message).with_details(details)
}
