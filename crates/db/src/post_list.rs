//! The one listing statement behind `GET /v1/post` and every feed: optional filters as bound
//! parameters (null or empty = off), a 64-bit sort key, and keyset pagination on (key, id).
use domain::post_query::{PostQuery, Range, Scope};
use sqlx::PgPool;

use crate::DbResult;

/// One row of a page: the post id and its sort key (the cursor of the next page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    pub id: i64,
    pub sort_key: i64,
}

fn lo(r: Range) -> Option<i64> {
    r.min
}
fn hi(r: Range) -> Option<i64> {
    r.max
}

/// Up to `q.limit + 1` rows, so the caller knows whether another page exists.
pub async fn list(pool: &PgPool, scope: Scope, q: &PostQuery) -> DbResult<Vec<Listed>> {
    let (owner, privileged) = match scope {
        Scope::Discovery => (None, false),
        Scope::Profile {
            owner_id,
            privileged,
        } => (Some(owner_id), privileged),
    };
    let (cursor_id, cursor_key) = match q.cursor.filter(|_| q.pages()) {
        Some(c) => (Some(c.id), Some(c.sort)),
        None => (None, None),
    };
    let rows = sqlx::query!(
        r#"
        with candidates as (
            select p.id,
                   case $1::text
                       when 'width' then coalesce(p.width, 0)::int8
                       when 'height' then coalesce(p.height, 0)::int8
                       when 'frame_count' then coalesce(p.frame_count, 0)::int8
                       when 'unique_colors' then coalesce(p.unique_colors, 0)::int8
                       when 'file_bytes' then coalesce(p.file_bytes, 0)
                       when 'reactions' then p.reaction_count::int8
                       when 'reacted_at' then coalesce((
                           select (extract(epoch from max(r.created_at)) * 1000000)::int8
                           from reactions r where r.post_id = p.id and r.user_id = $5), 0)
                       when 'random' then 0::int8
                       else (extract(epoch from p.created_at) * 1000000)::int8
                   end as k
            from posts p
            where (case when $2::int4 is null then post_discoverable(p)
                        -- A privileged viewer (the author or a moderator) passes as the author.
                        else p.owner_id = $2
                             and post_accessible(p, case when $3 then $2 end, false)
                   end)
              and ($4::text is null or p.hashtags @> array[$4])
              and ($6::bool is null or p.promoted = $6)
              and ($5::int4 is null or exists (
                      select 1 from reactions r where r.post_id = p.id and r.user_id = $5))
              and ($7::int4 is null or p.owner_id in (
                      select f.following_id from follows f where f.follower_id = $7))
              and ($8::int8 is null or p.width >= $8) and ($9::int8 is null or p.width <= $9)
              and ($10::int8 is null or p.height >= $10) and ($11::int8 is null or p.height <= $11)
              and ($12::int8 is null or p.file_bytes >= $12) and ($13::int8 is null or p.file_bytes <= $13)
              and ($14::int8 is null or p.frame_count >= $14) and ($15::int8 is null or p.frame_count <= $15)
              and ($16::int8 is null or p.unique_colors >= $16) and ($17::int8 is null or p.unique_colors <= $17)
              and ($18::int8 is null or p.reaction_count >= $18) and ($19::int8 is null or p.reaction_count <= $19)
              and ($20::int8 is null or p.comment_count >= $20) and ($21::int8 is null or p.comment_count <= $21)
              and ($22::timestamptz is null or p.created_at > $22)
              and ($23::timestamptz is null or p.created_at < $23)
              and ($24::bool is null or p.transparency_actual = $24)
              and ($25::bool is null or p.alpha_actual = $25)
              and (cardinality($26::text[]) = 0 or p.native_format = any($26))
              and (cardinality($27::text[]) = 0 or p.kind = any($27))
              and (cardinality($28::int4[]) = 0 or p.base = any($28))
              and ($29::int4 is null or p.base >= $29)
              and (cardinality($30::int4[]) = 0 or p.size = any($30))
              and ($31::int4 is null or p.size >= $31)
        )
        select id as "id!", k as "k!" from candidates
        where $32::int8 is null
           or ($34 and (k, id) < ($33::int8, $32))
           or (not $34 and (k, id) > ($33::int8, $32))
        order by case when $1 = 'random' then random() end,
                 case when $34 then k end desc, case when $34 then id end desc,
                 case when not $34 then k end asc, case when not $34 then id end asc
        limit $35
        "#,
        q.sort.as_sql(),
        owner,
        privileged,
        q.hashtag.as_deref(),
        q.reacted_by,
        q.promoted,
        q.followed_by,
        lo(q.width),
        hi(q.width),
        lo(q.height),
        hi(q.height),
        lo(q.file_bytes),
        hi(q.file_bytes),
        lo(q.frame_count),
        hi(q.frame_count),
        lo(q.unique_colors),
        hi(q.unique_colors),
        lo(q.reactions),
        hi(q.reactions),
        lo(q.comments),
        hi(q.comments),
        q.created_after,
        q.created_before,
        q.has_transparency,
        q.has_semitransparency,
        &q.file_formats,
        &q.kinds,
        &q.bases,
        q.base_gte,
        &q.sizes,
        q.size_gte,
        cursor_id,
        cursor_key,
        q.descending,
        i64::from(q.limit) + 1,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Listed {
            id: r.id,
            sort_key: r.k,
        })
        .collect())
}
