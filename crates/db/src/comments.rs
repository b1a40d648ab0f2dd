//! Comments on posts (threads up to depth 2) and their likes. Deletion is soft: the text is
//! replaced by a placeholder and kept in `original_body` for moderators.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::DbResult;

#[derive(Debug, Clone)]
pub struct CommentRow {
    pub id: Uuid,
    pub post_id: i64,
    pub author_id: Option<i32>,
    /// Salted hash of a guest's address; never the address itself.
    pub author_ip: Option<String>,
    pub parent_id: Option<Uuid>,
    pub depth: i16,
    pub body: String,
    pub hidden_by_mod: bool,
    pub deleted_by_owner: bool,
    pub deleted_by_mod: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CommentRow {
    pub fn is_deleted(&self) -> bool {
        self.deleted_by_owner || self.deleted_by_mod
    }
}

/// A comment as one viewer sees it: the row plus likes and the author's public fields.
#[derive(Debug, Clone)]
pub struct CommentView {
    pub id: Uuid,
    pub post_id: i64,
    pub author_id: Option<i32>,
    pub author_ip: Option<String>,
    pub parent_id: Option<Uuid>,
    pub depth: i16,
    pub body: String,
    pub hidden_by_mod: bool,
    pub deleted_by_owner: bool,
    pub deleted_by_mod: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub like_count: i64,
    pub liked_by_me: bool,
    /// The viewer has blocked the author.
    pub author_blocked: bool,
    pub author_handle: Option<String>,
    pub author_avatar_url: Option<String>,
    pub author_public_sqid: Option<String>,
}

pub struct NewComment<'a> {
    pub post_id: i64,
    pub author_id: Option<i32>,
    pub author_ip: Option<&'a str>,
    pub parent_id: Option<Uuid>,
    pub depth: i16,
    pub body: &'a str,
}

pub async fn find(ex: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<CommentRow>> {
    let row = sqlx::query_as!(
        CommentRow,
        r#"select id, post_id, author_id, author_ip, parent_id, depth, body, hidden_by_mod,
                  deleted_by_owner, deleted_by_mod, created_at, updated_at
           from comments where id = $1"#,
        id
    )
    .fetch_optional(ex)
    .await?;
    Ok(row)
}

/// Like [`find`], locking the row for the rest of the transaction.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> DbResult<Option<CommentRow>> {
    let row = sqlx::query_as!(
        CommentRow,
        r#"select id, post_id, author_id, author_ip, parent_id, depth, body, hidden_by_mod,
                  deleted_by_owner, deleted_by_mod, created_at, updated_at
           from comments where id = $1 for update"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// Every comment stored on the post, deleted and hidden ones included (the per-post cap).
pub async fn count_for_post(ex: impl PgExecutor<'_>, post_id: i64) -> DbResult<i64> {
    let n = sqlx::query_scalar!(
        r#"select count(*) as "n!" from comments where post_id = $1"#,
        post_id
    )
    .fetch_one(ex)
    .await?;
    Ok(n)
}

pub async fn insert(conn: &mut PgConnection, c: &NewComment<'_>) -> DbResult<Uuid> {
    let id = sqlx::query_scalar!(
        r#"insert into comments (post_id, author_id, author_ip, parent_id, depth, body)
           values ($1, $2, $3, $4, $5, $6) returning id"#,
        c.post_id,
        c.author_id,
        c.author_ip,
        c.parent_id,
        c.depth,
        c.body
    )
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Every comment of a post, oldest first, as `viewer` sees it. Filtering (hidden, deleted,
/// blocked) is left to the caller, which needs the whole thread to decide on placeholders.
pub async fn list_for_post(
    ex: impl PgExecutor<'_>,
    post_id: i64,
    viewer: Option<i32>,
) -> DbResult<Vec<CommentView>> {
    let rows = sqlx::query_as!(
        CommentView,
        r#"
        select c.id, c.post_id, c.author_id, c.author_ip, c.parent_id, c.depth, c.body,
               c.hidden_by_mod, c.deleted_by_owner, c.deleted_by_mod, c.created_at, c.updated_at,
               (select count(*) from comment_likes l where l.comment_id = c.id) as "like_count!",
               exists(select 1 from comment_likes l
                      where l.comment_id = c.id and l.user_id = $2) as "liked_by_me!",
               exists(select 1 from user_blocks b
                      where b.blocker_id = $2 and b.blocked_id = c.author_id) as "author_blocked!",
               u.handle as "author_handle?", u.avatar_url as "author_avatar_url?",
               u.public_sqid as "author_public_sqid?"
        from comments c left join users u on u.id = c.author_id
        where c.post_id = $1
        order by c.created_at, c.id
        "#,
        post_id,
        viewer
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// One comment as `viewer` sees it (the answer of create and edit).
pub async fn view(
    ex: impl PgExecutor<'_>,
    id: Uuid,
    viewer: Option<i32>,
) -> DbResult<Option<CommentView>> {
    let row = sqlx::query_as!(
        CommentView,
        r#"
        select c.id, c.post_id, c.author_id, c.author_ip, c.parent_id, c.depth, c.body,
               c.hidden_by_mod, c.deleted_by_owner, c.deleted_by_mod, c.created_at, c.updated_at,
               (select count(*) from comment_likes l where l.comment_id = c.id) as "like_count!",
               exists(select 1 from comment_likes l
                      where l.comment_id = c.id and l.user_id = $2) as "liked_by_me!",
               exists(select 1 from user_blocks b
                      where b.blocker_id = $2 and b.blocked_id = c.author_id) as "author_blocked!",
               u.handle as "author_handle?", u.avatar_url as "author_avatar_url?",
               u.public_sqid as "author_public_sqid?"
        from comments c left join users u on u.id = c.author_id
        where c.id = $1
        "#,
        id,
        viewer
    )
    .fetch_optional(ex)
    .await?;
    Ok(row)
}

/// Replaces the text of a live comment; `original_body` is left alone.
pub async fn set_body(conn: &mut PgConnection, id: Uuid, body: &str) -> DbResult<()> {
    sqlx::query!("update comments set body = $2 where id = $1", id, body)
        .execute(conn)
        .await?;
    Ok(())
}

/// Soft-deletes a live comment: the text moves to `original_body` and `placeholder` shows in
/// its place. False when it was already deleted (the call is then a no-op).
pub async fn mark_deleted(
    conn: &mut PgConnection,
    id: Uuid,
    by_mod: bool,
    placeholder: &str,
) -> DbResult<bool> {
    let r = sqlx::query!(
        r#"update comments
           set original_body = body, body = $3,
               deleted_by_owner = not $2, deleted_by_mod = $2
           where id = $1 and not deleted_by_owner and not deleted_by_mod"#,
        id,
        by_mod,
        placeholder
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Sets the moderator's hidden flag; false when it already had that value.
pub async fn set_hidden(conn: &mut PgConnection, id: Uuid, hidden: bool) -> DbResult<bool> {
    let r = sqlx::query!(
        "update comments set hidden_by_mod = $2 where id = $1 and hidden_by_mod <> $2",
        id,
        hidden
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Adds a like; false when the user already liked the comment.
pub async fn like(ex: impl PgExecutor<'_>, comment_id: Uuid, user_id: i32) -> DbResult<bool> {
    let r = sqlx::query!(
        r#"insert into comment_likes (comment_id, user_id) values ($1, $2)
           on conflict do nothing"#,
        comment_id,
        user_id
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Removes a like; false when there was none.
pub async fn unlike(ex: impl PgExecutor<'_>, comment_id: Uuid, user_id: i32) -> DbResult<bool> {
    let r = sqlx::query!(
        "delete from comment_likes where comment_id = $1 and user_id = $2",
        comment_id,
        user_id
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}
