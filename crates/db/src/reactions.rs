//! Reactions: emoji on posts by users or (anonymously) by address hash.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::DbResult;

/// Which of `post_ids` the user has reacted to (for `user_has_liked`).
pub async fn reacted_posts(
    ex: impl PgExecutor<'_>,
    user_id: i32,
    post_ids: &[i64],
) -> DbResult<Vec<i64>> {
    let ids = sqlx::query_scalar!(
        "select distinct post_id from reactions where user_id = $1 and post_id = any($2)",
        user_id,
        post_ids
    )
    .fetch_all(ex)
    .await?;
    Ok(ids)
}

/// Who reacts: a signed-in user, or an anonymous visitor known by a salted address hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reactor<'a> {
    User(i32),
    Guest(&'a str),
}

impl Reactor<'_> {
    fn keys(&self) -> (Option<i32>, Option<&str>) {
        match *self {
            Reactor::User(id) => (Some(id), None),
            Reactor::Guest(hash) => (None, Some(hash)),
        }
    }
}

/// Locks a live post for the rest of the transaction. Reactions and comments take it before
/// checking their per-post caps, so two requests cannot both pass a cap; the counter triggers
/// lock the same row anyway. False when the post is gone or soft-deleted.
pub async fn lock_post(conn: &mut PgConnection, post_id: i64) -> DbResult<bool> {
    let row = sqlx::query_scalar!(
        "select id from posts where id = $1 and not deleted_by_user for no key update",
        post_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// The distinct emoji this reactor has on the post.
pub async fn emojis_of(
    ex: impl PgExecutor<'_>,
    post_id: i64,
    reactor: Reactor<'_>,
) -> DbResult<Vec<String>> {
    let (user_id, user_ip) = reactor.keys();
    let rows = sqlx::query_scalar!(
        r#"select emoji from reactions
           where post_id = $1 and (user_id = $2 or user_ip = $3)
           order by created_at, id"#,
        post_id,
        user_id,
        user_ip
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// Adds a reaction; false when the same reactor already had this emoji on the post.
pub async fn insert(
    conn: &mut PgConnection,
    post_id: i64,
    reactor: Reactor<'_>,
    emoji: &str,
) -> DbResult<bool> {
    let (user_id, user_ip) = reactor.keys();
    let r = sqlx::query!(
        r#"insert into reactions (post_id, user_id, user_ip, emoji) values ($1, $2, $3, $4)
           on conflict do nothing"#,
        post_id,
        user_id,
        user_ip,
        emoji
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Removes a reaction; false when there was none.
pub async fn delete(
    ex: impl PgExecutor<'_>,
    post_id: i64,
    reactor: Reactor<'_>,
    emoji: &str,
) -> DbResult<bool> {
    let (user_id, user_ip) = reactor.keys();
    let r = sqlx::query!(
        r#"delete from reactions
           where post_id = $1 and emoji = $4 and (user_id = $2 or user_ip = $3)"#,
        post_id,
        user_id,
        user_ip,
        emoji
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Per-emoji counts on a post, split by signed-in and anonymous reactors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmojiCount {
    pub emoji: String,
    pub authenticated: i64,
    pub anonymous: i64,
}

/// The post's reactions by emoji. Reactions of users `viewer` has blocked are left out.
pub async fn counts(
    ex: impl PgExecutor<'_>,
    post_id: i64,
    viewer: Option<i32>,
) -> DbResult<Vec<EmojiCount>> {
    let rows = sqlx::query_as!(
        EmojiCount,
        r#"
        select r.emoji, count(r.user_id) as "authenticated!", count(r.user_ip) as "anonymous!"
        from reactions r
        where r.post_id = $1
          and not exists (select 1 from user_blocks b
                          where b.blocker_id = $2 and b.blocked_id = r.user_id)
        group by r.emoji
        order by r.emoji
        "#,
        post_id,
        viewer
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// A signed-in reactor as `reaction-users` lists them.
#[derive(Debug, Clone)]
pub struct ReactionUser {
    pub emoji: String,
    pub created_at: DateTime<Utc>,
    pub user_handle: String,
    pub user_avatar_url: Option<String>,
    pub user_public_sqid: String,
}

/// Signed-in users' reactions on a post, newest first, without users `viewer` has blocked.
pub async fn reaction_users(
    ex: impl PgExecutor<'_>,
    post_id: i64,
    viewer: Option<i32>,
    limit: i64,
) -> DbResult<Vec<ReactionUser>> {
    let rows = sqlx::query_as!(
        ReactionUser,
        r#"
        select r.emoji, r.created_at, u.handle as user_handle, u.avatar_url as user_avatar_url,
               u.public_sqid as user_public_sqid
        from reactions r join users u on u.id = r.user_id
        where r.post_id = $1
          and not exists (select 1 from user_blocks b
                          where b.blocker_id = $2 and b.blocked_id = r.user_id)
        order by r.created_at desc, r.id desc
        limit $3
        "#,
        post_id,
        viewer,
        limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// How many rows [`reaction_users`] could list without a limit.
pub async fn count_reaction_users(
    ex: impl PgExecutor<'_>,
    post_id: i64,
    viewer: Option<i32>,
) -> DbResult<i64> {
    let n = sqlx::query_scalar!(
        r#"
        select count(*) as "n!" from reactions r
        where r.post_id = $1 and r.user_id is not null
          and not exists (select 1 from user_blocks b
                          where b.blocker_id = $2 and b.blocked_id = r.user_id)
        "#,
        post_id,
        viewer
    )
    .fetch_one(ex)
    .await?;
    Ok(n)
}
