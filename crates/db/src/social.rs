//! Follows and blocks between users.
use sqlx::PgExecutor;

use crate::DbResult;

/// True when either user has blocked the other.
pub async fn blocked_either_way(ex: impl PgExecutor<'_>, a: i32, b: i32) -> DbResult<bool> {
    let blocked = sqlx::query_scalar!(
        r#"select exists(select 1 from user_blocks
                         where (blocker_id = $1 and blocked_id = $2)
                            or (blocker_id = $2 and blocked_id = $1)) as "b!""#,
        a,
        b
    )
    .fetch_one(ex)
    .await?;
    Ok(blocked)
}
