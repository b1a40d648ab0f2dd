//! Profiles, browse, follows, blocks, avatars and account deletion, plus the lookup and
//! permission rules they share (http-api.md §1.6, §2.2, §2.3).
pub mod add_highlight;
pub mod block;
pub mod browse;
pub mod delete_account;
pub mod delete_avatar;
pub mod follow;
pub mod followers;
pub mod following;
pub mod get_canonical;
pub mod get_profile;
pub mod get_user;
pub mod highlights;
pub mod list_blocks;
pub mod page;
pub mod profile_stats;
pub mod reacted_posts;
pub mod remove_highlight;
pub mod reorder_highlights;
pub mod unblock;
pub mod unfollow;
pub mod update_user;
pub mod upload_avatar;

use chrono::Utc;
use db::users::UserRow;
use domain::role::{can_moderate, is_owner};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use vault::{Area, Ext};

use crate::dto::user::{UserFull, UserPublic};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A user as one viewer may see it: full to moderators (and to self on `/u`), public otherwise.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum UserView {
    Full(UserFull),
    Public(UserPublic),
}

fn user_not_found() -> ApiError {
    ApiError::not_found("User not found")
}

/// The user a public sqid names. Sqids that do not round-trip, or decode past 2^31-1, are 404.
pub async fn user_by_sqid(state: &AppState, sqid: &str) -> ApiResult<UserRow> {
    let id = state.sqids.decode_user(sqid).ok_or_else(user_not_found)?;
    db::users::find_by_id(&state.db, id)
        .await?
        .filter(|u| u.public_sqid == sqid)
        .ok_or_else(user_not_found)
}

/// The user a `user_key` names; anything that is not a UUID is simply unknown.
pub async fn user_by_key(state: &AppState, key: &str) -> ApiResult<UserRow> {
    let key = Uuid::parse_str(key).map_err(|_| user_not_found())?;
    db::users::find_by_key(&state.db, key)
        .await?
        .ok_or_else(user_not_found)
}

/// How strictly a read hides accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// `/user/u/...`: unverified and user-hidden accounts are hidden.
    Profile,
    /// `/u/...`: also mod-hidden, non-conformant, deactivated and banned accounts.
    Canonical,
}

/// §1.6: self always sees itself; the owner is visible to nobody else; moderators see the rest.
pub fn can_view(viewer: Option<&UserRow>, target: &UserRow, rule: Visibility) -> bool {
    if viewer.is_some_and(|v| v.id == target.id) {
        return true;
    }
    if is_owner(&target.roles) {
        return false;
    }
    if viewer.is_some_and(|v| can_moderate(&v.roles)) {
        return true;
    }
    if !target.email_verified || target.hidden_by_user {
        return false;
    }
    match rule {
        Visibility::Profile => true,
        Visibility::Canonical => {
            !(target.hidden_by_mod
                || target.non_conformant
                || target.deactivated
                || target.is_banned(Utc::now()))
        }
    }
}

/// The user a sqid names, or the same 404 as a missing one when the viewer may not see it.
pub async fn visible_user(
    state: &AppState,
    viewer: Option<&UserRow>,
    sqid: &str,
    rule: Visibility,
) -> ApiResult<UserRow> {
    let target = user_by_sqid(state, sqid).await?;
    if can_view(viewer, &target, rule) {
        Ok(target)
    } else {
        Err(user_not_found())
    }
}

/// Ownership check of the `/user/{user_key}` routes: self, or a moderator acting on a regular
/// user. Moderators cannot manage other moderators or the owner; the owner manages anyone.
pub fn ensure_can_manage(actor: &UserRow, target: &UserRow) -> ApiResult<()> {
    if actor.id == target.id || is_owner(&actor.roles) {
        return Ok(());
    }
    if can_moderate(&actor.roles) && !can_moderate(&target.roles) {
        return Ok(());
    }
    Err(ApiError::forbidden("You cannot modify this user"))
}

/// Refuses acting on oneself where that makes no sense (follow, block).
pub fn ensure_not_self(actor: &UserRow, target_id: i32, msg: &str) -> ApiResult<()> {
    if actor.id == target_id {
        return Err(ApiError::bad_request(msg));
    }
    Ok(())
}

/// The 403 for any interaction across a block, in either direction.
pub fn blocked() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::FORBIDDEN,
        "blocked",
        "You cannot interact with this user",
    )
}

/// Opens a transaction; a failure here is an outage, hence a 500.
pub async fn begin(state: &AppState) -> ApiResult<db::Transaction<'static, db::Postgres>> {
    state.db.begin().await.map_err(ApiError::internal)
}

pub async fn commit(tx: db::Transaction<'static, db::Postgres>) -> ApiResult<()> {
    tx.commit().await.map_err(ApiError::internal)
}

/// `avatar_storage_key` is `{uuid}.{ext}`: the file name, from which the vault derives the shard.
pub fn avatar_storage_key(key: &Uuid, ext: Ext) -> String {
    format!("{key}{}", ext.suffix())
}

fn parse_avatar_key(s: &str) -> Option<(Uuid, Ext)> {
    let (key, ext) = s.split_once('.')?;
    let ext = match ext {
        "png" => Ext::Png,
        "jpg" => Ext::Jpg,
        "gif" => Ext::Gif,
        "webp" => Ext::Webp,
        _ => return None,
    };
    Some((Uuid::parse_str(key).ok()?, ext))
}

/// Removes a replaced or cleared avatar after the database no longer points at it. A failure
/// only leaves an orphan file behind, so it is logged rather than failing the request.
pub async fn remove_avatar_file(state: &AppState, storage_key: Option<&str>) {
    let Some((key, ext)) = storage_key.and_then(parse_avatar_key) else {
        return;
    };
    if let Err(e) = state.vault.delete(Area::Avatar, &key, ext).await {
        tracing::warn!(error = %e, %key, "could not delete an old avatar file");
    }
}
