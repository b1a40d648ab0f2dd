//! Follows and blocks between users.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::DbResult;

/// True when either user has blocked the other.
pub async fn blocked_either_way(ex: impl PgExecutor<'_>, a: i32, b: i32) -> DbResult<bool> {
    let blocked = sqlx::query_scalar!(
        r#"select exists(select 1 from user_blocks
                         where (blocker_id = $1 and blocked_id = $2)
                            or (blocker_id = $2 and blocked_id = $1)) as "b!""#,
        a,
        b
    )
    .fetch_one(ex)
    .await?;
    Ok(blocked)
}

/// Serialises follow and block changes between two users for the rest of the transaction, so
/// a follow racing a block cannot survive it. The key is the unordered pair.
pub async fn lock_pair(conn: &mut PgConnection, a: i32, b: i32) -> DbResult<()> {
    sqlx::query_scalar!(
        r#"select true as "locked!" from pg_advisory_xact_lock(least($1::int4, $2::int4),
                                                               greatest($1::int4, $2::int4))"#,
        a,
        b
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// Adds a follow; false when it already existed.
pub async fn follow(conn: &mut PgConnection, follower: i32, following: i32) -> DbResult<bool> {
    let r = sqlx::query!(
        "insert into follows (follower_id, following_id) values ($1, $2) on conflict do nothing",
        follower,
        following
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Removes a follow; false when there was none.
pub async fn unfollow(conn: &mut PgConnection, follower: i32, following: i32) -> DbResult<bool> {
    let r = sqlx::query!(
        "delete from follows where follower_id = $1 and following_id = $2",
        follower,
        following
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn follower_count(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<i64> {
    let n = sqlx::query_scalar!(
        r#"select count(*) as "n!" from follows where following_id = $1"#,
        user_id
    )
    .fetch_one(ex)
    .await?;
    Ok(n)
}

pub async fn is_following(
    ex: impl PgExecutor<'_>,
    follower: i32,
    following: i32,
) -> DbResult<bool> {
    let f = sqlx::query_scalar!(
        r#"select exists(select 1 from follows where follower_id = $1 and following_id = $2) as "f!""#,
        follower,
        following
    )
    .fetch_one(ex)
    .await?;
    Ok(f)
}

/// Which side of the follow relation a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowSide {
    /// Users who follow the subject.
    Followers,
    /// Users the subject follows.
    Following,
}

pub struct FollowListQuery {
    pub user_id: i32,
    pub side: FollowSide,
    /// Moderators see hidden, banned, deactivated and unverified users too.
    pub include_hidden: bool,
    /// The viewer always sees themself in a list.
    pub viewer_id: Option<i32>,
    /// (follow time, user id) of the last item of the previous page.
    pub after: Option<(DateTime<Utc>, i32)>,
    pub limit: i64,
}

/// One entry of a follower/following list: the other user and when the follow began.
#[derive(Debug, Clone)]
pub struct FollowEntry {
    pub user_id: i32,
    pub followed_at: DateTime<Utc>,
}

/// A page of follows, newest first. Non-moderators see only publicly visible users (and
/// themselves); the filter is the same in [`count_follows`]. Each side has its own statement
/// so that each can use its index.
pub async fn list_follows(
    ex: impl PgExecutor<'_>,
    q: &FollowListQuery,
) -> DbResult<Vec<FollowEntry>> {
    let (after_at, after_id) = q.after.map_or((None, None), |(t, id)| (Some(t), Some(id)));
    let rows = match q.side {
        FollowSide::Followers => {
            sqlx::query_as!(
                FollowEntry,
                r#"select u.id as user_id, f.created_at as followed_at
                   from follows f join users u on u.id = f.follower_id
                   where f.following_id = $1 and ($2 or u.id = $3 or (u.email_verified and not u.hidden_by_user
                        and not u.hidden_by_mod and not u.deactivated
                        and (u.banned_until is null or u.banned_until <= now())
                        and not ('owner' = any(u.roles))))
                     and ($4::timestamptz is null or (f.created_at, u.id) < ($4, $5::int4))
                   order by f.created_at desc, u.id desc limit $6"#,
                q.user_id,
                q.include_hidden,
                q.viewer_id,
                after_at,
                after_id,
                q.limit,
            )
            .fetch_all(ex)
            .await?
        }
        FollowSide::Following => {
            sqlx::query_as!(
                FollowEntry,
                r#"select u.id as user_id, f.created_at as followed_at
                   from follows f join users u on u.id = f.following_id
                   where f.follower_id = $1 and ($2 or u.id = $3 or (u.email_verified and not u.hidden_by_user
                        and not u.hidden_by_mod and not u.deactivated
                        and (u.banned_until is null or u.banned_until <= now())
                        and not ('owner' = any(u.roles))))
                     and ($4::timestamptz is null or (f.created_at, u.id) < ($4, $5::int4))
                   order by f.created_at desc, u.id desc limit $6"#,
                q.user_id,
                q.include_hidden,
                q.viewer_id,
                after_at,
                after_id,
                q.limit,
            )
            .fetch_all(ex)
            .await?
        }
    };
    Ok(rows)
}

/// The number of entries [`list_follows`] can return over all pages.
pub async fn count_follows(ex: impl PgExecutor<'_>, q: &FollowListQuery) -> DbResult<i64> {
    let n = match q.side {
        FollowSide::Followers => {
            sqlx::query_scalar!(
                r#"select count(*) as "n!" from follows f join users u on u.id = f.follower_id
                   where f.following_id = $1 and ($2 or u.id = $3 or (u.email_verified and not u.hidden_by_user
                        and not u.hidden_by_mod and not u.deactivated
                        and (u.banned_until is null or u.banned_until <= now())
                        and not ('owner' = any(u.roles))))"#,
                q.user_id,
                q.include_hidden,
                q.viewer_id,
            )
            .fetch_one(ex)
            .await?
        }
        FollowSide::Following => {
            sqlx::query_scalar!(
                r#"select count(*) as "n!" from follows f join users u on u.id = f.following_id
                   where f.follower_id = $1 and ($2 or u.id = $3 or (u.email_verified and not u.hidden_by_user
                        and not u.hidden_by_mod and not u.deactivated
                        and (u.banned_until is null or u.banned_until <= now())
                        and not ('owner' = any(u.roles))))"#,
                q.user_id,
                q.include_hidden,
                q.viewer_id,
            )
            .fetch_one(ex)
            .await?
        }
    };
    Ok(n)
}

/// True when `blocker` has blocked `blocked` (one direction).
pub async fn is_blocking(ex: impl PgExecutor<'_>, blocker: i32, blocked: i32) -> DbResult<bool> {
    let b = sqlx::query_scalar!(
        r#"select exists(select 1 from user_blocks where blocker_id = $1 and blocked_id = $2) as "b!""#,
        blocker,
        blocked
    )
    .fetch_one(ex)
    .await?;
    Ok(b)
}

/// Locks the blocker's row so that concurrent blocks by one user cannot pass the cap together.
/// `for no key update` does not hold up follows or blocks that merely reference the row.
pub async fn lock_blocker(conn: &mut PgConnection, blocker: i32) -> DbResult<()> {
    sqlx::query_scalar!(
        "select id from users where id = $1 for no key update",
        blocker
    )
    .fetch_optional(conn)
    .await?;
    Ok(())
}

pub async fn block_count(ex: impl PgExecutor<'_>, blocker: i32) -> DbResult<i64> {
    let n = sqlx::query_scalar!(
        r#"select count(*) as "n!" from user_blocks where blocker_id = $1"#,
        blocker
    )
    .fetch_one(ex)
    .await?;
    Ok(n)
}

/// Records a block; false when it already existed.
pub async fn insert_block(conn: &mut PgConnection, blocker: i32, blocked: i32) -> DbResult<bool> {
    let r = sqlx::query!(
        "insert into user_blocks (blocker_id, blocked_id) values ($1, $2) on conflict do nothing",
        blocker,
        blocked
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Removes follows in both directions between two users (a block ends them).
pub async fn remove_follows_between(conn: &mut PgConnection, a: i32, b: i32) -> DbResult<u64> {
    let r = sqlx::query!(
        r#"delete from follows where (follower_id = $1 and following_id = $2)
                                  or (follower_id = $2 and following_id = $1)"#,
        a,
        b
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

/// Lifts a block; false when there was none.
pub async fn delete_block(conn: &mut PgConnection, blocker: i32, blocked: i32) -> DbResult<bool> {
    let r = sqlx::query!(
        "delete from user_blocks where blocker_id = $1 and blocked_id = $2",
        blocker,
        blocked
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// One entry of the caller's block list.
#[derive(Debug, Clone)]
pub struct BlockedUser {
    pub user_id: i32,
    pub public_sqid: String,
    pub handle: String,
    pub avatar_url: Option<String>,
    pub blocked_at: DateTime<Utc>,
}

/// The blocker's blocks, newest first; `after` is (block time, user id) of the previous page.
pub async fn list_blocks(
    ex: impl PgExecutor<'_>,
    blocker: i32,
    after: Option<(DateTime<Utc>, i32)>,
    limit: i64,
) -> DbResult<Vec<BlockedUser>> {
    let (after_at, after_id) = after.map_or((None, None), |(t, id)| (Some(t), Some(id)));
    let rows = sqlx::query_as!(
        BlockedUser,
        r#"
        select u.id as user_id, u.public_sqid, u.handle, u.avatar_url, b.created_at as blocked_at
        from user_blocks b join users u on u.id = b.blocked_id
        where b.blocker_id = $1
          and ($2::timestamptz is null or (b.created_at, u.id) < ($2, $3::int4))
        order by b.created_at desc, u.id desc
        limit $4
        "#,
        blocker,
        after_at,
        after_id,
        limit,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// Everyone `blocker` has blocked (at most the block cap), for filtering listings.
pub async fn blocked_ids(ex: impl PgExecutor<'_>, blocker: i32) -> DbResult<Vec<i32>> {
    let ids = sqlx::query_scalar!(
        "select blocked_id from user_blocks where blocker_id = $1",
        blocker
    )
    .fetch_all(ex)
    .await?;
    Ok(ids)
}
