//! Moderator reads and writes that belong to no single aggregate's everyday paths: the
//! approval queue, the audit log, account flags set by moderators, and the actions a report
//! resolution applies to posts and comments. Writes run on the caller's transaction.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::DbResult;

/// Accounts that receive moderation notices: moderators and the owner, neither deactivated
/// nor banned.
pub async fn moderator_ids(ex: impl PgExecutor<'_>) -> DbResult<Vec<i32>> {
    let ids = sqlx::query_scalar!(
        r#"select id from users
           where roles && array['moderator', 'owner']::text[] and not deactivated
             and (banned_until is null or banned_until <= now())
           order by id"#
    )
    .fetch_all(ex)
    .await?;
    Ok(ids)
}

pub async fn set_user_hidden_by_mod(
    conn: &mut PgConnection,
    id: i32,
    hidden: bool,
) -> DbResult<()> {
    sqlx::query!(
        "update users set hidden_by_mod = $2 where id = $1",
        id,
        hidden
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_auto_public_approval(conn: &mut PgConnection, id: i32, on: bool) -> DbResult<()> {
    sqlx::query!(
        "update users set auto_public_approval = $2 where id = $1",
        id,
        on
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Ids of posts waiting for approval, oldest first, after the last `(created_at, id)` seen.
/// Posts nobody else can see (hidden, taken down, deleted) are not waiting for anything.
pub async fn pending_approval(
    ex: impl PgExecutor<'_>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> DbResult<Vec<(i64, DateTime<Utc>)>> {
    let (after_at, after_id) = after.unzip();
    let rows = sqlx::query!(
        r#"select id, created_at from posts
           where not public_visibility and not deleted_by_user
             and visible and not hidden_by_user and not hidden_by_mod
             and ($1::timestamptz is null or (created_at, id) > ($1, $2::int8))
           order by created_at, id
           limit $3"#,
        after_at,
        after_id,
        limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.created_at)).collect())
}

/// Takes a post down: it stays for its author and moderators, like a hidden post, but under
/// its own flag so the author cannot undo it by unhiding.
pub async fn take_down_post(conn: &mut PgConnection, id: i64) -> DbResult<()> {
    sqlx::query!("update posts set visible = false where id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

/// What a report resolution needs to know about a comment.
#[derive(Debug, Clone)]
pub struct CommentTarget {
    pub id: Uuid,
    pub post_id: i64,
    pub author_id: Option<i32>,
    pub deleted: bool,
}

pub async fn find_comment(ex: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<CommentTarget>> {
    let row = sqlx::query_as!(
        CommentTarget,
        r#"select id, post_id, author_id, (deleted_by_owner or deleted_by_mod) as "deleted!"
           from comments where id = $1"#,
        id
    )
    .fetch_optional(ex)
    .await?;
    Ok(row)
}

pub async fn lock_comment(conn: &mut PgConnection, id: Uuid) -> DbResult<Option<CommentTarget>> {
    let row = sqlx::query_as!(
        CommentTarget,
        r#"select id, post_id, author_id, (deleted_by_owner or deleted_by_mod) as "deleted!"
           from comments where id = $1 for update"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn hide_comment(conn: &mut PgConnection, id: Uuid) -> DbResult<()> {
    sqlx::query!("update comments set hidden_by_mod = true where id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the text with `placeholder`, keeping the first original for moderators (a
/// comment its author already deleted keeps the text saved then).
pub async fn take_down_comment(
    conn: &mut PgConnection,
    id: Uuid,
    placeholder: &str,
) -> DbResult<()> {
    sqlx::query!(
        r#"update comments
           set original_body = case when deleted_by_owner or deleted_by_mod
                                    then original_body else body end,
               body = $2, deleted_by_mod = true
           where id = $1"#,
        id,
        placeholder
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: Uuid,
    pub actor_id: Option<i32>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub struct AuditFilter<'a> {
    pub actor_id: Option<i32>,
    pub action: Option<&'a str>,
    pub target_type: Option<&'a str>,
    /// The last `(created_at, id)` seen.
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub limit: i64,
}

/// Newest first.
pub async fn audit_log(ex: impl PgExecutor<'_>, f: &AuditFilter<'_>) -> DbResult<Vec<AuditRow>> {
    let (after_at, after_id) = f.after.unzip();
    let rows = sqlx::query_as!(
        AuditRow,
        r#"select id, actor_id, action, target_type, target_id, reason_code, note, created_at
           from audit_logs
           where ($1::int4 is null or actor_id = $1)
             and ($2::text is null or action = $2)
             and ($3::text is null or target_type = $3)
             and ($4::timestamptz is null or (created_at, id) < ($4, $5::uuid))
           order by created_at desc, id desc
           limit $6"#,
        f.actor_id,
        f.action,
        f.target_type,
        after_at,
        after_id,
        f.limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}
