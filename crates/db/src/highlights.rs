//! Profile highlights: the posts a member pins to their profile, at positions 0..n-1. Every
//! write runs in a transaction holding [`lock_user`], so counts and positions cannot race.
use sqlx::{PgConnection, PgExecutor};

use crate::DbResult;

/// One pinned post and where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub id: i64,
    pub post_id: i64,
    pub position: i32,
}

/// Serialises highlight writes of one member for the rest of the transaction. The first key
/// names this lock family, so it cannot meet the user-pair locks of follows and blocks.
pub async fn lock_user(conn: &mut PgConnection, user_id: i32) -> DbResult<()> {
    sqlx::query_scalar!(
        r#"select true as "locked!"
           from pg_advisory_xact_lock(hashtext('user_highlights'), $1::int4)"#,
        user_id
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// Drops highlights of soft-deleted posts (there is no undelete) and closes any gap in the
/// positions, so the cap, the reorder set and the positions only ever count live posts.
pub async fn prune(conn: &mut PgConnection, user_id: i32) -> DbResult<()> {
    sqlx::query!(
        r#"delete from user_highlights h using posts p
           where h.post_id = p.id and h.user_id = $1 and p.deleted_by_user"#,
        user_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"update user_highlights h set position = r.pos
           from (select id, (row_number() over (order by position, id) - 1)::int4 as pos
                 from user_highlights where user_id = $1) r
           where h.id = r.id and h.position <> r.pos"#,
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A member's highlights in display order.
pub async fn list(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<Vec<Highlight>> {
    let rows = sqlx::query_as!(
        Highlight,
        r#"select id, post_id, position from user_highlights
           where user_id = $1 order by position"#,
        user_id
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

pub async fn find(
    ex: impl PgExecutor<'_>,
    user_id: i32,
    post_id: i64,
) -> DbResult<Option<Highlight>> {
    let row = sqlx::query_as!(
        Highlight,
        r#"select id, post_id, position from user_highlights
           where user_id = $1 and post_id = $2"#,
        user_id,
        post_id
    )
    .fetch_optional(ex)
    .await?;
    Ok(row)
}

pub async fn count(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<i64> {
    let n = sqlx::query_scalar!(
        r#"select count(*) as "n!" from user_highlights where user_id = $1"#,
        user_id
    )
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Pins the post after the member's last highlight.
pub async fn append(conn: &mut PgConnection, user_id: i32, post_id: i64) -> DbResult<Highlight> {
    let row = sqlx::query_as!(
        Highlight,
        r#"insert into user_highlights (user_id, post_id, position)
           select $1, $2, coalesce(max(position) + 1, 0) from user_highlights where user_id = $1
           returning id, post_id, position"#,
        user_id,
        post_id
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

/// Unpins the post; false when it was not pinned. Call [`prune`] afterwards to close the gap.
pub async fn remove(conn: &mut PgConnection, user_id: i32, post_id: i64) -> DbResult<bool> {
    let r = sqlx::query!(
        "delete from user_highlights where user_id = $1 and post_id = $2",
        user_id,
        post_id
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Gives each listed post the position of its index. The caller has checked that `post_ids`
/// is exactly the member's current set; the deferrable key allows any permutation.
pub async fn reorder(conn: &mut PgConnection, user_id: i32, post_ids: &[i64]) -> DbResult<()> {
    sqlx::query!(
        r#"update user_highlights h set position = (o.ord - 1)::int4
           from unnest($2::int8[]) with ordinality as o(post_id, ord)
           where h.user_id = $1 and h.post_id = o.post_id"#,
        user_id,
        post_ids
    )
    .execute(conn)
    .await?;
    Ok(())
}
