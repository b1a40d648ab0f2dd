//! `DELETE /v1/user/{user_key}/avatar`: clears the avatar and deletes its file.
use axum::extract::{Path, State};
use axum::Json;

use super::{begin, commit, ensure_can_manage, remove_avatar_file, user_by_key};
use crate::dto::user::UserFull;
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/user/{user_key}/avatar", tag = "users", security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    responses((status = 200, body = UserFull),
              (status = 403, description = "Not your profile"),
              (status = 404, description = "Unknown user")))]
pub async fn delete_avatar(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(user_key): Path<String>,
) -> ApiResult<Json<UserFull>> {
    let target = user_by_key(&state, &user_key).await?;
    ensure_can_manage(&actor, &target)?;
    let mut tx = begin(&state).await?;
    let old = db::users::lock_by_id(&mut tx, target.id)
        .await?
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    db::users::set_avatar(&mut tx, target.id, None, None).await?;
    let user = db::users::find_by_id(&mut *tx, target.id)
        .await?
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    commit(tx).await?;
    // The file goes only once nothing points at it.
    remove_avatar_file(&state, old.avatar_storage_key.as_deref()).await;
    Ok(Json(UserFull::from(&user)))
}
