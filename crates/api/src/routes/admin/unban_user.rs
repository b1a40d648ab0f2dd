//! `DELETE /v1/admin/user/{user_key}/ban`: lifts a ban at once. Sessions ended by the ban stay
//! ended; the user signs in again.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{audit_user, ensure_can_sanction, lock_user, ModUser};
use crate::error::ApiResult;
use crate::routes::users::{begin, commit, user_by_key};
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/admin/user/{user_key}/ban", tag = "admin",
    security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    responses((status = 204, description = "Not banned (any more)"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator, or the target may not be managed by the caller"),
              (status = 404, description = "User not found")))]
pub async fn unban_user(
    State(state): State<AppState>,
    ModUser(actor): ModUser,
    Path(user_key): Path<String>,
) -> ApiResult<StatusCode> {
    let target = user_by_key(&state, &user_key).await?;
    ensure_can_sanction(&actor, &target)?;
    let mut tx = begin(&state).await?;
    let target = lock_user(&mut tx, target.id).await?;
    db::users::set_banned_until(&mut tx, target.id, None).await?;
    audit_user(&mut tx, &actor, "unban_user", &target, None, None).await?;
    commit(tx).await?;
    crate::cache::feeds_changed(&state).await;
    Ok(StatusCode::NO_CONTENT)
}
