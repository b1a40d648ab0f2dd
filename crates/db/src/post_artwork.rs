//! Replacing a post's artwork: the statements `replace-artwork` runs in one transaction
//! (lock, swap the file facts and key, reset `post_files`, retire the old key).
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub use crate::posts::ArtworkFacts;
use crate::DbResult;

/// Points the post at the new file. Another live post with the same hash is a `Conflict` on
/// `uq_posts_hash_active`. Both modification stamps move: the file and its metadata changed.
pub async fn set_artwork(conn: &mut PgConnection, id: i64, a: &ArtworkFacts<'_>) -> DbResult<()> {
    sqlx::query!(
        r#"
        update posts set storage_key = $2, storage_shard = $3, native_format = $4, width = $5,
               height = $6, file_bytes = $7, frame_count = $8, min_frame_duration_ms = $9,
               max_frame_duration_ms = $10, total_duration_ms = $11, unique_colors = $12,
               transparency_meta = $13, alpha_meta = $14, transparency_actual = $15,
               alpha_actual = $16, hash = $17, artwork_modified_at = now(),
               metadata_modified_at = now()
        where id = $1
        "#,
        id,
        a.storage_key,
        a.storage_shard,
        a.native_format,
        a.width,
        a.height,
        a.file_bytes,
        a.frame_count,
        a.min_frame_duration_ms,
        a.max_frame_duration_ms,
        a.total_duration_ms,
        a.unique_colors,
        a.transparency_meta,
        a.alpha_meta,
        a.transparency_actual,
        a.alpha_actual,
        a.hash,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes every `post_files` row of the post and returns the formats it had, which are the
/// files still on disk under the old key.
pub async fn clear_files(conn: &mut PgConnection, post_id: i64) -> DbResult<Vec<String>> {
    let formats = sqlx::query_scalar!(
        "delete from post_files where post_id = $1 returning format",
        post_id
    )
    .fetch_all(conn)
    .await?;
    Ok(formats)
}

/// Schedules the old key's files for deletion by the retired-artwork sweep.
pub async fn retire_key(
    conn: &mut PgConnection,
    post_id: i64,
    storage_key: Uuid,
    formats: &[String],
    delete_after: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query!(
        r#"insert into retired_artworks (post_id, storage_key, formats, delete_after)
           values ($1, $2, $3, $4)"#,
        post_id,
        storage_key,
        formats,
        delete_after
    )
    .execute(conn)
    .await?;
    Ok(())
}
