//! The numbers on a profile page (http-api.md §2.2 `stats`). They count what any visitor can
//! reach: posts that are not deleted, hidden or non-conformant (pending ones included, as on
//! the profile list).
use sqlx::PgExecutor;

use crate::DbResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProfileStats {
    /// Artworks only; playlists are not counted as posts.
    pub total_posts: i64,
    /// Signed-in and anonymous reactions alike.
    pub total_reactions_received: i64,
    pub total_views: i64,
    pub follower_count: i64,
}

/// One statement, so the four numbers come from the same snapshot.
pub async fn compute(ex: impl PgExecutor<'_>, user_id: i32) -> DbResult<ProfileStats> {
    let row = sqlx::query!(
        r#"
        with shown as (
            select p.kind, p.reaction_count, p.view_count
            from posts p
            where p.owner_id = $1 and post_accessible(p, null, false) and not p.non_conformant
        )
        select
            (select count(*) from shown where kind = 'artwork') as "total_posts!",
            (select coalesce(sum(reaction_count), 0)::int8 from shown) as "total_reactions_received!",
            (select coalesce(sum(view_count), 0)::int8 from shown) as "total_views!",
            (select count(*) from follows where following_id = $1) as "follower_count!"
        "#,
        user_id
    )
    .fetch_one(ex)
    .await?;
    Ok(ProfileStats {
        total_posts: row.total_posts,
        total_reactions_received: row.total_reactions_received,
        total_views: row.total_views,
        follower_count: row.follower_count,
    })
}
