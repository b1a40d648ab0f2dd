//! Site search: trigram similarity of user handles and post titles to the query, as one ranked
//! list of hits. Callers load the hits' rows with the usual read models.
use sqlx::PgPool;

use crate::DbResult;

/// The search's similarity floor (http-api.md §2.5: similarity > 0.1).
const THRESHOLD: &str = "0.1";

pub struct SearchQuery<'a> {
    pub q: &'a str,
    pub users: bool,
    pub posts: bool,
    pub playlists: bool,
    pub viewer_id: i32,
    /// Moderators also find hidden, banned and deactivated users, as in browse.
    pub include_hidden_users: bool,
    pub offset: i64,
    pub limit: i64,
}

/// One result: `kind` is "users", "posts" or "playlists"; `id` the user or post id.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: String,
    pub id: i64,
    pub score: f32,
}

/// Hits ordered by similarity (best first), then kind and id so offsets are stable. Users
/// follow the browse rules (verified, not the owner, not hidden/banned/deactivated unless
/// `include_hidden_users`, not blocked by the viewer); posts and playlists must be
/// discoverable and not by a user the viewer blocked.
pub async fn search(pool: &PgPool, s: &SearchQuery<'_>) -> DbResult<Vec<Hit>> {
    // `%` can use the trigram indexes, but compares against a per-session setting; setting it
    // locally inside a transaction keeps it off the pooled connection.
    let mut tx = pool.begin().await?;
    sqlx::query_scalar!(
        "select set_config('pg_trgm.similarity_threshold', $1, true)",
        THRESHOLD
    )
    .fetch_one(&mut *tx)
    .await?;
    let hits = sqlx::query_as!(
        Hit,
        r#"
        select kind as "kind!", id as "id!", score as "score!" from (
            select 'users' as kind, u.id::int8 as id, similarity(u.handle, $1) as score
            from users u
            where $2 and u.handle % $1
              and u.email_verified
              and not ('owner' = any(u.roles))
              and ($6 or (not u.hidden_by_user and not u.hidden_by_mod and not u.deactivated
                          and (u.banned_until is null or u.banned_until <= now())))
              and not exists (select 1 from user_blocks b
                              where b.blocker_id = $5 and b.blocked_id = u.id)
            union all
            select case p.kind when 'artwork' then 'posts' else 'playlists' end,
                   p.id, similarity(p.title, $1)
            from posts p
            where p.title % $1
              and ((p.kind = 'artwork' and $3) or (p.kind = 'playlist' and $4))
              and post_discoverable(p)
              and not exists (select 1 from user_blocks b
                              where b.blocker_id = $5 and b.blocked_id = p.owner_id)
        ) hits
        order by score desc, kind, id
        offset $7 limit $8
        "#,
        s.q,
        s.users,
        s.posts,
        s.playlists,
        s.viewer_id,
        s.include_hidden_users,
        s.offset,
        s.limit,
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(hits)
}
