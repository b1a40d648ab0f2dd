//! Bulk inserts for the benchmark data set (`makapix-api seed-bench`): whole columns built by
//! the caller, inserted with one `unnest` statement each so thousands of rows cost one round trip.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::DbResult;

/// Users as parallel columns (index i of every vector is one user).
#[derive(Debug, Default)]
pub struct UserColumns {
    pub id: Vec<i32>,
    pub public_sqid: Vec<String>,
    pub handle: Vec<String>,
    pub handle_normalized: Vec<String>,
    pub email: Vec<String>,
    pub email_normalized: Vec<String>,
    pub created_at: Vec<DateTime<Utc>>,
}

/// Artwork posts as parallel columns. Zero stands for null in the optional integer columns and
/// "" in `promoted_category`; `hashtags` holds each post's tags comma-joined (arrays of arrays
/// must be rectangular in Postgres, tag lists are not).
#[derive(Debug, Default)]
pub struct PostColumns {
    pub id: Vec<i64>,
    pub public_sqid: Vec<String>,
    pub storage_key: Vec<Uuid>,
    pub storage_shard: Vec<String>,
    pub owner_id: Vec<i32>,
    pub title: Vec<String>,
    pub description: Vec<String>,
    pub hashtags: Vec<String>,
    pub native_format: Vec<String>,
    pub width: Vec<i32>,
    pub height: Vec<i32>,
    pub file_bytes: Vec<i64>,
    pub frame_count: Vec<i32>,
    pub min_frame_duration_ms: Vec<i32>,
    pub max_frame_duration_ms: Vec<i32>,
    pub total_duration_ms: Vec<i32>,
    pub unique_colors: Vec<i32>,
    pub transparency_meta: Vec<bool>,
    pub alpha_meta: Vec<bool>,
    pub transparency_actual: Vec<bool>,
    pub alpha_actual: Vec<bool>,
    pub hash: Vec<String>,
    pub hidden_by_user: Vec<bool>,
    pub public_visibility: Vec<bool>,
    pub promoted: Vec<bool>,
    pub promoted_category: Vec<String>,
    pub license_id: Vec<i32>,
    pub view_count: Vec<i64>,
    pub created_at: Vec<DateTime<Utc>>,
}

/// Member reactions as parallel columns; (post, user, emoji) triples must be distinct.
#[derive(Debug, Default)]
pub struct ReactionColumns {
    pub post_id: Vec<i64>,
    pub user_id: Vec<i32>,
    pub emoji: Vec<String>,
    pub created_at: Vec<DateTime<Utc>>,
}

/// How many posts (of any kind or state) exist: the seeder refuses to pile onto real data.
pub async fn post_count(ex: impl PgExecutor<'_>) -> DbResult<i64> {
    let n = sqlx::query_scalar!(r#"select count(*) as "n!" from posts"#)
        .fetch_one(ex)
        .await?;
    Ok(n)
}

pub async fn license_ids(ex: impl PgExecutor<'_>) -> DbResult<Vec<i32>> {
    let ids = sqlx::query_scalar!("select id from licenses order by id")
        .fetch_all(ex)
        .await?;
    Ok(ids)
}

/// Reserves `n` user ids from the identity sequence, so sqids can be encoded before the insert.
pub async fn reserve_user_ids(conn: &mut PgConnection, n: i32) -> DbResult<Vec<i32>> {
    let ids = sqlx::query_scalar!(
        r#"select nextval(pg_get_serial_sequence('users', 'id'))::int4 as "id!"
           from generate_series(1, $1::int4)"#,
        n
    )
    .fetch_all(conn)
    .await?;
    Ok(ids)
}

/// Reserves `n` post ids from the identity sequence.
pub async fn reserve_post_ids(conn: &mut PgConnection, n: i32) -> DbResult<Vec<i64>> {
    let ids = sqlx::query_scalar!(
        r#"select nextval(pg_get_serial_sequence('posts', 'id')) as "id!"
           from generate_series(1, $1::int4)"#,
        n
    )
    .fetch_all(conn)
    .await?;
    Ok(ids)
}

/// Inserts verified, welcomed members sharing one password hash.
pub async fn insert_users(
    conn: &mut PgConnection,
    u: &UserColumns,
    password_hash: &str,
) -> DbResult<u64> {
    let done = sqlx::query!(
        r#"
        insert into users (id, public_sqid, handle, handle_normalized, email, email_normalized,
                           password_hash, email_verified, welcome_completed, created_at)
        select t.id, t.sqid, t.handle, t.handle_normalized, t.email, t.email_normalized,
               $8, true, true, t.created_at
        from unnest($1::int4[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                    $7::timestamptz[])
             as t(id, sqid, handle, handle_normalized, email, email_normalized, created_at)
        "#,
        &u.id,
        &u.public_sqid,
        &u.handle,
        &u.handle_normalized,
        &u.email,
        &u.email_normalized,
        &u.created_at,
        password_hash,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Inserts artwork posts and, in the same statement, each one's native `post_files` row.
pub async fn insert_posts(conn: &mut PgConnection, p: &PostColumns) -> DbResult<u64> {
    let done = sqlx::query!(
        r#"
        with inserted as (
            insert into posts (id, public_sqid, storage_key, storage_shard, kind, owner_id, title,
                               description, hashtags, native_format, width, height, file_bytes,
                               frame_count, min_frame_duration_ms, max_frame_duration_ms,
                               total_duration_ms, unique_colors, transparency_meta, alpha_meta,
                               transparency_actual, alpha_actual, hash, hidden_by_user,
                               public_visibility, promoted, promoted_category, license_id,
                               view_count, metadata_modified_at, artwork_modified_at,
                               created_at, updated_at)
            select t.id, t.sqid, t.storage_key, t.shard, 'artwork', t.owner_id, t.title,
                   nullif(t.description, ''), string_to_array(t.hashtags, ','), t.format,
                   t.width, t.height, t.file_bytes, t.frame_count, nullif(t.min_ms, 0),
                   nullif(t.max_ms, 0), nullif(t.total_ms, 0), t.unique_colors, t.tr_meta,
                   t.alpha_meta, t.tr_actual, t.alpha_actual, t.hash, t.hidden, t.public,
                   t.promoted, nullif(t.category, ''), nullif(t.license_id, 0), t.view_count,
                   t.created_at, t.created_at, t.created_at, t.created_at
            from unnest($1::int8[], $2::text[], $3::uuid[], $4::text[], $5::int4[], $6::text[],
                        $7::text[], $8::text[], $9::text[], $10::int4[], $11::int4[],
                        $12::int8[], $13::int4[], $14::int4[], $15::int4[], $16::int4[],
                        $17::int4[], $18::bool[], $19::bool[], $20::bool[], $21::bool[],
                        $22::text[], $23::bool[], $24::bool[], $25::bool[], $26::text[],
                        $27::int4[], $28::int8[], $29::timestamptz[])
                 as t(id, sqid, storage_key, shard, owner_id, title, description, hashtags,
                      format, width, height, file_bytes, frame_count, min_ms, max_ms, total_ms,
                      unique_colors, tr_meta, alpha_meta, tr_actual, alpha_actual, hash, hidden,
                      public, promoted, category, license_id, view_count, created_at)
            returning id, native_format, file_bytes, created_at
        )
        insert into post_files (post_id, format, file_bytes, is_native, created_at)
        select i.id, i.native_format, i.file_bytes, true, i.created_at from inserted i
        "#,
        &p.id,
        &p.public_sqid,
        &p.storage_key,
        &p.storage_shard,
        &p.owner_id,
        &p.title,
        &p.description,
        &p.hashtags,
        &p.native_format,
        &p.width,
        &p.height,
        &p.file_bytes,
        &p.frame_count,
        &p.min_frame_duration_ms,
        &p.max_frame_duration_ms,
        &p.total_duration_ms,
        &p.unique_colors,
        &p.transparency_meta,
        &p.alpha_meta,
        &p.transparency_actual,
        &p.alpha_actual,
        &p.hash,
        &p.hidden_by_user,
        &p.public_visibility,
        &p.promoted,
        &p.promoted_category,
        &p.license_id,
        &p.view_count,
        &p.created_at,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Inserts member reactions; the `reactions_count` trigger keeps `posts.reaction_count`.
pub async fn insert_reactions(conn: &mut PgConnection, r: &ReactionColumns) -> DbResult<u64> {
    let done = sqlx::query!(
        r#"
        insert into reactions (post_id, user_id, emoji, created_at)
        select t.post_id, t.user_id, t.emoji, t.created_at
        from unnest($1::int8[], $2::int4[], $3::text[], $4::timestamptz[])
             as t(post_id, user_id, emoji, created_at)
        "#,
        &r.post_id,
        &r.user_id,
        &r.emoji,
        &r.created_at,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
