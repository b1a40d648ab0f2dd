//! Moderation tools under `/v1/admin` (http-api.md §2.13, data-and-ops.md §5.5): the approval
//! queue, bans, hiding accounts, upload trust, moderator roles and the audit log, plus the
//! rules they share with report resolution (who may act on whom, how a ban is applied).
pub mod audit_log;
pub mod ban_user;
pub mod cursor;
pub mod grant_auto_approval;
pub mod grant_moderator;
pub mod hide_user;
pub mod pending_approval;
pub mod revoke_auto_approval;
pub mod revoke_moderator;
pub mod unban_user;
pub mod unhide_user;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use db::users::UserRow;
use db::PgConnection;
use domain::role::{can_moderate, is_owner};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::state::AppState;

/// A signed-in moderator (or the owner). Rejects before any other extractor runs, so a member
/// learns nothing from validation errors: 401 without a token, 403 without the role.
#[derive(Debug, Clone)]
pub struct ModUser(pub UserRow);

impl<S> FromRequestParts<S> for ModUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let AuthUser(user) = AuthUser::from_request_parts(parts, state).await?;
        if !can_moderate(&user.roles) {
            return Err(ApiError::forbidden("Moderator role required"));
        }
        Ok(Self(user))
    }
}

/// The site owner, the only one who grants and revokes the moderator role.
#[derive(Debug, Clone)]
pub struct OwnerUser(pub UserRow);

impl<S> FromRequestParts<S> for OwnerUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let AuthUser(user) = AuthUser::from_request_parts(parts, state).await?;
        if !is_owner(&user.roles) {
            return Err(ApiError::forbidden("Owner role required"));
        }
        Ok(Self(user))
    }
}

/// `banned_until` of a permanent ban: a far-future instant, never NULL (NULL means not banned).
pub fn permanent_ban_until() -> ApiResult<DateTime<Utc>> {
    DateTime::from_timestamp(253_402_300_799, 0)
        .ok_or_else(|| ApiError::internal("permanent ban instant out of range"))
}

fn owner_untouchable() -> ApiError {
    ApiError::forbidden("Cannot manage the site owner")
}

/// Nobody manages the owner through moderation routes.
pub fn ensure_not_owner(target: &UserRow) -> ApiResult<()> {
    if is_owner(&target.roles) {
        return Err(owner_untouchable());
    }
    Ok(())
}

/// Bans and hides: never the owner, and another moderator only by the owner, so one
/// moderator cannot lock the rest of the team out.
pub fn ensure_can_sanction(actor: &UserRow, target: &UserRow) -> ApiResult<()> {
    ensure_not_owner(target)?;
    if can_moderate(&target.roles) && !is_owner(&actor.roles) {
        return Err(ApiError::forbidden(
            "Only the owner can sanction a moderator",
        ));
    }
    Ok(())
}

/// Locks the account for the rest of the transaction; it may have gone since the lookup.
pub async fn lock_user(conn: &mut PgConnection, id: i32) -> ApiResult<UserRow> {
    db::users::lock_by_id(conn, id)
        .await?
        .ok_or_else(|| ApiError::not_found("User not found"))
}

/// Records a moderator action on an account in the caller's transaction. Accounts are named
/// by public sqid in the audit log, as everywhere else.
pub async fn audit_user(
    conn: &mut PgConnection,
    actor: &UserRow,
    action: &str,
    target: &UserRow,
    reason_code: Option<&str>,
    note: Option<&str>,
) -> ApiResult<()> {
    let entry = db::audit::AuditEntry {
        actor_id: Some(actor.id),
        action,
        target_type: "user",
        target_id: &target.public_sqid,
        reason_code,
        note,
    };
    Ok(db::audit::record(conn, entry).await?)
}

/// Bans a locked account until `until`, ends every session it holds (refresh fails from now
/// on; access tokens already fail because each request reloads the account) and records the
/// action, all in the caller's transaction.
pub async fn ban(
    conn: &mut PgConnection,
    actor: &UserRow,
    target: &UserRow,
    until: DateTime<Utc>,
    reason_code: Option<&str>,
    note: Option<&str>,
) -> ApiResult<()> {
    db::users::set_banned_until(conn, target.id, Some(until)).await?;
    db::refresh::revoke_all_for_user(conn, target.id).await?;
    audit_user(conn, actor, "ban_user", target, reason_code, note).await
}

/// Answer of both auto-approval routes.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutoApproval {
    pub user_id: i32,
    pub auto_public_approval: bool,
}

/// A text field bounded in characters; 422 past the bound.
pub fn bounded<'a>(field: &str, value: Option<&'a str>, max: usize) -> ApiResult<Option<&'a str>> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::invalid_field(
            field,
            format!("{field} must be at most {max} characters"),
        )),
        other => Ok(other),
    }
}
