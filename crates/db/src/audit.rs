//! The audit log: moderator actions, handle changes and deletion requests.
use sqlx::PgConnection;

use crate::DbResult;

pub struct AuditEntry<'a> {
    pub actor_id: Option<i32>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub reason_code: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// Written in the caller's transaction, so the action and its record commit together.
pub async fn record(conn: &mut PgConnection, e: AuditEntry<'_>) -> DbResult<()> {
    sqlx::query!(
        r#"insert into audit_logs (actor_id, action, target_type, target_id, reason_code, note)
           values ($1, $2, $3, $4, $5, $6)"#,
        e.actor_id,
        e.action,
        e.target_type,
        e.target_id,
        e.reason_code,
        e.note
    )
    .execute(conn)
    .await?;
    Ok(())
}
