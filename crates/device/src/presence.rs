//! What players say about themselves (§3.5–§3.7): status heartbeats (and the offline sweep),
//! the retained capability manifest and state, and command acks. The topic's key names the
//! player; owners hear about changes through `PLAYER_EVENTS` (their SSE stream). Malformed or
//! foreign payloads are dropped with a log line, not reported as errors.
use chrono::{DateTime, Utc};
use protocol::capabilities::{parse_manifest, sanitize_state, Capabilities};
use protocol::presence::{parse_status, CurrentPost};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::{Ctx, DeviceError};

/// A player silent this long is offline: the p3a reports every 30 s, so this is six misses.
pub const OFFLINE_AFTER_SECS: u32 = 180;
/// `players.firmware_version` holds at most this many characters; a longer one is ignored.
const MAX_FIRMWARE_CHARS: usize = 50;
/// An ack's error text is only for the owner's eyes; a device cannot store a novel.
const MAX_ACK_ERROR_CHARS: usize = 500;
const ACK_STATUSES: [&str; 3] = ["ok", "error", "unsupported"];

fn firmware(v: Option<&str>) -> Option<&str> {
    v.filter(|v| v.chars().count() <= MAX_FIRMWARE_CHARS)
}

/// Tells the owner's SSE streams, on every api instance. The database already holds the
/// change, so a Redis hiccup only costs a live update and is not the message's failure.
async fn notify(ctx: &Ctx, owner_id: i32, event: &str, data: Value) {
    let msg = json!({ "user_id": owner_id, "event": event, "data": data });
    if let Err(e) = ctx
        .kv
        .publish(kv::pubsub::PLAYER_EVENTS, &msg.to_string())
        .await
    {
        tracing::warn!(error = %e, event, "player event not published");
    }
}

async fn notify_status(
    ctx: &Ctx,
    owner_id: i32,
    player_id: Uuid,
    connection_status: &str,
    last_seen_at: Option<DateTime<Utc>>,
    current_post_id: Option<i64>,
) {
    let data = json!({
        "type": "status",
        "player_id": player_id,
        "connection_status": connection_status,
        "last_seen_at": last_seen_at,
        "current_post_id": current_post_id,
    });
    notify(ctx, owner_id, "status", data).await;
}

/// `…/status` (and the offline LWT): presence, the artwork on screen, the firmware version.
pub async fn on_status(ctx: &Ctx, key: Uuid, payload: &[u8]) -> Result<(), DeviceError> {
    let Some(msg) = parse_status(payload) else {
        tracing::debug!(player_key = %key, "status payload is not a JSON object; ignored");
        return Ok(());
    };
    if msg.names_other_player(&key) {
        tracing::warn!(player_key = %key, named = ?msg.player_key,
            "status payload names another player; ignored");
        return Ok(());
    }
    let current_post = match msg.current_post {
        CurrentPost::Keep => None,
        CurrentPost::Clear => Some(None),
        CurrentPost::Post(id) => Some(Some(id)),
    };
    let row = db::player_presence::apply_status(
        &ctx.db,
        key,
        msg.status.as_str(),
        current_post,
        firmware(msg.firmware_version.as_deref()),
    )
    .await?;
    let Some(row) = row else {
        tracing::debug!(player_key = %key, "status from an unregistered key; ignored");
        return Ok(());
    };
    notify_status(
        ctx,
        row.owner_id,
        row.id,
        &row.connection_status,
        row.last_seen_at,
        row.current_post_id,
    )
    .await;
    Ok(())
}

/// Marks offline the online players silent for [`OFFLINE_AFTER_SECS`] (a lost LWT) and tells
/// their owners; returns how many.
pub async fn sweep_offline(ctx: &Ctx) -> Result<u64, DeviceError> {
    let swept = db::player_presence::sweep_offline(&ctx.db, f64::from(OFFLINE_AFTER_SECS)).await?;
    for p in &swept {
        if let Some(owner_id) = p.owner_id {
            notify_status(
                ctx,
                owner_id,
                p.id,
                "offline",
                p.last_seen_at,
                p.current_post_id,
            )
            .await;
        }
    }
    Ok(swept.len() as u64)
}

/// `…/capabilities` (retained): the features the player supports. State of features it no
/// longer declares is cleared.
pub async fn on_capabilities(ctx: &Ctx, key: Uuid, payload: &[u8]) -> Result<(), DeviceError> {
    let Some(manifest) = parse_manifest(payload) else {
        tracing::debug!(player_key = %key, "capabilities payload is not a JSON object; ignored");
        return Ok(());
    };
    let caps = &manifest.capabilities;
    let declared = db::player_presence::Declared {
        pause: caps.pause.is_some(),
        brightness: caps.brightness.is_some(),
        rotation: caps.rotation.is_some(),
        mirror: caps.mirror.is_some(),
    };
    let stored = caps.to_json();
    let row = db::player_presence::store_capabilities(
        &ctx.db,
        key,
        &stored,
        declared,
        firmware(manifest.firmware_version.as_deref()),
    )
    .await?;
    let Some(row) = row else {
        tracing::debug!(player_key = %key, "capabilities from an unregistered key; ignored");
        return Ok(());
    };
    let data = json!({
        "type": "capabilities",
        "player_id": row.id,
        "capabilities": stored,
        "firmware_version": row.firmware_version,
    });
    notify(ctx, row.owner_id, "capabilities", data).await;
    Ok(())
}

/// `…/state` (retained): current OPC values, kept only where declared and allowed.
pub async fn on_state(ctx: &Ctx, key: Uuid, payload: &[u8]) -> Result<(), DeviceError> {
    let state: Value = if payload.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(payload) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                tracing::debug!(player_key = %key, "state payload is not a JSON object; ignored");
                return Ok(());
            }
        }
    };
    let Some(player) = db::player_presence::feature_owner(&ctx.db, key).await? else {
        tracing::debug!(player_key = %key, "state from an unregistered key; ignored");
        return Ok(());
    };
    let caps = Capabilities::from_stored(player.capabilities.as_ref());
    let clean = sanitize_state(&caps, &state);
    let fields = db::player_presence::StateFields {
        is_paused: clean.is_paused,
        brightness: clean.brightness,
        rotation: clean.rotation,
        mirror: clean.mirror.as_deref(),
    };
    db::player_presence::store_state(&ctx.db, player.id, &fields).await?;
    if !clean.is_empty() {
        let data = json!({ "type": "state", "player_id": player.id, "state": clean.to_json() });
        notify(ctx, player.owner_id, "state", data).await;
    }
    Ok(())
}

/// `…/command/ack`: `{command_id, status, error}` for a command this player was sent.
pub async fn on_command_ack(ctx: &Ctx, key: Uuid, payload: &[u8]) -> Result<(), DeviceError> {
    let Ok(Value::Object(ack)) = serde_json::from_slice::<Value>(payload) else {
        tracing::debug!(player_key = %key, "command ack is not a JSON object; ignored");
        return Ok(());
    };
    let command_id = ack
        .get("command_id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok());
    let status = ack
        .get("status")
        .and_then(Value::as_str)
        .filter(|s| ACK_STATUSES.contains(s));
    let (Some(command_id), Some(status)) = (command_id, status) else {
        tracing::debug!(player_key = %key, "command ack without a UUID id or a known status");
        return Ok(());
    };
    let error: Option<String> = ack
        .get("error")
        .and_then(Value::as_str)
        .map(|e| e.chars().take(MAX_ACK_ERROR_CHARS).collect());
    let found =
        db::player_presence::ack_command(&ctx.db, key, command_id, status, error.as_deref())
            .await?;
    if !found {
        tracing::info!(player_key = %key, %command_id, "ack for a command this player was not sent");
    }
    Ok(())
}
