//! The smaller reads of the player request service: playlist contents, one post for
//! `get_post`, user lookups, comments for `get_comments` and the `followed_artists` playset.
use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::player_query::{push_visible, PlayerPostRow};
use crate::DbResult;

/// The p3a holds at most this many artworks of one playlist.
pub const MAX_PLAYLIST_ARTWORKS: i64 = 1024;

/// A visible artwork of a playlist, in play order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlaylistArtworkRow {
    pub playlist_id: i64,
    /// The item's own dwell time, when the playlist sets one.
    pub item_dwell_time_ms: Option<i32>,
    #[sqlx(flatten)]
    pub post: PlayerPostRow,
}

/// The visible artworks of these playlists (same rule as the channels), each playlist's
/// items in position order, at most [`MAX_PLAYLIST_ARTWORKS`] per playlist.
pub async fn playlist_artworks(
    pool: &PgPool,
    playlist_ids: &[i64],
    private_ok_for: Option<i32>,
    hidden_tags: &[String],
) -> DbResult<Vec<PlaylistArtworkRow>> {
    let mut q = QueryBuilder::<Postgres>::new(
        "select * from (select i.playlist_id, i.dwell_time_ms as item_dwell_time_ms, p.id, \
         p.kind, p.storage_key, p.storage_shard, p.native_format, p.created_at, \
         p.metadata_modified_at, p.artwork_modified_at, p.width, p.height, p.frame_count, \
         p.dwell_time_ms, p.transparency_actual, p.alpha_actual, u.handle as owner_handle, \
         null::int8 as reaction_id, null::timestamptz as reacted_at, \
         row_number() over (partition by i.playlist_id order by i.position) as n \
         from playlist_items i join posts p on p.id = i.post_id \
         join users u on u.id = p.owner_id where i.playlist_id = any(",
    );
    q.push_bind(playlist_ids.to_vec())
        .push(") and p.kind = 'artwork' and");
    push_visible(&mut q, private_ok_for, hidden_tags);
    q.push(") a where a.n <= ")
        .push_bind(MAX_PLAYLIST_ARTWORKS)
        .push(" order by a.playlist_id, a.n");
    Ok(q.build_query_as::<PlaylistArtworkRow>()
        .fetch_all(pool)
        .await?)
}

/// Every item of each playlist, visible or not (`total_artworks`).
pub async fn playlist_sizes(
    ex: impl PgExecutor<'_>,
    playlist_ids: &[i64],
) -> DbResult<Vec<(i64, i64)>> {
    let rows = sqlx::query!(
        r#"select playlist_id, count(*) as "n!" from playlist_items
           where playlist_id = any($1) group by playlist_id"#,
        playlist_ids
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| (r.playlist_id, r.n)).collect())
}

/// One post with the flags `get_post` checks, whatever its state.
#[derive(Debug, Clone)]
pub struct PostForPlayer {
    pub row: PlayerPostRow,
    pub owner_id: i32,
    pub deleted_by_user: bool,
    pub visible: bool,
    pub hidden_by_user: bool,
    pub hidden_by_mod: bool,
    pub non_conformant: bool,
    pub hashtags: Vec<String>,
}

pub async fn find_post(ex: impl PgExecutor<'_>, id: i64) -> DbResult<Option<PostForPlayer>> {
    let r = sqlx::query!(
        r#"select p.id, p.kind, p.storage_key, p.storage_shard, p.native_format, p.created_at,
                  p.metadata_modified_at, p.artwork_modified_at, p.width, p.height,
                  p.frame_count, p.dwell_time_ms, p.transparency_actual, p.alpha_actual,
                  u.handle as owner_handle, p.owner_id, p.deleted_by_user, p.visible,
                  p.hidden_by_user, p.hidden_by_mod, p.non_conformant, p.hashtags
           from posts p join users u on u.id = p.owner_id
           where p.id = $1"#,
        id
    )
    .fetch_optional(ex)
    .await?;
    Ok(r.map(|r| PostForPlayer {
        row: PlayerPostRow {
            id: r.id,
            kind: r.kind,
            storage_key: r.storage_key,
            storage_shard: r.storage_shard,
            native_format: r.native_format,
            created_at: r.created_at,
            metadata_modified_at: r.metadata_modified_at,
            artwork_modified_at: r.artwork_modified_at,
            width: r.width,
            height: r.height,
            frame_count: r.frame_count,
            dwell_time_ms: r.dwell_time_ms,
            transparency_actual: r.transparency_actual,
            alpha_actual: r.alpha_actual,
            owner_handle: r.owner_handle.to_string(),
            reaction_id: None,
            reacted_at: None,
        },
        owner_id: r.owner_id,
        deleted_by_user: r.deleted_by_user,
        visible: r.visible,
        hidden_by_user: r.hidden_by_user,
        hidden_by_mod: r.hidden_by_mod,
        non_conformant: r.non_conformant,
        hashtags: r.hashtags,
    }))
}

/// The author of a post and whether the author deleted it (`None`: no such post).
pub async fn post_owner(ex: impl PgExecutor<'_>, id: i64) -> DbResult<Option<(i32, bool)>> {
    let r = sqlx::query!(
        "select owner_id, deleted_by_user from posts where id = $1",
        id
    )
    .fetch_optional(ex)
    .await?;
    Ok(r.map(|r| (r.owner_id, r.deleted_by_user)))
}

/// The user a channel names: by exact handle when one is given, else by public sqid.
pub async fn find_user_id(
    ex: impl PgExecutor<'_>,
    handle: Option<&str>,
    sqid: Option<&str>,
) -> DbResult<Option<i32>> {
    // Two statements, so each can use its own index.
    Ok(match (handle, sqid) {
        (Some(h), _) => {
            sqlx::query_scalar!("select id from users where handle = $1 limit 1", h)
                .fetch_optional(ex)
                .await?
        }
        (None, Some(s)) => {
            sqlx::query_scalar!("select id from users where public_sqid = $1", s)
                .fetch_optional(ex)
                .await?
        }
        (None, None) => None,
    })
}

/// The monitored hashtags a user opted into seeing.
pub async fn approved_hashtags(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<Vec<String>> {
    Ok(
        sqlx::query_scalar!("select approved_hashtags from users where id = $1", user_id)
            .fetch_optional(ex)
            .await?
            .unwrap_or_default(),
    )
}

#[derive(Debug, Clone)]
pub struct PlayerComment {
    pub id: Uuid,
    pub post_id: i64,
    pub author_handle: Option<String>,
    pub body: String,
    pub depth: i16,
    pub parent_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub deleted: bool,
}

/// A page of a post's comments, oldest first, moderator-hidden ones only for moderators.
/// Deleted comments are in the page (the caller drops them after paging, as the original).
pub async fn comments(
    ex: impl PgExecutor<'_>,
    post_id: i64,
    include_hidden: bool,
    offset: i64,
    rows: i64,
) -> DbResult<Vec<PlayerComment>> {
    Ok(sqlx::query_as!(
        PlayerComment,
        r#"select c.id, c.post_id, u.handle as "author_handle?", c.body, c.depth, c.parent_id,
                  c.created_at, (c.deleted_by_owner or c.deleted_by_mod) as "deleted!"
           from comments c left join users u on u.id = c.author_id
           where c.post_id = $1 and c.depth <= 2 and ($2 or not c.hidden_by_mod)
           order by c.created_at, c.id
           offset $3 limit $4"#,
        post_id,
        include_hidden,
        offset,
        rows
    )
    .fetch_all(ex)
    .await?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followee {
    pub public_sqid: String,
    pub handle: String,
}

/// Who the user follows, most recent follow first: verified, active, never-banned accounts.
pub async fn followed_artists(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<Vec<Followee>> {
    Ok(sqlx::query_as!(
        Followee,
        r#"select u.public_sqid, u.handle::text as "handle!"
           from follows f join users u on u.id = f.following_id
           where f.follower_id = $1 and u.email_verified and not u.deactivated
             and u.banned_until is null
           order by f.created_at desc, u.id"#,
        user_id
    )
    .fetch_all(ex)
    .await?)
}
