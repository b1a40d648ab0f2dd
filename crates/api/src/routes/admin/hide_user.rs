//! `POST /v1/admin/user/{user_key}/hide`: hides an account as moderation. Its canonical page,
//! browse and search entries disappear for everyone but the user and moderators.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{audit_user, ensure_can_sanction, lock_user, ModUser};
use crate::error::ApiResult;
use crate::routes::users::{begin, commit, user_by_key};
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/admin/user/{user_key}/hide", tag = "admin",
    security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    responses((status = 201, description = "Hidden"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator, or the target may not be managed by the caller"),
              (status = 404, description = "User not found")))]
pub async fn hide_user(
    State(state): State<AppState>,
    ModUser(actor): ModUser,
    Path(user_key): Path<String>,
) -> ApiResult<StatusCode> {
    let target = user_by_key(&state, &user_key).await?;
    ensure_can_sanction(&actor, &target)?;
    let mut tx = begin(&state).await?;
    let target = lock_user(&mut tx, target.id).await?;
    db::moderation::set_user_hidden_by_mod(&mut tx, target.id, true).await?;
    audit_user(&mut tx, &actor, "hide_user", &target, None, None).await?;
    commit(tx).await?;
    crate::cache::feeds_changed(&state).await;
    Ok(StatusCode::CREATED)
}
