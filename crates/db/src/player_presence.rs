//! What players report about themselves (§3.5–§3.7): status heartbeats and the offline sweep,
//! the capability manifest and state, and command acknowledgements. Only registered players
//! (with an owner) are updated; reports from any other key change nothing.
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::DbResult;

/// A player's presence after an update, with the owner to notify.
#[derive(Debug, Clone)]
pub struct PresenceRow {
    pub id: Uuid,
    pub owner_id: i32,
    pub connection_status: String,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub current_post_id: Option<i64>,
}

/// One status message. `current_post`: `None` keeps the column, `Some(None)` clears it, and
/// `Some(Some(id))` sets it, to null when no such post exists (a dangling id must not fail the
/// update and lose `last_seen_at`, as it did in the original).
pub async fn apply_status(
    ex: impl PgExecutor<'_>,
    key: Uuid,
    connection_status: &str,
    current_post: Option<Option<i64>>,
    firmware_version: Option<&str>,
) -> DbResult<Option<PresenceRow>> {
    Ok(sqlx::query_as!(
        PresenceRow,
        r#"update players set connection_status = $2, last_seen_at = now(),
                  current_post_id = case when $3 then (select id from posts where id = $4)
                                         else current_post_id end,
                  firmware_version = coalesce($5, firmware_version)
           where player_key = $1 and owner_id is not null
           returning id, owner_id as "owner_id!", connection_status, last_seen_at,
                     current_post_id"#,
        key,
        connection_status,
        current_post.is_some(),
        current_post.flatten(),
        firmware_version
    )
    .fetch_optional(ex)
    .await?)
}

/// A player the sweep set offline.
#[derive(Debug, Clone)]
pub struct Swept {
    pub id: Uuid,
    pub owner_id: Option<i32>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub current_post_id: Option<i64>,
}

/// Sets offline every online player silent for longer than `silent_secs` (or never seen) and
/// returns them, so owners can be told.
pub async fn sweep_offline(ex: impl PgExecutor<'_>, silent_secs: f64) -> DbResult<Vec<Swept>> {
    Ok(sqlx::query_as!(
        Swept,
        r#"update players set connection_status = 'offline'
           where connection_status = 'online'
             and (last_seen_at is null or last_seen_at < now() - make_interval(secs => $1))
           returning id, owner_id, last_seen_at, current_post_id"#,
        silent_secs
    )
    .fetch_all(ex)
    .await?)
}

/// The player a capabilities or state message is about.
#[derive(Debug, Clone)]
pub struct FeatureOwner {
    pub id: Uuid,
    pub owner_id: i32,
    pub firmware_version: Option<String>,
    pub capabilities: Option<serde_json::Value>,
}

/// Which features a manifest declares, so the state of the others is cleared.
#[derive(Debug, Clone, Copy, Default)]
pub struct Declared {
    pub pause: bool,
    pub brightness: bool,
    pub rotation: bool,
    pub mirror: bool,
}

/// Stores a sanitized manifest and clears the state of every feature it does not declare.
pub async fn store_capabilities(
    ex: impl PgExecutor<'_>,
    key: Uuid,
    capabilities: &serde_json::Value,
    declared: Declared,
    firmware_version: Option<&str>,
) -> DbResult<Option<FeatureOwner>> {
    Ok(sqlx::query_as!(
        FeatureOwner,
        r#"update players set capabilities = $2, capabilities_updated_at = now(),
                  firmware_version = coalesce($3, firmware_version),
                  is_paused = case when $4 then is_paused end,
                  brightness = case when $5 then brightness end,
                  rotation = case when $6 then rotation end,
                  mirror = case when $7 then mirror end
           where player_key = $1 and owner_id is not null
           returning id, owner_id as "owner_id!", firmware_version, capabilities"#,
        key,
        capabilities,
        firmware_version,
        declared.pause,
        declared.brightness,
        declared.rotation,
        declared.mirror
    )
    .fetch_optional(ex)
    .await?)
}

/// The registered player behind a key, with its stored manifest (to filter a state message).
pub async fn feature_owner(ex: impl PgExecutor<'_>, key: Uuid) -> DbResult<Option<FeatureOwner>> {
    Ok(sqlx::query_as!(
        FeatureOwner,
        r#"select id, owner_id as "owner_id!", firmware_version, capabilities
           from players where player_key = $1 and owner_id is not null"#,
        key
    )
    .fetch_optional(ex)
    .await?)
}

/// Reported state; `None` fields are left as they are.
#[derive(Debug, Clone, Default)]
pub struct StateFields<'a> {
    pub is_paused: Option<bool>,
    pub brightness: Option<i32>,
    pub rotation: Option<i32>,
    pub mirror: Option<&'a str>,
}

pub async fn store_state(ex: impl PgExecutor<'_>, id: Uuid, s: &StateFields<'_>) -> DbResult<()> {
    sqlx::query!(
        r#"update players set is_paused = coalesce($2, is_paused),
                  brightness = coalesce($3, brightness), rotation = coalesce($4, rotation),
                  mirror = coalesce($5, mirror), state_updated_at = now()
           where id = $1"#,
        id,
        s.is_paused,
        s.brightness,
        s.rotation,
        s.mirror
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Records a command acknowledgement; false when the command is unknown or was sent to
/// another player (a player cannot ack someone else's command).
pub async fn ack_command(
    ex: impl PgExecutor<'_>,
    key: Uuid,
    command_id: Uuid,
    status: &str,
    error: Option<&str>,
) -> DbResult<bool> {
    let n = sqlx::query!(
        r#"update player_command_logs c set ack_status = $3, ack_error = $4, acked_at = now()
           from players p
           where c.id = $2 and c.player_id = p.id and p.player_key = $1"#,
        key,
        command_id,
        status,
        error
    )
    .execute(ex)
    .await?
    .rows_affected();
    Ok(n == 1)
}
