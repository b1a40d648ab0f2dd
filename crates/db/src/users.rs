//! The `users` aggregate: creation, lookups, account state and profile fields.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::DbResult;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i32,
    pub user_key: Uuid,
    pub public_sqid: String,
    pub handle: String,
    pub email: String,
    pub email_verified: bool,
    pub password_hash: Option<String>,
    pub welcome_completed: bool,
    pub reputation: i32,
    pub roles: Vec<String>,
    pub hidden_by_user: bool,
    pub hidden_by_mod: bool,
    pub non_conformant: bool,
    pub deactivated: bool,
    pub banned_until: Option<DateTime<Utc>>,
    pub auto_public_approval: bool,
    pub approved_hashtags: Vec<String>,
    pub bio: Option<String>,
    pub tagline: Option<String>,
    pub website: Option<String>,
    pub avatar_url: Option<String>,
    pub avatar_storage_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UserRow {
    pub fn is_banned(&self, now: DateTime<Utc>) -> bool {
        self.banned_until.is_some_and(|u| u > now)
    }
}

pub struct NewUser<'a> {
    pub id: i32,
    pub public_sqid: &'a str,
    pub handle: &'a str,
    pub handle_normalized: &'a str,
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub password_hash: Option<&'a str>,
    pub email_verified: bool,
    pub roles: &'a [String],
}

/// Reserves the next user id so the public sqid can be stored with the row in one insert.
pub async fn next_id(conn: &mut PgConnection) -> DbResult<i32> {
    let id = sqlx::query_scalar!(
        r#"select nextval(pg_get_serial_sequence('users', 'id'))::int4 as "id!""#
    )
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The N of the next default handle `makapix-user-N`.
pub async fn next_handle_number(conn: &mut PgConnection) -> DbResult<i64> {
    let n = sqlx::query_scalar!(r#"select nextval('handle_sequence') as "n!""#)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

pub async fn insert(conn: &mut PgConnection, u: NewUser<'_>) -> DbResult<UserRow> {
    let row = sqlx::query_as!(
        UserRow,
        r#"
        insert into users (id, public_sqid, handle, handle_normalized, email, email_normalized,
                           password_hash, email_verified, roles)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        returning id, user_key, public_sqid, handle, email, email_verified, password_hash,
                  welcome_completed, reputation, roles, hidden_by_user, hidden_by_mod,
                  non_conformant, deactivated, banned_until, auto_public_approval,
                  approved_hashtags, bio, tagline, website, avatar_url, avatar_storage_key,
                  created_at, updated_at
        "#,
        u.id,
        u.public_sqid,
        u.handle,
        u.handle_normalized,
        u.email,
        u.email_normalized,
        u.password_hash,
        u.email_verified,
        u.roles,
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

pub async fn find_by_id(pool: impl sqlx::PgExecutor<'_>, id: i32) -> DbResult<Option<UserRow>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"
        select id, user_key, public_sqid, handle, email, email_verified, password_hash,
               welcome_completed, reputation, roles, hidden_by_user, hidden_by_mod,
               non_conformant, deactivated, banned_until, auto_public_approval,
               approved_hashtags, bio, tagline, website, avatar_url, avatar_storage_key,
               created_at, updated_at
        from users where id = $1
        "#,
        id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

/// Locks the row for the rest of the transaction (state changes that must not race).
pub async fn lock_by_id(conn: &mut PgConnection, id: i32) -> DbResult<Option<UserRow>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"
        select id, user_key, public_sqid, handle, email, email_verified, password_hash,
               welcome_completed, reputation, roles, hidden_by_user, hidden_by_mod,
               non_conformant, deactivated, banned_until, auto_public_approval,
               approved_hashtags, bio, tagline, website, avatar_url, avatar_storage_key,
               created_at, updated_at
        from users where id = $1 for update
        "#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

pub async fn find_by_key(pool: &PgPool, key: Uuid) -> DbResult<Option<UserRow>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"
        select id, user_key, public_sqid, handle, email, email_verified, password_hash,
               welcome_completed, reputation, roles, hidden_by_user, hidden_by_mod,
               non_conformant, deactivated, banned_until, auto_public_approval,
               approved_hashtags, bio, tagline, website, avatar_url, avatar_storage_key,
               created_at, updated_at
        from users where user_key = $1
        "#,
        key
    )
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

pub async fn find_by_email(
    ex: impl sqlx::PgExecutor<'_>,
    email_normalized: &str,
) -> DbResult<Option<UserRow>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"
        select id, user_key, public_sqid, handle, email, email_verified, password_hash,
               welcome_completed, reputation, roles, hidden_by_user, hidden_by_mod,
               non_conformant, deactivated, banned_until, auto_public_approval,
               approved_hashtags, bio, tagline, website, avatar_url, avatar_storage_key,
               created_at, updated_at
        from users where email_normalized = $1
        "#,
        email_normalized
    )
    .fetch_optional(ex)
    .await?;
    Ok(row)
}

pub async fn handle_taken(
    ex: impl sqlx::PgExecutor<'_>,
    handle_normalized: &str,
    except_id: Option<i32>,
) -> DbResult<bool> {
    let taken = sqlx::query_scalar!(
        r#"select exists(select 1 from users where handle_normalized = $1
                         and ($2::int4 is null or id <> $2)) as "taken!""#,
        handle_normalized,
        except_id
    )
    .fetch_one(ex)
    .await?;
    Ok(taken)
}

pub async fn set_password(conn: &mut PgConnection, id: i32, hash: &str) -> DbResult<()> {
    sqlx::query!(
        "update users set password_hash = $2 where id = $1",
        id,
        hash
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the address as verified; `email` becomes the one the token was sent to.
pub async fn mark_verified(conn: &mut PgConnection, id: i32, email: &str) -> DbResult<()> {
    sqlx::query!(
        "update users set email_verified = true, email = $2 where id = $1",
        id,
        email
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_handle(
    conn: &mut PgConnection,
    id: i32,
    handle: &str,
    handle_normalized: &str,
) -> DbResult<()> {
    sqlx::query!(
        "update users set handle = $2, handle_normalized = $3 where id = $1",
        id,
        handle,
        handle_normalized
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_deactivated(conn: &mut PgConnection, id: i32) -> DbResult<()> {
    sqlx::query!("update users set deactivated = true where id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_roles(conn: &mut PgConnection, id: i32, roles: &[String]) -> DbResult<()> {
    sqlx::query!("update users set roles = $2 where id = $1", id, roles)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_banned_until(
    conn: &mut PgConnection,
    id: i32,
    until: Option<DateTime<Utc>>,
) -> DbResult<()> {
    sqlx::query!(
        "update users set banned_until = $2 where id = $1",
        id,
        until
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Profile fields; `None` leaves a field unchanged, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct ProfileUpdate {
    pub bio: Option<Option<String>>,
    pub tagline: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub hidden_by_user: Option<bool>,
    pub approved_hashtags: Option<Vec<String>>,
}

pub async fn update_profile(conn: &mut PgConnection, id: i32, p: &ProfileUpdate) -> DbResult<()> {
    sqlx::query!(
        r#"
        update users set
            bio = case when $2 then $3 else bio end,
            tagline = case when $4 then $5 else tagline end,
            website = case when $6 then $7 else website end,
            hidden_by_user = coalesce($8, hidden_by_user),
            approved_hashtags = coalesce($9, approved_hashtags)
        where id = $1
        "#,
        id,
        p.bio.is_some(),
        p.bio.clone().flatten(),
        p.tagline.is_some(),
        p.tagline.clone().flatten(),
        p.website.is_some(),
        p.website.clone().flatten(),
        p.hidden_by_user,
        p.approved_hashtags.as_deref(),
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_avatar(
    conn: &mut PgConnection,
    id: i32,
    url: Option<&str>,
    storage_key: Option<&str>,
) -> DbResult<()> {
    sqlx::query!(
        "update users set avatar_url = $2, avatar_storage_key = $3 where id = $1",
        id,
        url,
        storage_key
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, id: i32) -> DbResult<bool> {
    let r = sqlx::query!("delete from users where id = $1", id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Ids of accounts never verified and older than the cut-off (the purge job removes them).
pub async fn stale_unverified(pool: &PgPool, before: DateTime<Utc>) -> DbResult<Vec<i32>> {
    let ids = sqlx::query_scalar!(
        r#"select id from users where not email_verified and created_at < $1
           and not ('owner' = any(roles)) order by id limit 500"#,
        before
    )
    .fetch_all(pool)
    .await?;
    Ok(ids)
}

pub async fn find_owner(pool: &PgPool) -> DbResult<Option<UserRow>> {
    let row = sqlx::query_as!(
        UserRow,
        r#"
        select id, user_key, public_sqid, handle, email, email_verified, password_hash,
               welcome_completed, reputation, roles, hidden_by_user, hidden_by_mod,
               non_conformant, deactivated, banned_until, auto_public_approval,
               approved_hashtags, bio, tagline, website, avatar_url, avatar_storage_key,
               created_at, updated_at
        from users where 'owner' = any(roles)
        "#
    )
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

/// Sets a member's reputation and whether their uploads are approved without review.
pub async fn set_trust(
    conn: &mut PgConnection,
    id: i32,
    reputation: i32,
    auto_public_approval: bool,
) -> DbResult<()> {
    sqlx::query!(
        "update users set reputation = $2, auto_public_approval = $3 where id = $1",
        id,
        reputation,
        auto_public_approval
    )
    .execute(conn)
    .await?;
    Ok(())
}
