//! `DELETE /v1/admin/user/{user_key}/moderator`: the owner takes the moderator role back. The
//! owner's own roles never change.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::grant_moderator::MODERATOR;
use super::{audit_user, ensure_not_owner, lock_user, OwnerUser};
use crate::error::ApiResult;
use crate::notify::{notify, Kind, Notice};
use crate::routes::users::{begin, commit, user_by_key};
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/admin/user/{user_key}/moderator", tag = "admin",
    security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    responses((status = 204, description = "Not a moderator (any more)"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not the owner, or the target is the owner"),
              (status = 404, description = "User not found")))]
pub async fn revoke_moderator(
    State(state): State<AppState>,
    OwnerUser(actor): OwnerUser,
    Path(user_key): Path<String>,
) -> ApiResult<StatusCode> {
    let target = user_by_key(&state, &user_key).await?;
    ensure_not_owner(&target)?;
    let mut tx = begin(&state).await?;
    let target = lock_user(&mut tx, target.id).await?;
    let revoked = target.roles.iter().any(|r| r == MODERATOR);
    if revoked {
        let roles: Vec<String> = target
            .roles
            .iter()
            .filter(|r| *r != MODERATOR)
            .cloned()
            .collect();
        db::users::set_roles(&mut tx, target.id, &roles).await?;
    }
    audit_user(&mut tx, &actor, "demote_moderator", &target, None, None).await?;
    commit(tx).await?;
    crate::cache::players_changed(&state).await;
    if revoked {
        notify(
            &state,
            Notice::new(target.id, Kind::ModeratorRevoked, Some(&actor)),
        )
        .await;
    }
    Ok(StatusCode::NO_CONTENT)
}
