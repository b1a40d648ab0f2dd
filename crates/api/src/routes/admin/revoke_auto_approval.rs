//! `DELETE /v1/admin/user/{user_key}/auto-approval`: the account's new uploads wait for review
//! again; posts already public stay public.
use axum::extract::{Path, State};
use axum::Json;

use super::{audit_user, ensure_not_owner, lock_user, AutoApproval, ModUser};
use crate::error::ApiResult;
use crate::routes::users::{begin, commit, user_by_key};
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/admin/user/{user_key}/auto-approval", tag = "admin",
    security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    responses((status = 200, body = AutoApproval),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator, or the target is the owner"),
              (status = 404, description = "User not found")))]
pub async fn revoke_auto_approval(
    State(state): State<AppState>,
    ModUser(actor): ModUser,
    Path(user_key): Path<String>,
) -> ApiResult<Json<AutoApproval>> {
    let target = user_by_key(&state, &user_key).await?;
    ensure_not_owner(&target)?;
    let mut tx = begin(&state).await?;
    let target = lock_user(&mut tx, target.id).await?;
    db::moderation::set_auto_public_approval(&mut tx, target.id, false).await?;
    audit_user(&mut tx, &actor, "revoke_auto_approval", &target, None, None).await?;
    commit(tx).await?;
    Ok(Json(AutoApproval {
        user_id: target.id,
        auto_public_approval: false,
    }))
}
