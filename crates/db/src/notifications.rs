//! Social notifications: insert, list per recipient, read state, retention.
use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::DbResult;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub user_id: i32,
    pub notification_type: String,
    pub post_id: Option<i64>,
    pub actor_id: Option<i32>,
    pub actor_handle: Option<String>,
    pub actor_avatar_url: Option<String>,
    pub actor_public_sqid: Option<String>,
    pub emoji: Option<String>,
    pub comment_id: Option<Uuid>,
    pub comment_preview: Option<String>,
    pub content_title: Option<String>,
    pub content_sqid: Option<String>,
    pub content_art_url: Option<String>,
    pub is_read: bool,
    pub created_at: DateTime<Utc>,
}

/// A notification to store; the actor and content fields are copied by the caller.
pub struct NewNotification<'a> {
    pub user_id: i32,
    pub notification_type: &'a str,
    pub post_id: Option<i64>,
    pub actor_id: Option<i32>,
    pub actor_handle: Option<&'a str>,
    pub actor_avatar_url: Option<&'a str>,
    pub actor_public_sqid: Option<&'a str>,
    pub emoji: Option<&'a str>,
    pub comment_id: Option<Uuid>,
    pub comment_preview: Option<&'a str>,
    pub content_title: Option<&'a str>,
    pub content_sqid: Option<&'a str>,
    pub content_art_url: Option<&'a str>,
}

pub async fn insert(ex: impl PgExecutor<'_>, n: &NewNotification<'_>) -> DbResult<NotificationRow> {
    let row = sqlx::query_as!(
        NotificationRow,
        r#"
        insert into social_notifications (user_id, notification_type, post_id, actor_id,
            actor_handle, actor_avatar_url, actor_public_sqid, emoji, comment_id,
            comment_preview, content_title, content_sqid, content_art_url)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        returning id, user_id, notification_type, post_id, actor_id, actor_handle,
                  actor_avatar_url, actor_public_sqid, emoji, comment_id, comment_preview,
                  content_title, content_sqid, content_art_url, is_read, created_at
        "#,
        n.user_id,
        n.notification_type,
        n.post_id,
        n.actor_id,
        n.actor_handle,
        n.actor_avatar_url,
        n.actor_public_sqid,
        n.emoji,
        n.comment_id,
        n.comment_preview,
        n.content_title,
        n.content_sqid,
        n.content_art_url,
    )
    .fetch_one(ex)
    .await?;
    Ok(row)
}

/// Newest first, after the `(created_at, id)` cursor; actors the recipient blocked are left
/// out. Returns up to `limit + 1` rows so the caller knows whether a next page exists.
pub async fn list(
    pool: &PgPool,
    user_id: i32,
    unread_only: bool,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> DbResult<Vec<NotificationRow>> {
    let (at, id) = after.unzip();
    let rows = sqlx::query_as!(
        NotificationRow,
        r#"
        select n.id, n.user_id, n.notification_type, n.post_id, n.actor_id, n.actor_handle,
               n.actor_avatar_url, n.actor_public_sqid, n.emoji, n.comment_id, n.comment_preview,
               n.content_title, n.content_sqid, n.content_art_url, n.is_read, n.created_at
        from social_notifications n
        where n.user_id = $1
          and (not $2 or not n.is_read)
          and ($3::timestamptz is null or (n.created_at, n.id) < ($3, $4::uuid))
          and (n.actor_id is null or not exists (
                select 1 from user_blocks b where b.blocker_id = $1 and b.blocked_id = n.actor_id))
        order by n.created_at desc, n.id desc
        limit $5
        "#,
        user_id,
        unread_only,
        at,
        id,
        limit + 1
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

pub async fn unread_count(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<i64> {
    let n = sqlx::query_scalar!(
        r#"select count(*) as "n!" from social_notifications n
           where n.user_id = $1 and not n.is_read
             and (n.actor_id is null or not exists (
                  select 1 from user_blocks b where b.blocker_id = $1 and b.blocked_id = n.actor_id))"#,
        user_id
    )
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Marks the recipient's own notifications among `ids` read; others' ids are ignored.
pub async fn mark_read(ex: impl PgExecutor<'_>, user_id: i32, ids: &[Uuid]) -> DbResult<u64> {
    let r = sqlx::query!(
        "update social_notifications set is_read = true where user_id = $1 and id = any($2) and not is_read",
        user_id,
        ids
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}

pub async fn mark_all_read(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<u64> {
    let r = sqlx::query!(
        "update social_notifications set is_read = true where user_id = $1 and not is_read",
        user_id
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}

/// True when the notification existed and belonged to the user.
pub async fn delete(ex: impl PgExecutor<'_>, user_id: i32, id: Uuid) -> DbResult<bool> {
    let r = sqlx::query!(
        "delete from social_notifications where user_id = $1 and id = $2",
        user_id,
        id
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Retention: read notifications older than `read_before`, all older than `all_before`.
pub async fn purge_old(
    ex: impl PgExecutor<'_>,
    read_before: DateTime<Utc>,
    all_before: DateTime<Utc>,
) -> DbResult<u64> {
    let r = sqlx::query!(
        "delete from social_notifications where (is_read and created_at < $1) or created_at < $2",
        read_before,
        all_before
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}
