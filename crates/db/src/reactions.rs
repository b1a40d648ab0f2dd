//! Reactions: emoji on posts by users or (anonymously) by address hash.
use sqlx::PgExecutor;

use crate::DbResult;

/// Which of `post_ids` the user has reacted to (for `user_has_liked`).
pub async fn reacted_posts(
    ex: impl PgExecutor<'_>,
    user_id: i32,
    post_ids: &[i64],
) -> DbResult<Vec<i64>> {
    let ids = sqlx::query_scalar!(
        "select distinct post_id from reactions where user_id = $1 and post_id = any($2)",
        user_id,
        post_ids
    )
    .fetch_all(ex)
    .await?;
    Ok(ids)
}
