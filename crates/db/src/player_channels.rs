//! What the anonymous player helpers (`/player/verify-*`) report about a channel: a capped count
//! of the posts a player would see in it and the newest one as a preview. Posts count when they
//! are publicly discoverable (`post_discoverable`) artworks or playlists with a public sqid.
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::DbResult;

/// The newest post of a channel, enough to draw a thumbnail.
#[derive(Debug, Clone)]
pub struct Preview {
    pub public_sqid: String,
    pub storage_key: Uuid,
    pub native_format: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// The user's artworks that are not deleted, hidden or non-conformant (public or not, as the
/// original counted them).
pub async fn user_artwork_count(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from posts
           where owner_id = $1 and kind = 'artwork' and not deleted_by_user
             and not hidden_by_user and not hidden_by_mod and not non_conformant"#,
        user_id
    )
    .fetch_one(ex)
    .await?)
}

/// Posts tagged `tag` (already normalised), counting at most `cap` of them.
pub async fn hashtag_count(ex: impl PgExecutor<'_>, tag: &str, cap: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from (
             select p.id from posts p
             where p.hashtags @> array[$1::text] and p.kind in ('artwork', 'playlist')
               and p.public_sqid <> '' and post_discoverable(p)
             limit $2) capped"#,
        tag,
        cap
    )
    .fetch_one(ex)
    .await?)
}

pub async fn hashtag_latest(ex: impl PgExecutor<'_>, tag: &str) -> DbResult<Option<Preview>> {
    Ok(sqlx::query_as!(
        Preview,
        r#"select p.public_sqid, p.storage_key, p.native_format, p.width, p.height
           from posts p
           where p.hashtags @> array[$1::text] and p.kind in ('artwork', 'playlist')
             and p.public_sqid <> '' and post_discoverable(p)
           order by p.created_at desc, p.id desc
           limit 1"#,
        tag
    )
    .fetch_optional(ex)
    .await?)
}

/// Posts the user reacted to (each once, by its latest reaction), counting at most `cap`.
pub async fn reactions_count(ex: impl PgExecutor<'_>, user_id: i32, cap: i64) -> DbResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from (
             select p.id from posts p
             where exists (select 1 from reactions r where r.post_id = p.id and r.user_id = $1)
               and p.kind in ('artwork', 'playlist') and p.public_sqid <> ''
               and post_discoverable(p)
             limit $2) capped"#,
        user_id,
        cap
    )
    .fetch_one(ex)
    .await?)
}

/// The post the user reacted to most recently.
pub async fn reactions_latest(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<Option<Preview>> {
    Ok(sqlx::query_as!(
        Preview,
        r#"select p.public_sqid, p.storage_key, p.native_format, p.width, p.height
           from (select post_id, max(created_at) as at, max(id) as id
                 from reactions where user_id = $1 group by post_id) r
           join posts p on p.id = r.post_id
           where p.kind in ('artwork', 'playlist') and p.public_sqid <> ''
             and post_discoverable(p)
           order by r.at desc, r.id desc
           limit 1"#,
        user_id
    )
    .fetch_optional(ex)
    .await?)
}
