//! Playlists: posts of kind 'playlist' with ordered `playlist_items`. Item lists are always
//! read for one viewer, so posts that viewer may not open never show up in them.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::DbResult;

/// Who reads: the user id (None = anonymous) and whether they moderate.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub user_id: Option<i32>,
    pub moderator: bool,
}

#[derive(Debug, Clone)]
pub struct PlaylistRow {
    pub id: i64,
    pub storage_key: Uuid,
    pub owner_id: i32,
    pub title: String,
    pub description: Option<String>,
    pub visible: bool,
    pub hidden_by_user: bool,
    pub hidden_by_mod: bool,
    pub non_conformant: bool,
    pub public_visibility: bool,
    pub deleted_by_user: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Item post ids in play order, limited to those the reader may open.
    pub post_ids: Vec<i64>,
}

pub struct NewPlaylist<'a> {
    pub id: i64,
    pub public_sqid: &'a str,
    pub owner_id: i32,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub public_visibility: bool,
}

/// Fields a PATCH changes; `None` leaves a field as it is, `Some(None)` clears the description.
pub struct PlaylistUpdate<'a> {
    pub title: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub hidden_by_user: Option<bool>,
}

/// Inserts the playlist row and returns its storage key (the playlist's public id).
pub async fn insert(conn: &mut PgConnection, p: &NewPlaylist<'_>) -> DbResult<Uuid> {
    let key = sqlx::query_scalar!(
        r#"insert into posts (id, public_sqid, kind, owner_id, title, description,
                              public_visibility)
           values ($1, $2, 'playlist', $3, $4, $5, $6)
           returning storage_key"#,
        p.id,
        p.public_sqid,
        p.owner_id,
        p.title,
        p.description,
        p.public_visibility,
    )
    .fetch_one(conn)
    .await?;
    Ok(key)
}

/// Replaces the whole item list with `post_ids`, in that order.
pub async fn replace_items(
    conn: &mut PgConnection,
    playlist_id: i64,
    post_ids: &[i64],
) -> DbResult<()> {
    sqlx::query!(
        "delete from playlist_items where playlist_id = $1",
        playlist_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"insert into playlist_items (playlist_id, position, post_id)
           select $1, (t.ord - 1)::int4, t.id from unnest($2::int8[]) with ordinality as t(id, ord)"#,
        playlist_id,
        post_ids,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Locks a live playlist for an edit; `None` when it is missing or already deleted.
pub async fn lock_live(conn: &mut PgConnection, id: i64) -> DbResult<Option<i64>> {
    let id = sqlx::query_scalar!(
        r#"select id from posts
           where id = $1 and kind = 'playlist' and not deleted_by_user for update"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(id)
}

/// Applies a PATCH; always touches the row so `updated_at` moves even when only items changed.
pub async fn update(conn: &mut PgConnection, id: i64, u: &PlaylistUpdate<'_>) -> DbResult<()> {
    let (set_description, description) = match u.description {
        Some(d) => (true, d),
        None => (false, None),
    };
    sqlx::query!(
        r#"update posts
           set title = coalesce($2, title),
               description = case when $3 then $4 else description end,
               hidden_by_user = coalesce($5, hidden_by_user),
               metadata_modified_at = now()
           where id = $1 and kind = 'playlist'"#,
        id,
        u.title,
        set_description,
        description,
        u.hidden_by_user,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Soft delete; false when the playlist was already gone.
pub async fn soft_delete(conn: &mut PgConnection, id: i64) -> DbResult<bool> {
    let done = sqlx::query!(
        r#"update posts set deleted_by_user = true, deleted_by_user_date = now()
           where id = $1 and kind = 'playlist' and not deleted_by_user"#,
        id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One playlist by its storage key, whatever its flags (the caller applies access rules).
pub async fn find_by_key(
    ex: impl PgExecutor<'_>,
    key: Uuid,
    r: Reader,
) -> DbResult<Option<PlaylistRow>> {
    let row = sqlx::query_as!(
        PlaylistRow,
        r#"
        select p.id, p.storage_key, p.owner_id, p.title, p.description, p.visible,
               p.hidden_by_user, p.hidden_by_mod, p.non_conformant, p.public_visibility,
               p.deleted_by_user, p.created_at, p.updated_at,
               array(select i.post_id from playlist_items i join posts ip on ip.id = i.post_id
                     where i.playlist_id = p.id and post_accessible(ip, $2, $3)
                     order by i.position) as "post_ids!"
        from posts p
        where p.storage_key = $1 and p.kind = 'playlist'
        "#,
        key,
        r.user_id,
        r.moderator,
    )
    .fetch_optional(ex)
    .await?;
    Ok(row)
}

/// Playlists the reader may open, optionally of one owner, newest first.
pub async fn list(
    ex: impl PgExecutor<'_>,
    owner_id: Option<i32>,
    r: Reader,
    limit: i64,
) -> DbResult<Vec<PlaylistRow>> {
    let rows = sqlx::query_as!(
        PlaylistRow,
        r#"
        select p.id, p.storage_key, p.owner_id, p.title, p.description, p.visible,
               p.hidden_by_user, p.hidden_by_mod, p.non_conformant, p.public_visibility,
               p.deleted_by_user, p.created_at, p.updated_at,
               array(select i.post_id from playlist_items i join posts ip on ip.id = i.post_id
                     where i.playlist_id = p.id and post_accessible(ip, $2, $3)
                     order by i.position) as "post_ids!"
        from posts p
        where p.kind = 'playlist' and ($1::int4 is null or p.owner_id = $1)
          and post_accessible(p, $2, $3)
        order by p.created_at desc, p.id desc
        limit $4
        "#,
        owner_id,
        r.user_id,
        r.moderator,
        limit,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// Playlists by post id (search results), in no particular order; missing ids are skipped.
pub async fn find_by_ids(
    ex: impl PgExecutor<'_>,
    ids: &[i64],
    r: Reader,
) -> DbResult<Vec<PlaylistRow>> {
    let rows = sqlx::query_as!(
        PlaylistRow,
        r#"
        select p.id, p.storage_key, p.owner_id, p.title, p.description, p.visible,
               p.hidden_by_user, p.hidden_by_mod, p.non_conformant, p.public_visibility,
               p.deleted_by_user, p.created_at, p.updated_at,
               array(select i.post_id from playlist_items i join posts ip on ip.id = i.post_id
                     where i.playlist_id = p.id and post_accessible(ip, $2, $3)
                     order by i.position) as "post_ids!"
        from posts p
        where p.id = any($1) and p.kind = 'playlist'
        "#,
        ids,
        r.user_id,
        r.moderator,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// Evaluates the database's direct-access rule for one post (to prove it matches the Rust one).
pub async fn is_accessible(ex: impl PgExecutor<'_>, post_id: i64, r: Reader) -> DbResult<bool> {
    let ok = sqlx::query_scalar!(
        r#"select post_accessible(p, $2, $3) as "ok!" from posts p where p.id = $1"#,
        post_id,
        r.user_id,
        r.moderator,
    )
    .fetch_one(ex)
    .await?;
    Ok(ok)
}
