//! Refresh-token families: issue, rotate with a grace period, detect reuse, revoke.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::DbResult;

#[derive(Debug, Clone)]
pub struct RefreshRow {
    pub id: i64,
    pub user_id: i32,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Whether the token that replaced this one has itself been rotated.
    pub successor_rotated: bool,
}

pub async fn insert(
    conn: &mut PgConnection,
    user_id: i32,
    family_id: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> DbResult<i64> {
    let id = sqlx::query_scalar!(
        r#"insert into refresh_tokens (user_id, family_id, token_hash, expires_at)
           values ($1, $2, $3, $4) returning id"#,
        user_id,
        family_id,
        token_hash,
        expires_at
    )
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Looks a token up by hash and locks it, so two concurrent rotations serialise.
pub async fn lock_by_hash(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> DbResult<Option<RefreshRow>> {
    let row = sqlx::query_as!(
        RefreshRow,
        r#"
        select t.id, t.user_id, t.family_id, t.expires_at, t.rotated_at, t.revoked_at,
               coalesce(s.rotated_at is not null, false) as "successor_rotated!"
        from refresh_tokens t
        left join refresh_tokens s on s.id = t.replaced_by
        where t.token_hash = $1
        for update of t
        "#,
        token_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Records the first rotation of a token; later rotations inside the grace keep the first.
pub async fn mark_rotated(conn: &mut PgConnection, id: i64, successor: i64) -> DbResult<()> {
    sqlx::query!(
        r#"update refresh_tokens set rotated_at = coalesce(rotated_at, now()),
                  replaced_by = coalesce(replaced_by, $2)
           where id = $1"#,
        id,
        successor
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn revoke_family(conn: &mut PgConnection, family_id: Uuid) -> DbResult<u64> {
    let r = sqlx::query!(
        "update refresh_tokens set revoked_at = now() where family_id = $1 and revoked_at is null",
        family_id
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

pub async fn revoke_by_hash(conn: &mut PgConnection, token_hash: &[u8]) -> DbResult<Option<Uuid>> {
    let fam = sqlx::query_scalar!(
        "update refresh_tokens set revoked_at = coalesce(revoked_at, now()) where token_hash = $1 returning family_id",
        token_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(fam)
}

/// Ends every session of a user (password reset, ban).
pub async fn revoke_all_for_user(conn: &mut PgConnection, user_id: i32) -> DbResult<u64> {
    let r = sqlx::query!(
        "update refresh_tokens set revoked_at = now() where user_id = $1 and revoked_at is null",
        user_id
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

/// Deletes tokens expired or revoked more than a day ago. Returns how many went.
pub async fn delete_stale(pool: &PgPool) -> DbResult<u64> {
    let r = sqlx::query!(
        r#"delete from refresh_tokens
           where expires_at < now() - interval '1 day'
              or revoked_at < now() - interval '1 day'"#
    )
    .execute(pool)
    .await?;
    Ok(r.rows_affected())
}
