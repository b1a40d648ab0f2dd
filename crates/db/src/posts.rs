//! The `posts` aggregate (artworks and playlists): creation and lookups by id, sqid and hash.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::DbResult;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PostRow {
    pub id: i64,
    pub storage_key: Uuid,
    pub public_sqid: String,
    pub kind: String,
    pub owner_id: i32,
    pub title: String,
    pub description: Option<String>,
    pub hashtags: Vec<String>,
    pub mod_hashtags: Vec<String>,
    pub storage_shard: Option<String>,
    pub native_format: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub file_bytes: Option<i64>,
    pub frame_count: Option<i32>,
    pub min_frame_duration_ms: Option<i32>,
    pub max_frame_duration_ms: Option<i32>,
    pub total_duration_ms: Option<i32>,
    pub unique_colors: Option<i32>,
    pub transparency_meta: bool,
    pub alpha_meta: bool,
    pub transparency_actual: bool,
    pub alpha_actual: bool,
    pub hash: Option<String>,
    pub visible: bool,
    pub hidden_by_user: bool,
    pub hidden_by_mod: bool,
    pub non_conformant: bool,
    pub public_visibility: bool,
    pub deleted_by_user: bool,
    pub deleted_by_user_date: Option<DateTime<Utc>>,
    pub promoted: bool,
    pub promoted_category: Option<String>,
    pub metadata_modified_at: DateTime<Utc>,
    pub artwork_modified_at: DateTime<Utc>,
    pub dwell_time_ms: i32,
    pub view_count: i64,
    pub reaction_count: i32,
    pub comment_count: i32,
    pub license_id: Option<i32>,
    pub remixable: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new artwork post: who, what it says, and its file.
pub struct NewArtwork<'a> {
    pub id: i64,
    pub public_sqid: &'a str,
    pub owner_id: i32,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub hashtags: &'a [String],
    pub hidden_by_user: bool,
    pub public_visibility: bool,
    pub license_id: Option<i32>,
    pub file: ArtworkFacts<'a>,
}

/// The facts of a native file and where it is stored, as the inspector measured them (upload
/// stores them with a new post; replace-artwork swaps them on an existing one).
#[derive(Debug, Clone)]
pub struct ArtworkFacts<'a> {
    pub storage_key: Uuid,
    pub storage_shard: &'a str,
    pub native_format: &'a str,
    pub width: i32,
    pub height: i32,
    pub file_bytes: i64,
    pub frame_count: i32,
    pub min_frame_duration_ms: Option<i32>,
    pub max_frame_duration_ms: Option<i32>,
    pub total_duration_ms: Option<i32>,
    pub unique_colors: i32,
    pub transparency_meta: bool,
    pub alpha_meta: bool,
    pub transparency_actual: bool,
    pub alpha_actual: bool,
    pub hash: &'a str,
}

/// Reserves the next post id so the sqid is stored with the row in one insert.
pub async fn next_id(conn: &mut PgConnection) -> DbResult<i64> {
    let id =
        sqlx::query_scalar!(r#"select nextval(pg_get_serial_sequence('posts', 'id')) as "id!""#)
            .fetch_one(conn)
            .await?;
    Ok(id)
}

/// Inserts an artwork post; a live post with the same hash is a `Conflict` on
/// `uq_posts_hash_active` (the race the pre-check cannot close).
pub async fn insert_artwork(conn: &mut PgConnection, a: &NewArtwork<'_>) -> DbResult<()> {
    sqlx::query!(
        r#"
        insert into posts (id, public_sqid, storage_key, storage_shard, kind, owner_id, title,
                           description, hashtags, native_format, width, height, file_bytes,
                           frame_count, min_frame_duration_ms, max_frame_duration_ms,
                           total_duration_ms, unique_colors, transparency_meta, alpha_meta,
                           transparency_actual, alpha_actual, hash, hidden_by_user,
                           public_visibility, license_id)
        values ($1, $2, $3, $4, 'artwork', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
        "#,
        a.id,
        a.public_sqid,
        a.file.storage_key,
        a.file.storage_shard,
        a.owner_id,
        a.title,
        a.description,
        a.hashtags,
        a.file.native_format,
        a.file.width,
        a.file.height,
        a.file.file_bytes,
        a.file.frame_count,
        a.file.min_frame_duration_ms,
        a.file.max_frame_duration_ms,
        a.file.total_duration_ms,
        a.file.unique_colors,
        a.file.transparency_meta,
        a.file.alpha_meta,
        a.file.transparency_actual,
        a.file.alpha_actual,
        a.file.hash,
        a.hidden_by_user,
        a.public_visibility,
        a.license_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_by_id(ex: impl PgExecutor<'_>, id: i64) -> DbResult<Option<PostRow>> {
    let row = sqlx::query_as!(
        PostRow,
        r#"
        select id, storage_key, public_sqid, kind, owner_id, title, description, hashtags,
               mod_hashtags, storage_shard, native_format, width, height, file_bytes, frame_count,
               min_frame_duration_ms, max_frame_duration_ms, total_duration_ms, unique_colors,
               transparency_meta, alpha_meta, transparency_actual, alpha_actual, hash, visible,
               hidden_by_user, hidden_by_mod, non_conformant, public_visibility, deleted_by_user,
               deleted_by_user_date, promoted, promoted_category, metadata_modified_at,
               artwork_modified_at, dwell_time_ms, view_count, reaction_count, comment_count,
               license_id, remixable, created_at, updated_at
        from posts where id = $1
        "#,
        id
    )
    .fetch_optional(ex)
    .await?;
    Ok(row)
}

/// Rows for a set of ids, in no particular order; missing ids are skipped.
pub async fn find_by_ids(ex: impl PgExecutor<'_>, ids: &[i64]) -> DbResult<Vec<PostRow>> {
    let rows = sqlx::query_as!(
        PostRow,
        r#"
        select id, storage_key, public_sqid, kind, owner_id, title, description, hashtags,
               mod_hashtags, storage_shard, native_format, width, height, file_bytes, frame_count,
               min_frame_duration_ms, max_frame_duration_ms, total_duration_ms, unique_colors,
               transparency_meta, alpha_meta, transparency_actual, alpha_actual, hash, visible,
               hidden_by_user, hidden_by_mod, non_conformant, public_visibility, deleted_by_user,
               deleted_by_user_date, promoted, promoted_category, metadata_modified_at,
               artwork_modified_at, dwell_time_ms, view_count, reaction_count, comment_count,
               license_id, remixable, created_at, updated_at
        from posts where id = any($1)
        "#,
        ids
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// The live artwork holding this file hash, if any (duplicate detection).
pub async fn find_live_by_hash(
    ex: impl PgExecutor<'_>,
    hash: &str,
) -> DbResult<Option<(i64, String)>> {
    let row = sqlx::query!(
        r#"select id, public_sqid from posts
           where hash = $1 and not deleted_by_user and kind = 'artwork'"#,
        hash
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| (r.id, r.public_sqid)))
}

/// Evaluates the database's discovery rule for one post (used to prove it matches the Rust one).
pub async fn is_discoverable(ex: impl PgExecutor<'_>, id: i64) -> DbResult<bool> {
    let d = sqlx::query_scalar!(
        r#"select post_discoverable(p) as "d!" from posts p where p.id = $1"#,
        id
    )
    .fetch_one(ex)
    .await?;
    Ok(d)
}

/// Records a stored variant; re-recording the same format updates its size (renditions rerun).
pub async fn upsert_file(
    conn: &mut PgConnection,
    post_id: i64,
    format: &str,
    file_bytes: i64,
    is_native: bool,
) -> DbResult<()> {
    sqlx::query!(
        r#"insert into post_files (post_id, format, file_bytes, is_native) values ($1, $2, $3, $4)
           on conflict (post_id, format) do update set file_bytes = excluded.file_bytes,
                                                       is_native = excluded.is_native"#,
        post_id,
        format,
        file_bytes,
        is_native
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn license_exists(ex: impl PgExecutor<'_>, id: i32) -> DbResult<bool> {
    let e = sqlx::query_scalar!(
        r#"select exists(select 1 from licenses where id = $1) as "e!""#,
        id
    )
    .fetch_one(ex)
    .await?;
    Ok(e)
}

/// Locks a post and returns its current storage key while it is live (not soft-deleted).
/// Jobs that write files for a key use it to decide, atomically, whether their work still counts.
pub async fn lock_live_key(conn: &mut PgConnection, id: i64) -> DbResult<Option<Uuid>> {
    let key = sqlx::query_scalar!(
        "select storage_key from posts where id = $1 and not deleted_by_user for update",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(key)
}
