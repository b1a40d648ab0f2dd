//! Raw view and impression events written by `POST /v1/post/{id}/view`. Rows are only ever
//! inserted here; the daily rollup (`maintenance`) aggregates and later deletes them.
use sqlx::PgExecutor;

use crate::DbResult;

/// One event. The viewer is a user id, a salted IP hash, or both; never a raw address.
#[derive(Debug, Clone)]
pub struct NewViewEvent<'a> {
    pub post_id: i64,
    pub viewer_user_id: Option<i32>,
    pub viewer_ip_hash: Option<&'a str>,
    /// `view` or `impression` (a check constraint holds the set).
    pub view_type: &'a str,
    pub source: &'a str,
    pub device: Option<&'a str>,
    pub channel: Option<&'a str>,
}

pub async fn insert(ex: impl PgExecutor<'_>, e: &NewViewEvent<'_>) -> DbResult<()> {
    sqlx::query!(
        r#"insert into view_events (post_id, viewer_user_id, viewer_ip_hash, view_type, source,
                                    device, channel)
           values ($1, $2, $3, $4, $5, $6, $7)"#,
        e.post_id,
        e.viewer_user_id,
        e.viewer_ip_hash,
        e.view_type,
        e.source,
        e.device,
        e.channel,
    )
    .execute(ex)
    .await?;
    Ok(())
}
