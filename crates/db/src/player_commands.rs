//! The command log (`player_command_logs`): one row per command sent to a player, keyed by the
//! published `command_id` so the player's ack finds it (player-protocol.md §3.4, §3.5).
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::DbResult;

/// A logged command with its acknowledgement, if any.
#[derive(Debug, Clone)]
pub struct CommandLog {
    pub id: Uuid,
    pub player_id: Uuid,
    pub user_id: Option<i32>,
    pub command_type: String,
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub ack_status: Option<String>,
    pub ack_error: Option<String>,
    pub acked_at: Option<DateTime<Utc>>,
}

/// What a send writes: `id` is the `command_id` the player receives.
#[derive(Debug, Clone, Copy)]
pub struct NewCommand<'a> {
    pub id: Uuid,
    pub player_id: Uuid,
    pub user_id: i32,
    pub command_type: &'a str,
    pub payload: &'a serde_json::Value,
}

pub async fn insert(ex: impl PgExecutor<'_>, c: &NewCommand<'_>) -> DbResult<()> {
    sqlx::query!(
        r#"insert into player_command_logs (id, player_id, user_id, command_type, payload)
           values ($1, $2, $3, $4, $5)"#,
        c.id,
        c.player_id,
        c.user_id,
        c.command_type,
        c.payload
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn find(ex: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<CommandLog>> {
    Ok(sqlx::query_as!(
        CommandLog,
        r#"select id, player_id, user_id, command_type, payload, created_at, ack_status,
                  ack_error, acked_at
           from player_command_logs where id = $1"#,
        id
    )
    .fetch_optional(ex)
    .await?)
}

/// The player's latest commands, newest first.
pub async fn recent(
    ex: impl PgExecutor<'_>,
    player_id: Uuid,
    limit: i64,
) -> DbResult<Vec<CommandLog>> {
    Ok(sqlx::query_as!(
        CommandLog,
        r#"select id, player_id, user_id, command_type, payload, created_at, ack_status,
                  ack_error, acked_at
           from player_command_logs where player_id = $1
           order by created_at desc, id desc
           limit $2"#,
        player_id,
        limit
    )
    .fetch_all(ex)
    .await?)
}

/// Takes back the row of a command that could not be published.
pub async fn delete(ex: impl PgExecutor<'_>, id: Uuid) -> DbResult<()> {
    sqlx::query!("delete from player_command_logs where id = $1", id)
        .execute(ex)
        .await?;
    Ok(())
}
