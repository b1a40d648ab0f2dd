//! Views and impressions reported by players (§3.8), written to the same `view_events` table
//! as web views (source `player`, with the player and its channel), so the daily rollup counts
//! them with everything else. The viewer is the player's owner.
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::DbResult;

/// The owner of a post, `None` if there is no such post. Deleted or hidden posts still count
/// as existing here: the player showed them, so the check is existence only (as the original).
pub async fn post_owner(ex: impl PgExecutor<'_>, post_id: i64) -> DbResult<Option<i32>> {
    Ok(
        sqlx::query_scalar!("select owner_id from posts where id = $1", post_id)
            .fetch_optional(ex)
            .await?,
    )
}

#[derive(Debug, Clone)]
pub struct NewPlayerView<'a> {
    pub post_id: i64,
    pub viewer_user_id: i32,
    /// `view` or `impression`.
    pub view_type: &'a str,
    pub player_id: Uuid,
    pub channel: &'a str,
}

pub async fn insert(ex: impl PgExecutor<'_>, v: &NewPlayerView<'_>) -> DbResult<()> {
    sqlx::query!(
        r#"insert into view_events (post_id, viewer_user_id, view_type, source, device,
                                    player_id, channel)
           values ($1, $2, $3, 'player', 'player', $4, $5)"#,
        v.post_id,
        v.viewer_user_id,
        v.view_type,
        v.player_id,
        v.channel
    )
    .execute(ex)
    .await?;
    Ok(())
}
