//! Reports: what users flag for moderation and what moderators decided about it.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use crate::DbResult;

/// A report as moderators see it, with the reporter's current handle (None when anonymous).
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub id: Uuid,
    pub reporter_id: Option<i32>,
    pub target_type: String,
    pub target_id: String,
    pub reason_code: String,
    pub notes: Option<String>,
    pub mod_notes: Option<String>,
    pub status: String,
    pub action_taken: Option<String>,
    pub reporter_handle: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewReport<'a> {
    pub reporter_id: Option<i32>,
    /// Salted hash of an anonymous reporter's address.
    pub reporter_ip: Option<&'a str>,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub reason_code: &'a str,
    pub notes: Option<&'a str>,
}

pub async fn insert(ex: impl PgExecutor<'_>, r: &NewReport<'_>) -> DbResult<ReportRow> {
    let row = sqlx::query_as!(
        ReportRow,
        r#"
        with r as (
            insert into reports (reporter_id, reporter_ip, target_type, target_id, reason_code, notes)
            values ($1, $2, $3, $4, $5, $6)
            returning *
        )
        select r.id as "id!", r.reporter_id, r.target_type as "target_type!",
               r.target_id as "target_id!", r.reason_code as "reason_code!", r.notes, r.mod_notes,
               r.status as "status!", r.action_taken, u.handle as "reporter_handle?",
               r.created_at as "created_at!", r.updated_at as "updated_at!"
        from r left join users u on u.id = r.reporter_id
        "#,
        r.reporter_id,
        r.reporter_ip,
        r.target_type,
        r.target_id,
        r.reason_code,
        r.notes,
    )
    .fetch_one(ex)
    .await?;
    Ok(row)
}

/// Takes the report's row lock for the rest of the transaction (two moderators resolving the
/// same report serialise).
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> DbResult<Option<ReportRow>> {
    let row = sqlx::query_as!(
        ReportRow,
        r#"
        select r.id, r.reporter_id, r.target_type, r.target_id, r.reason_code, r.notes,
               r.mod_notes, r.status, r.action_taken, u.handle as "reporter_handle?",
               r.created_at, r.updated_at
        from reports r left join users u on u.id = r.reporter_id
        where r.id = $1
        for update of r
        "#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// A moderator's decision; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct ReportUpdate<'a> {
    pub status: Option<&'a str>,
    pub action_taken: Option<&'a str>,
    pub mod_notes: Option<&'a str>,
}

pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    u: &ReportUpdate<'_>,
) -> DbResult<ReportRow> {
    let row = sqlx::query_as!(
        ReportRow,
        r#"
        with r as (
            update reports set
                status = coalesce($2, status),
                action_taken = coalesce($3, action_taken),
                mod_notes = coalesce($4, mod_notes)
            where id = $1
            returning *
        )
        select r.id as "id!", r.reporter_id, r.target_type as "target_type!",
               r.target_id as "target_id!", r.reason_code as "reason_code!", r.notes, r.mod_notes,
               r.status as "status!", r.action_taken, u.handle as "reporter_handle?",
               r.created_at as "created_at!", r.updated_at as "updated_at!"
        from r left join users u on u.id = r.reporter_id
        "#,
        id,
        u.status,
        u.action_taken,
        u.mod_notes,
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

/// Filters of the moderators' report list; `after` is the last (created_at, id) seen.
#[derive(Debug, Default)]
pub struct ReportFilter<'a> {
    pub status: Option<&'a str>,
    pub target_type: Option<&'a str>,
    pub reporter_id: Option<i32>,
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub limit: i64,
}

/// Newest first.
pub async fn list(ex: impl PgExecutor<'_>, f: &ReportFilter<'_>) -> DbResult<Vec<ReportRow>> {
    let (after_at, after_id) = f.after.unzip();
    let rows = sqlx::query_as!(
        ReportRow,
        r#"
        select r.id, r.reporter_id, r.target_type, r.target_id, r.reason_code, r.notes,
               r.mod_notes, r.status, r.action_taken, u.handle as "reporter_handle?",
               r.created_at, r.updated_at
        from reports r left join users u on u.id = r.reporter_id
        where ($1::text is null or r.status = $1)
          and ($2::text is null or r.target_type = $2)
          and ($3::int4 is null or r.reporter_id = $3)
          and ($4::timestamptz is null or (r.created_at, r.id) < ($4, $5::uuid))
        order by r.created_at desc, r.id desc
        limit $6
        "#,
        f.status,
        f.target_type,
        f.reporter_id,
        after_at,
        after_id,
        f.limit,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows)
}

/// Forgets anonymous reporters' address hashes on reports filed before `before`.
pub async fn clear_ips_before(pool: &PgPool, before: DateTime<Utc>) -> DbResult<u64> {
    let r = sqlx::query!(
        "update reports set reporter_ip = null where reporter_ip is not null and created_at < $1",
        before
    )
    .execute(pool)
    .await?;
    Ok(r.rows_affected())
}
