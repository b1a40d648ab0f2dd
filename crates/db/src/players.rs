//! Players (display frames): the row, provisioning, registration by code, ownership queries,
//! certificates and their serials, and deletion. Presence, tokens, commands and the request
//! queries live in the `player_*` modules beside this one.
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::DbResult;

/// Everything the owner's REST view (`PlayerPublic`) shows, plus the owner.
#[derive(Debug, Clone)]
pub struct PlayerRow {
    pub id: Uuid,
    pub player_key: Uuid,
    pub owner_id: Option<i32>,
    pub name: Option<String>,
    pub device_model: Option<String>,
    pub firmware_version: Option<String>,
    pub registration_status: String,
    pub connection_status: String,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub current_post_id: Option<i64>,
    pub cert_expires_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub capabilities: Option<serde_json::Value>,
    pub is_paused: Option<bool>,
    pub brightness: Option<i32>,
    pub rotation: Option<i32>,
    pub mirror: Option<String>,
}

/// A player allowed to talk: registered, with an owner who is neither banned nor deactivated.
#[derive(Debug, Clone)]
pub struct ActivePlayer {
    pub id: Uuid,
    pub player_key: Uuid,
    pub owner_id: i32,
    pub owner_roles: Vec<String>,
}

impl ActivePlayer {
    /// Moderators and the owner account see moderator-hidden content (§3.3 `get_post`).
    pub fn owner_is_moderator(&self) -> bool {
        self.owner_roles
            .iter()
            .any(|r| r == "moderator" || r == "owner")
    }
}

/// The certificate material stored on the row (re-served by `/credentials`).
#[derive(Debug, Clone)]
pub struct StoredCert {
    pub cert_pem: String,
    pub key_pem: String,
    pub serial: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// One statement for every owner-side lookup (the table is small and each filter indexed), so
/// the column list exists once.
async fn select(
    ex: impl PgExecutor<'_>,
    key: Option<Uuid>,
    id: Option<Uuid>,
    owner_id: Option<i32>,
) -> DbResult<Vec<PlayerRow>> {
    Ok(sqlx::query_as!(
        PlayerRow,
        r#"select id, player_key, owner_id, name, device_model, firmware_version,
                  registration_status, connection_status, last_seen_at, current_post_id,
                  cert_expires_at, registered_at, created_at, capabilities, is_paused,
                  brightness, rotation, mirror
           from players
           where ($1::uuid is null or player_key = $1)
             and ($2::uuid is null or id = $2)
             and ($3::int is null or owner_id = $3)
           order by created_at, id"#,
        key,
        id,
        owner_id
    )
    .fetch_all(ex)
    .await?)
}

/// A new pending player with its registration code; `Conflict` if the code is taken.
pub async fn create_pending(
    ex: impl PgExecutor<'_>,
    player_key: Uuid,
    code: &str,
    expires_at: DateTime<Utc>,
    device_model: Option<&str>,
    firmware_version: Option<&str>,
) -> DbResult<Uuid> {
    let id = sqlx::query_scalar!(
        r#"insert into players (player_key, registration_code, registration_code_expires_at,
                                device_model, firmware_version)
           values ($1, $2, $3, $4, $5) returning id"#,
        player_key,
        code,
        expires_at,
        device_model,
        firmware_version
    )
    .fetch_one(ex)
    .await?;
    Ok(id)
}

pub async fn find_by_key(ex: impl PgExecutor<'_>, key: Uuid) -> DbResult<Option<PlayerRow>> {
    Ok(select(ex, Some(key), None, None).await?.pop())
}

/// The owner's player by its id; `None` for another user's player, as the REST 404 needs.
pub async fn find_owned(
    ex: impl PgExecutor<'_>,
    owner_id: i32,
    id: Uuid,
) -> DbResult<Option<PlayerRow>> {
    Ok(select(ex, None, Some(id), Some(owner_id)).await?.pop())
}

pub async fn list_owned(ex: impl PgExecutor<'_>, owner_id: i32) -> DbResult<Vec<PlayerRow>> {
    select(ex, None, None, Some(owner_id)).await
}

pub async fn count_owned(ex: impl PgExecutor<'_>, owner_id: i32) -> DbResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from players where owner_id = $1"#,
        owner_id
    )
    .fetch_one(ex)
    .await?)
}

/// Locks the pending player holding this unexpired code (the caller upper-cases it).
pub async fn lock_pending_by_code(conn: &mut PgConnection, code: &str) -> DbResult<Option<Uuid>> {
    Ok(sqlx::query_scalar!(
        r#"select id from players
           where registration_code = $1 and registration_status = 'pending'
             and registration_code_expires_at > now()
           for update"#,
        code
    )
    .fetch_optional(conn)
    .await?)
}

/// Takes ownership: single use, so the code is cleared in the same statement.
pub async fn register(
    conn: &mut PgConnection,
    id: Uuid,
    owner_id: i32,
    name: &str,
) -> DbResult<()> {
    sqlx::query!(
        r#"update players set owner_id = $2, name = $3, registration_status = 'registered',
                  registered_at = now(), registration_code = null,
                  registration_code_expires_at = null
           where id = $1"#,
        id,
        owner_id,
        name
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn rename(ex: impl PgExecutor<'_>, id: Uuid, name: &str) -> DbResult<()> {
    sqlx::query!("update players set name = $2 where id = $1", id, name)
        .execute(ex)
        .await?;
    Ok(())
}

/// Stores a newly issued certificate on the row and records its serial (for the CRL later).
pub async fn store_cert(conn: &mut PgConnection, id: Uuid, cert: &StoredCert) -> DbResult<()> {
    let key = sqlx::query_scalar!(
        r#"update players set cert_pem = $2, key_pem = $3, cert_serial_number = $4,
                  cert_issued_at = $5, cert_expires_at = $6
           where id = $1 returning player_key"#,
        id,
        cert.cert_pem,
        cert.key_pem,
        cert.serial,
        cert.issued_at,
        cert.expires_at
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        r#"insert into player_cert_serials (serial, player_id, player_key, issued_at, expires_at)
           values ($1, $2, $3, $4, $5)"#,
        cert.serial,
        id,
        key,
        cert.issued_at,
        cert.expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn stored_cert(ex: impl PgExecutor<'_>, id: Uuid) -> DbResult<Option<StoredCert>> {
    let row = sqlx::query!(
        r#"select cert_pem, key_pem, cert_serial_number, cert_issued_at, cert_expires_at
           from players where id = $1"#,
        id
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.and_then(|r| {
        Some(StoredCert {
            cert_pem: r.cert_pem?,
            key_pem: r.key_pem?,
            serial: r.cert_serial_number?,
            issued_at: r.cert_issued_at?,
            expires_at: r.cert_expires_at?,
        })
    }))
}

/// The player behind a request topic or a device token, if it may act (§3.2 auth rule).
pub async fn find_active_by_key(
    ex: impl PgExecutor<'_>,
    key: Uuid,
) -> DbResult<Option<ActivePlayer>> {
    Ok(sqlx::query_as!(
        ActivePlayer,
        r#"select p.id, p.player_key, u.id as "owner_id!", u.roles as owner_roles
           from players p join users u on u.id = p.owner_id
           where p.player_key = $1 and p.registration_status = 'registered'
             and not u.deactivated
             and (u.banned_until is null or u.banned_until <= now())"#,
        key
    )
    .fetch_optional(ex)
    .await?)
}

/// Deletes the player; its serials stay behind with `player_id` null, which revokes them.
pub async fn delete(ex: impl PgExecutor<'_>, id: Uuid) -> DbResult<bool> {
    let n = sqlx::query!("delete from players where id = $1", id)
        .execute(ex)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Every revoked serial with when it was revoked: the whole content of the CRL.
pub async fn revoked_serials(ex: impl PgExecutor<'_>) -> DbResult<Vec<(String, DateTime<Utc>)>> {
    let rows = sqlx::query!(
        r#"select serial, coalesce(revoked_at, now()) as "revoked_at!"
           from player_cert_serials
           where player_id is null or revoked_at is not null
           order by issued_at, serial"#
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| (r.serial, r.revoked_at)).collect())
}

/// Marks every serial of the player revoked before the row goes (so the time is kept).
pub async fn revoke_serials(ex: impl PgExecutor<'_>, id: Uuid) -> DbResult<u64> {
    Ok(sqlx::query!(
        "update player_cert_serials set revoked_at = now()
         where player_id = $1 and revoked_at is null",
        id
    )
    .execute(ex)
    .await?
    .rows_affected())
}

/// Hourly janitor: pending players whose code expired.
pub async fn delete_expired_pending(ex: impl PgExecutor<'_>) -> DbResult<u64> {
    Ok(sqlx::query!(
        "delete from players where registration_status = 'pending'
           and registration_code_expires_at < now()"
    )
    .execute(ex)
    .await?
    .rows_affected())
}

/// The owner's player count, under a transaction-scoped lock per owner, so two registrations
/// racing at the cap cannot both pass it.
pub async fn count_owned_locked(conn: &mut PgConnection, owner_id: i32) -> DbResult<i64> {
    // Class 0x706c (ASCII "pl") keeps these advisory locks apart from any other use.
    sqlx::query!("select pg_advisory_xact_lock(28780, $1)", owner_id)
        .execute(&mut *conn)
        .await?;
    count_owned(conn, owner_id).await
}

/// Keys of the owner's players (the account teardown drops their live sessions).
pub async fn keys_owned(ex: impl PgExecutor<'_>, owner_id: i32) -> DbResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "select player_key from players where owner_id = $1",
        owner_id
    )
    .fetch_all(ex)
    .await?)
}

/// Revokes every serial of every player of the owner (account deletion; the rows go later).
pub async fn revoke_owner_serials(ex: impl PgExecutor<'_>, owner_id: i32) -> DbResult<u64> {
    Ok(sqlx::query!(
        "update player_cert_serials s set revoked_at = now()
         from players p
         where s.player_id = p.id and p.owner_id = $1 and s.revoked_at is null",
        owner_id
    )
    .execute(ex)
    .await?
    .rows_affected())
}
