//! The `query_posts` listing of the player protocol (§5.1–§5.5): one statement built with
//! `QueryBuilder` from a channel, the visibility predicate, validated AMP criteria, a sort and
//! a page. Every value is bound; the SQL text only ever contains constants chosen here.
use chrono::{DateTime, Utc};
use protocol::criteria::{Condition, Criteria, FileTest, NumTest, SetTest};
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::DbResult;

/// What a player item is built from, for an artwork or a playlist.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlayerPostRow {
    pub id: i64,
    pub kind: String,
    pub storage_key: Uuid,
    pub storage_shard: Option<String>,
    pub native_format: Option<String>,
    pub created_at: DateTime<Utc>,
    pub metadata_modified_at: DateTime<Utc>,
    pub artwork_modified_at: DateTime<Utc>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub frame_count: Option<i32>,
    pub dwell_time_ms: i32,
    pub transparency_actual: bool,
    pub alpha_actual: bool,
    pub owner_handle: String,
    /// The reactions channel's latest reaction of the target user on this post.
    pub reaction_id: Option<i64>,
    pub reacted_at: Option<DateTime<Utc>>,
}

/// Which posts a channel holds (§5.1), before visibility.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChannelFilter {
    /// `all` and its alias `artwork`.
    Everything,
    Promoted,
    /// `user` (the player's owner) and `by_user`.
    OwnedBy(i32),
    /// A lower-cased tag without `#`.
    Hashtag(String),
    /// Posts the user reacted to, with their latest reaction.
    ReactedBy(i32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    /// `server_order`: newest id first.
    IdDesc,
    CreatedDesc,
    /// `random` with a seed: a fixed shuffle per seed, so pages do not overlap.
    Seeded(i64),
    /// `random` without a seed: a new shuffle each time.
    Random,
    /// The reactions channel's reaction time, newest first (keyset paged).
    ReactedDesc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageStart {
    Offset(i64),
    /// After this (reaction id, reaction time); `ReactedDesc` only.
    AfterReaction(i64, DateTime<Utc>),
}

#[derive(Debug, Clone)]
pub struct PostFilter<'a> {
    pub channel: ChannelFilter,
    /// Posts of this user pass without `public_visibility` (the owner on `user`/`reactions`).
    pub private_ok_for: Option<i32>,
    /// Monitored tags the viewer has not approved: posts carrying any of them are left out.
    pub hidden_tags: &'a [String],
    pub criteria: &'a Criteria,
    pub order: Order,
    pub start: PageStart,
    /// Rows to fetch (the page size plus one, to learn whether more exist).
    pub rows: i64,
}

/// The visibility predicate of §5.2 on `posts p`, shared with playlist artworks.
pub(crate) fn push_visible(
    q: &mut QueryBuilder<'_, Postgres>,
    private_ok_for: Option<i32>,
    hidden_tags: &[String],
) {
    q.push(
        " p.kind in ('artwork', 'playlist') and p.public_sqid <> '' and not p.deleted_by_user \
         and p.visible and not p.hidden_by_user and not p.hidden_by_mod and not p.non_conformant \
         and (p.public_visibility",
    );
    if let Some(owner) = private_ok_for {
        q.push(" or p.owner_id = ").push_bind(owner);
    }
    q.push(") and not (p.hashtags && ")
        .push_bind(hidden_tags.to_vec())
        .push("::text[])");
}

const COLUMNS: &str = "select p.id, p.kind, p.storage_key, p.storage_shard, p.native_format, \
    p.created_at, p.metadata_modified_at, p.artwork_modified_at, p.width, p.height, \
    p.frame_count, p.dwell_time_ms, p.transparency_actual, p.alpha_actual, \
    u.handle as owner_handle, ";

/// One page of a channel (up to `f.rows` rows).
pub async fn list_posts(pool: &PgPool, f: &PostFilter<'_>) -> DbResult<Vec<PlayerPostRow>> {
    let mut q = QueryBuilder::<Postgres>::new(COLUMNS);
    if let ChannelFilter::ReactedBy(user) = f.channel {
        q.push(
            "lr.reaction_id, lr.reacted_at from posts p join users u on u.id = p.owner_id \
             join (select distinct on (r.post_id) r.post_id, r.id as reaction_id, \
                          r.created_at as reacted_at \
                   from reactions r where r.user_id = ",
        )
        .push_bind(user)
        .push(" order by r.post_id, r.created_at desc, r.id desc) lr on lr.post_id = p.id");
    } else {
        q.push(
            "null::int8 as reaction_id, null::timestamptz as reacted_at \
             from posts p join users u on u.id = p.owner_id",
        );
    }
    q.push(" where");
    push_visible(&mut q, f.private_ok_for, f.hidden_tags);
    match &f.channel {
        ChannelFilter::Everything | ChannelFilter::ReactedBy(_) => {}
        ChannelFilter::Promoted => {
            q.push(" and p.promoted");
        }
        ChannelFilter::OwnedBy(owner) => {
            q.push(" and p.owner_id = ").push_bind(*owner);
        }
        ChannelFilter::Hashtag(tag) => {
            q.push(" and p.hashtags @> array[")
                .push_bind(tag.clone())
                .push("::text]");
        }
    }
    push_criteria(&mut q, f.criteria);
    if let (Order::ReactedDesc, PageStart::AfterReaction(id, at)) = (f.order, f.start) {
        q.push(" and (lr.reacted_at, lr.reaction_id) < (")
            .push_bind(at)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    match f.order {
        Order::IdDesc => q.push(" order by p.id desc"),
        Order::CreatedDesc => q.push(" order by p.created_at desc, p.id desc"),
        Order::Seeded(seed) => q
            .push(" order by md5(p.id::text || ':' || ")
            .push_bind(seed.to_string())
            .push("), p.id"),
        Order::Random => q.push(" order by random()"),
        Order::ReactedDesc => q.push(" order by lr.reacted_at desc, lr.reaction_id desc"),
    };
    q.push(" limit ").push_bind(f.rows);
    if let PageStart::Offset(n) = f.start {
        q.push(" offset ").push_bind(n);
    }
    Ok(q.build_query_as::<PlayerPostRow>().fetch_all(pool).await?)
}

/// The AMP criteria: post-row conditions, then one EXISTS for all file conditions (they hold
/// for the same variant) and one for the native file's format.
fn push_criteria(q: &mut QueryBuilder<'_, Postgres>, c: &Criteria) {
    for cond in &c.post {
        match cond {
            Condition::Numeric { col, test } => push_num(q, &format!("p.{}", col.column()), test),
            Condition::IsNull { col, null } => {
                let not = if *null { "" } else { " not" };
                q.push(format!(" and p.{} is{not} null", col.column()));
            }
            Condition::Bool { col, value } => {
                q.push(format!(" and p.{} = ", col.column()))
                    .push_bind(*value);
            }
            Condition::Kind(test) => push_set(q, "p.kind", test),
        }
    }
    if !c.file.is_empty() {
        q.push(
            " and exists (select 1 from post_files f where f.post_id = p.id \
             and f.format in ('png', 'gif', 'webp', 'bmp')",
        );
        for t in &c.file {
            match t {
                FileTest::Format(s) => push_set(q, "f.format", s),
                FileTest::Bytes(n) => push_num(q, "f.file_bytes", n),
            }
        }
        q.push(")");
    }
    if !c.native_format.is_empty() {
        q.push(" and exists (select 1 from post_files n where n.post_id = p.id and n.is_native");
        for s in &c.native_format {
            push_set(q, "n.format", s);
        }
        q.push(")");
    }
}

fn push_num(q: &mut QueryBuilder<'_, Postgres>, expr: &str, t: &NumTest) {
    match t {
        NumTest::Cmp(cmp, v) => {
            q.push(format!(" and {expr} {} ", cmp.sql())).push_bind(*v);
        }
        NumTest::In(vs) => {
            q.push(format!(" and {expr} = any("))
                .push_bind(vs.clone())
                .push(")");
        }
        NumTest::NotIn(vs) => {
            q.push(format!(" and not ({expr} = any("))
                .push_bind(vs.clone())
                .push("))");
        }
    }
}

fn push_set(q: &mut QueryBuilder<'_, Postgres>, expr: &str, t: &SetTest) {
    let owned = |vs: &[&str]| vs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match t {
        SetTest::Eq(v) => {
            q.push(format!(" and {expr} = ")).push_bind(v.to_string());
        }
        SetTest::Neq(v) => {
            q.push(format!(" and {expr} <> ")).push_bind(v.to_string());
        }
        SetTest::In(vs) => {
            q.push(format!(" and {expr} = any("))
                .push_bind(owned(vs))
                .push(")");
        }
        SetTest::NotIn(vs) => {
            q.push(format!(" and not ({expr} = any("))
                .push_bind(owned(vs))
                .push("))");
        }
    }
}
