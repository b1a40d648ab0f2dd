//! Read models over users: browse and batch lookups (writes stay in `users`).
use sqlx::PgPool;

use crate::users::UserRow;
use crate::DbResult;

/// Browse ordering; the cursor is the last row's sort key plus id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowseSort {
    Alphabetical,
    Recent,
    Reputation,
}

pub struct BrowseQuery<'a> {
    pub q: Option<&'a str>,
    pub sort: BrowseSort,
    pub include_hidden: bool,
    pub viewer_id: i32,
    /// (sort key as text, id) of the last item of the previous page: its handle (lowered by
    /// the database, like the ordering), its `created_at` in RFC 3339, or its reputation.
    pub after: Option<(String, i32)>,
    pub limit: i64,
}

/// Verified, non-owner users, excluding those the viewer blocked; moderators also see hidden,
/// banned and deactivated ones. `after` must hold a key of the sort's type (handle text,
/// RFC 3339 time, integer reputation), or the statement fails.
pub async fn browse(pool: &PgPool, b: &BrowseQuery<'_>) -> DbResult<Vec<UserRow>> {
    let sort = match b.sort {
        BrowseSort::Alphabetical => "alphabetical",
        BrowseSort::Recent => "recent",
        BrowseSort::Reputation => "reputation",
    };
    let (after_key, after_id) = match &b.after {
        Some((k, id)) => (Some(k.as_str()), Some(*id)),
        None => (None, None),
    };
    // `q` is a substring, not a pattern: `_` (common in handles) and `%` match themselves.
    let q = b.q.map(escape_like);
    let rows = sqlx::query_as!(
        UserRow,
        r#"
        select id, user_key, public_sqid, handle, email, email_verified, password_hash,
               welcome_completed, reputation, roles, hidden_by_user, hidden_by_mod,
               non_conformant, deactivated, banned_until, auto_public_approval,
               approved_hashtags, bio, tagline, website, avatar_url, avatar_storage_key,
               created_at, updated_at
        from users u
        where u.email_verified
          and not ('owner' = any(u.roles))
          and ($1 or (not u.hidden_by_user and not u.hidden_by_mod and not u.deactivated
                      and (u.banned_until is null or u.banned_until <= now())))
          and not exists (select 1 from user_blocks b where b.blocker_id = $2 and b.blocked_id = u.id)
          and ($3::text is null or u.handle ilike '%' || $3 || '%')
          and ($5::text is null or case $4
                when 'alphabetical' then (lower(u.handle), u.id) > (lower($5), $6)
                when 'recent' then (u.created_at, u.id) < ($5::timestamptz, $6)
                else (u.reputation, u.id) < ($5::int4, $6) end)
        order by
          case when $4 = 'alphabetical' then lower(u.handle) end asc,
          case when $4 = 'recent' then u.created_at end desc,
          case when $4 = 'reputation' then u.reputation end desc,
          case when $4 = 'alphabetical' then u.id end asc,
          case when $4 <> 'alphabetical' then u.id end desc
        limit $7
        "#,
        b.include_hidden,
        b.viewer_id,
        q,
        sort,
        after_key,
        after_id,
        b.limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Escapes LIKE wildcards with a backslash (the default escape character).
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Rows for a set of ids, in no particular order; missing ids are skipped.
pub async fn find_by_ids(ex: impl sqlx::PgExecutor<'_>, ids: &[i32]) -> DbResult<Vec<UserRow>> {
    let rows = sqlx::query_as!(
        UserRow,
        r#"
        select id, user_key, public_sqid, handle, email, email_verified, password_hash,
               welcome_completed, reputation, roles, hidden_by_user, hidden_by_mod,
               non_conformant, deactivated, banned_until, auto_public_approval,
               approved_hashtags, bio, tagline, website, avatar_url, avatar_storage_key,
               created_at, updated_at
        from users where id = any($1)
        "#,
        ids
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}
