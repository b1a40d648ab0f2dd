//! One-time secrets for email verification and password reset (links and 6-digit codes).
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::DbResult;

/// What a one-time secret proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyLink,
    VerifyOtp,
    ResetLink,
    ResetOtp,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyLink => "verify_link",
            Purpose::VerifyOtp => "verify_otp",
            Purpose::ResetLink => "reset_link",
            Purpose::ResetOtp => "reset_otp",
        }
    }
}

#[derive(Debug, Clone)]
pub struct OneTimeRow {
    pub id: i64,
    pub user_id: i32,
    pub email: String,
    pub secret_hash: Vec<u8>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(
    conn: &mut PgConnection,
    user_id: i32,
    purpose: Purpose,
    email: &str,
    secret_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> DbResult<i64> {
    let id = sqlx::query_scalar!(
        r#"insert into one_time_tokens (user_id, purpose, email, secret_hash, expires_at)
           values ($1, $2, $3, $4, $5) returning id"#,
        user_id,
        purpose.as_str(),
        email,
        secret_hash,
        expires_at
    )
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Invalidates every unused secret of the given purposes for a user (a new one supersedes them).
pub async fn invalidate(
    conn: &mut PgConnection,
    user_id: i32,
    purposes: &[Purpose],
) -> DbResult<()> {
    let names: Vec<String> = purposes.iter().map(|p| p.as_str().to_string()).collect();
    sqlx::query!(
        "update one_time_tokens set used_at = now() where user_id = $1 and purpose = any($2) and used_at is null",
        user_id,
        &names
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A live link token by hash, locked so it is consumed once.
pub async fn lock_link(
    conn: &mut PgConnection,
    purpose: Purpose,
    secret_hash: &[u8],
) -> DbResult<Option<OneTimeRow>> {
    let row = sqlx::query_as!(
        OneTimeRow,
        r#"select id, user_id, email, secret_hash, expires_at from one_time_tokens
           where purpose = $1 and secret_hash = $2 and used_at is null and expires_at > now()
           for update"#,
        purpose.as_str(),
        secret_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// The newest live code of a user for the purpose, locked.
pub async fn lock_latest_code(
    conn: &mut PgConnection,
    user_id: i32,
    purpose: Purpose,
) -> DbResult<Option<OneTimeRow>> {
    let row = sqlx::query_as!(
        OneTimeRow,
        r#"select id, user_id, email, secret_hash, expires_at from one_time_tokens
           where user_id = $1 and purpose = $2 and used_at is null and expires_at > now()
           order by created_at desc, id desc limit 1
           for update"#,
        user_id,
        purpose.as_str()
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn mark_used(conn: &mut PgConnection, id: i64) -> DbResult<()> {
    sqlx::query!(
        "update one_time_tokens set used_at = now() where id = $1",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Secrets of these purposes issued to the user since `since` (per-user mail caps).
pub async fn count_since(
    pool: &PgPool,
    user_id: i32,
    purposes: &[Purpose],
    since: DateTime<Utc>,
) -> DbResult<i64> {
    let names: Vec<String> = purposes.iter().map(|p| p.as_str().to_string()).collect();
    let n = sqlx::query_scalar!(
        r#"select count(*) as "n!" from one_time_tokens
           where user_id = $1 and purpose = any($2) and created_at >= $3"#,
        user_id,
        &names,
        since
    )
    .fetch_one(pool)
    .await?;
    Ok(n)
}

/// Deletes used secrets and those expired more than 7 days ago.
pub async fn delete_stale(pool: &PgPool) -> DbResult<u64> {
    let r = sqlx::query!(
        "delete from one_time_tokens where used_at is not null or expires_at < now() - interval '7 days'"
    )
    .execute(pool)
    .await?;
    Ok(r.rows_affected())
}
