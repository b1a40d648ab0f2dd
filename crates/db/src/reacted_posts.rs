//! What a member's reacted-posts list shows beside each post: their latest reaction on it.
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::DbResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestReaction {
    pub post_id: i64,
    pub emoji: String,
    pub reacted_at: DateTime<Utc>,
}

/// The member's newest signed-in reaction on each of `post_ids` (the one the `reacted_at`
/// sort orders by); posts they no longer react to are absent.
pub async fn latest(
    ex: impl PgExecutor<'_>,
    user_id: i32,
    post_ids: &[i64],
) -> DbResult<Vec<LatestReaction>> {
    let rows = sqlx::query_as!(
        LatestReaction,
        r#"select distinct on (post_id) post_id, emoji, created_at as reacted_at
           from reactions
           where user_id = $1 and post_id = any($2)
           order by post_id, created_at desc, id desc"#,
        user_id,
        post_ids
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}
