//! Device bearer tokens (`mpx_live_…`, stored as SHA-256): at most one active per player, which
//! the partial unique index `player_tokens_active` enforces, so concurrent mints cannot both win.
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::players::ActivePlayer;
use crate::DbResult;

/// Adds `hash` as the player's active token unless one is already active; `false` then.
pub async fn insert_if_none_active(
    ex: impl PgExecutor<'_>,
    player_id: Uuid,
    hash: &[u8],
) -> DbResult<bool> {
    let n = sqlx::query!(
        r#"insert into player_tokens (player_id, token_hash) values ($1, $2)
           on conflict (player_id) where revoked_at is null do nothing"#,
        player_id,
        hash
    )
    .execute(ex)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Revokes every active token of the player and makes `hash` the active one. The player row is
/// locked first, so two rotations of one player run one after the other instead of colliding
/// on the active-token index.
pub async fn rotate(conn: &mut PgConnection, player_id: Uuid, hash: &[u8]) -> DbResult<bool> {
    let found = sqlx::query_scalar!("select id from players where id = $1 for update", player_id)
        .fetch_optional(&mut *conn)
        .await?;
    if found.is_none() {
        return Ok(false);
    }
    revoke_all(&mut *conn, player_id).await?;
    sqlx::query!(
        "insert into player_tokens (player_id, token_hash) values ($1, $2)",
        player_id,
        hash
    )
    .execute(conn)
    .await?;
    Ok(true)
}

pub async fn revoke_all(ex: impl PgExecutor<'_>, player_id: Uuid) -> DbResult<u64> {
    Ok(sqlx::query!(
        "update player_tokens set revoked_at = now()
         where player_id = $1 and revoked_at is null",
        player_id
    )
    .execute(ex)
    .await?
    .rows_affected())
}

/// The player an unrevoked token belongs to, if that player may act: registered, with an owner
/// who is neither banned nor deactivated (the device bearer check of player-protocol.md §1.5).
pub async fn find_active_player(
    ex: impl PgExecutor<'_>,
    hash: &[u8],
) -> DbResult<Option<ActivePlayer>> {
    Ok(sqlx::query_as!(
        ActivePlayer,
        r#"select p.id, p.player_key, u.id as "owner_id!", u.roles as owner_roles
           from player_tokens t
           join players p on p.id = t.player_id
           join users u on u.id = p.owner_id
           where t.token_hash = $1 and t.revoked_at is null
             and p.registration_status = 'registered'
             and not u.deactivated
             and (u.banned_until is null or u.banned_until <= now())"#,
        hash
    )
    .fetch_optional(ex)
    .await?)
}
