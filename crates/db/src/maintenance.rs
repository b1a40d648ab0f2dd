//! SQL of the scheduled maintenance jobs: hard delete of old soft deletes, the retired-key
//! sweep, the daily view rollup and the integrity walk. Every statement is safe to repeat.
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::DbResult;

/// A post row just deleted for good; its files are still to be removed.
#[derive(Debug, Clone)]
pub struct PurgedPost {
    pub id: i64,
    pub storage_key: Uuid,
}

/// Deletes up to `limit` posts soft-deleted at or before `before` and returns their keys.
/// Rows another run is deleting are skipped rather than waited for. Files, reactions,
/// comments, playlist items, view events and daily stats go with the row (cascades).
pub async fn purge_soft_deleted(
    ex: impl PgExecutor<'_>,
    before: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<PurgedPost>> {
    let rows = sqlx::query_as!(
        PurgedPost,
        r#"delete from posts where id in (
               select id from posts
               where deleted_by_user and deleted_by_user_date <= $1
               order by deleted_by_user_date, id
               limit $2
               for update skip locked)
           returning id, storage_key"#,
        before,
        limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// A replaced storage key whose files may now be removed.
#[derive(Debug, Clone)]
pub struct RetiredKey {
    pub id: i64,
    pub storage_key: Uuid,
    pub formats: Vec<String>,
    /// A post still uses the key: its files must stay (should never happen, keys rotate).
    pub in_use: bool,
}

/// Up to `limit` retired keys due at `now`, oldest first.
pub async fn due_retired(
    ex: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<RetiredKey>> {
    let rows = sqlx::query_as!(
        RetiredKey,
        r#"select r.id, r.storage_key, r.formats,
                  exists(select 1 from posts p where p.storage_key = r.storage_key) as "in_use!"
           from retired_artworks r
           where r.delete_after <= $1
           order by r.delete_after, r.id
           limit $2"#,
        now,
        limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// Removes a retired-key row once its files are gone; false if another run did it first.
pub async fn delete_retired(ex: impl PgExecutor<'_>, id: i64) -> DbResult<bool> {
    let n = sqlx::query!("delete from retired_artworks where id = $1", id)
        .execute(ex)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Takes the transaction-scoped lock that serialises runs of one rollup; false when another
/// run holds it.
pub async fn try_lock_rollup(conn: &mut PgConnection, name: &str) -> DbResult<bool> {
    let got = sqlx::query_scalar!(
        r#"select pg_try_advisory_xact_lock(hashtext('rollup:' || $1)) as "got!""#,
        name
    )
    .fetch_one(conn)
    .await?;
    Ok(got)
}

/// The last day a rollup has completed, if it ever ran.
pub async fn watermark(conn: &mut PgConnection, name: &str) -> DbResult<Option<NaiveDate>> {
    let day = sqlx::query_scalar!(
        "select value_date from rollup_watermarks where name = $1",
        name
    )
    .fetch_optional(conn)
    .await?;
    Ok(day)
}

pub async fn set_watermark(conn: &mut PgConnection, name: &str, day: NaiveDate) -> DbResult<()> {
    sqlx::query!(
        r#"insert into rollup_watermarks (name, value_date) values ($1, $2)
           on conflict (name) do update set value_date = excluded.value_date"#,
        name,
        day
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// When the oldest raw view event happened.
pub async fn oldest_view_event(conn: &mut PgConnection) -> DbResult<Option<DateTime<Utc>>> {
    let at = sqlx::query_scalar!("select min(created_at) from view_events")
        .fetch_one(conn)
        .await?;
    Ok(at)
}

/// Writes the `post_stats_daily` rows of `day` (events in `[start, end)`) from scratch, so a
/// repeated day replaces its numbers instead of adding to them, and returns the posts touched.
/// Views, unique viewers (user id, else IP hash) and authenticated views count `view` events;
/// impressions count `impression` events. `breakdown` counts views by `device`, `source` and
/// `country` (missing values as "unknown"), plus the same three for signed-in viewers only
/// under `*_authenticated`.
pub async fn rollup_view_day(
    conn: &mut PgConnection,
    day: NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> DbResult<Vec<i64>> {
    let ids = sqlx::query_scalar!(
        r#"
        with ev as (
            select post_id, viewer_user_id, viewer_ip_hash, view_type, source, device, country
            from view_events where created_at >= $1 and created_at < $2
        ),
        counts as (
            select post_id,
                   count(*) filter (where view_type = 'view')::int4 as views,
                   count(distinct case when view_type = 'view' then
                       coalesce('u:' || viewer_user_id::text, 'ip:' || viewer_ip_hash) end)::int4
                       as unique_viewers,
                   count(*) filter (where view_type = 'impression')::int4 as impressions,
                   count(*) filter (where view_type = 'view' and viewer_user_id is not null)::int4
                       as views_authenticated
            from ev group by post_id
        ),
        dims as (
            select e.post_id, d.dim || s.suffix as dim, d.val
            from ev e
            cross join lateral (values ('device', coalesce(e.device, 'unknown')),
                                       ('source', e.source),
                                       ('country', coalesce(e.country, 'unknown'))) d (dim, val)
            cross join lateral (values (''), ('_authenticated')) s (suffix)
            where e.view_type = 'view' and (s.suffix = '' or e.viewer_user_id is not null)
        ),
        per_dim as (
            select post_id, dim, jsonb_object_agg(val, n) as vals
            from (select post_id, dim, val, count(*) as n from dims group by post_id, dim, val) c
            group by post_id, dim
        ),
        breakdowns as (
            select post_id, jsonb_object_agg(dim, vals) as breakdown from per_dim group by post_id
        )
        insert into post_stats_daily (post_id, day, views, unique_viewers, impressions,
                                      views_authenticated, breakdown)
        select c.post_id, $3, c.views, c.unique_viewers, c.impressions, c.views_authenticated,
               coalesce(b.breakdown, '{}'::jsonb)
        from counts c left join breakdowns b using (post_id)
        on conflict (post_id, day) do update set
            views = excluded.views,
            unique_viewers = excluded.unique_viewers,
            impressions = excluded.impressions,
            views_authenticated = excluded.views_authenticated,
            breakdown = excluded.breakdown
        returning post_id
        "#,
        start,
        end,
        day
    )
    .fetch_all(conn)
    .await?;
    Ok(ids)
}

/// Sets `view_count` of `post_ids` to the rolled-up views plus the raw views from `since` on
/// (the days not rolled up yet, which the view endpoint already counted live).
pub async fn recompute_view_counts(
    conn: &mut PgConnection,
    post_ids: &[i64],
    since: DateTime<Utc>,
) -> DbResult<u64> {
    let n = sqlx::query!(
        r#"update posts p set view_count =
               coalesce((select sum(s.views) from post_stats_daily s where s.post_id = p.id), 0)
             + (select count(*) from view_events e
                where e.post_id = p.id and e.view_type = 'view' and e.created_at >= $2)
           where p.id = any($1)"#,
        post_ids,
        since
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n)
}

pub async fn delete_view_events_before(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> DbResult<u64> {
    let n = sqlx::query!("delete from view_events where created_at < $1", before)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n)
}

/// Where a batched job left off (0 before its first run).
pub async fn cursor(ex: impl PgExecutor<'_>, name: &str) -> DbResult<i64> {
    let pos = sqlx::query_scalar!("select position from job_cursors where name = $1", name)
        .fetch_optional(ex)
        .await?;
    Ok(pos.unwrap_or(0))
}

pub async fn set_cursor(ex: impl PgExecutor<'_>, name: &str, position: i64) -> DbResult<()> {
    sqlx::query!(
        r#"insert into job_cursors (name, position) values ($1, $2)
           on conflict (name) do update set position = excluded.position, updated_at = now()"#,
        name,
        position
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// What the integrity check needs of a live artwork.
#[derive(Debug, Clone)]
pub struct StoredArtwork {
    pub id: i64,
    pub storage_key: Uuid,
    pub native_format: Option<String>,
    pub hash: Option<String>,
}

/// The next `limit` live artwork posts with an id above `after_id`, by id.
pub async fn live_artworks_after(
    ex: impl PgExecutor<'_>,
    after_id: i64,
    limit: i64,
) -> DbResult<Vec<StoredArtwork>> {
    let rows = sqlx::query_as!(
        StoredArtwork,
        r#"select id, storage_key, native_format, hash from posts
           where kind = 'artwork' and not deleted_by_user and id > $1
           order by id limit $2"#,
        after_id,
        limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// Flags a post whose stored file no longer matches, unless its artwork was replaced since it
/// was read or it is flagged already; true when this call changed it.
pub async fn mark_non_conformant(
    conn: &mut PgConnection,
    id: i64,
    storage_key: Uuid,
) -> DbResult<bool> {
    let n = sqlx::query!(
        r#"update posts set non_conformant = true
           where id = $1 and storage_key = $2 and not non_conformant"#,
        id,
        storage_key
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}
