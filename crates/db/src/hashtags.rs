//! The hashtag directory: every tag on a discoverable artwork, with how many such posts carry
//! it and when the newest of them was created. Keyset-paged in three orders.
use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::DbResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagSort {
    Alphabetical,
    Popularity,
    Recent,
}

impl TagSort {
    fn as_str(self) -> &'static str {
        match self {
            TagSort::Alphabetical => "alphabetical",
            TagSort::Popularity => "popularity",
            TagSort::Recent => "recent",
        }
    }
}

/// The last row of the previous page, as the chosen order compares it; the tag breaks ties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    Tag(String),
    Count(i64, String),
    Recent(DateTime<Utc>, String),
}

pub struct TagQuery<'a> {
    /// Part of a tag (lower-case, without `#`); matched literally.
    pub q: Option<&'a str>,
    /// Tags left out entirely (monitored tags the viewer has not opted into).
    pub hidden: &'a [String],
    pub sort: TagSort,
    pub after: Option<After>,
    pub limit: i64,
}

#[derive(Debug, Clone)]
pub struct TagRow {
    pub tag: String,
    pub count: i64,
    pub last_at: DateTime<Utc>,
}

pub async fn list(ex: impl PgExecutor<'_>, t: &TagQuery<'_>) -> DbResult<Vec<TagRow>> {
    let (after_tag, after_count, after_at) = match &t.after {
        None => (None, None, None),
        Some(After::Tag(tag)) => (Some(tag.as_str()), None, None),
        Some(After::Count(n, tag)) => (Some(tag.as_str()), Some(*n), None),
        Some(After::Recent(at, tag)) => (Some(tag.as_str()), None, Some(*at)),
    };
    let q = t.q.map(escape_like);
    let rows = sqlx::query_as!(
        TagRow,
        r#"
        with tags as (
            select t.tag, count(*)::int8 as count, max(p.created_at) as last_at
            from posts p cross join lateral unnest(p.hashtags) as t(tag)
            where post_discoverable(p) and p.kind = 'artwork'
            group by t.tag
        )
        select tag as "tag!", count as "count!", last_at as "last_at!"
        from tags
        where ($1::text is null or tag like '%' || $1 || '%')
          and tag <> all($2::text[])
          and ($4::text is null or case $3
                when 'alphabetical' then tag > $4
                when 'popularity' then (count < $5::int8 or (count = $5::int8 and tag > $4))
                else (last_at < $6::timestamptz or (last_at = $6::timestamptz and tag > $4)) end)
        order by
          case when $3 = 'popularity' then count end desc,
          case when $3 = 'recent' then last_at end desc,
          tag asc
        limit $7
        "#,
        q,
        t.hidden,
        t.sort.as_str(),
        after_tag,
        after_count,
        after_at,
        t.limit,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// Escapes LIKE wildcards with a backslash (the default escape character); `_` is common in tags.
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
