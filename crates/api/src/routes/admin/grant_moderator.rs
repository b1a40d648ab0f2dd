//! `POST /v1/admin/user/{user_key}/moderator`: the owner makes an account a moderator. The new
//! role applies on the account's next request (each request reloads it).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{audit_user, ensure_not_owner, lock_user, OwnerUser};
use crate::error::ApiResult;
use crate::notify::{notify, Kind, Notice};
use crate::routes::users::{begin, commit, user_by_key};
use crate::state::AppState;

pub const MODERATOR: &str = "moderator";

#[derive(Debug, Serialize, ToSchema)]
pub struct ModeratorGranted {
    pub user_id: i32,
    /// Always `"moderator"`.
    pub role: &'static str,
}

#[utoipa::path(post, path = "/v1/admin/user/{user_key}/moderator", tag = "admin",
    security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    responses((status = 201, body = ModeratorGranted),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not the owner, or the target is the owner"),
              (status = 404, description = "User not found")))]
pub async fn grant_moderator(
    State(state): State<AppState>,
    OwnerUser(actor): OwnerUser,
    Path(user_key): Path<String>,
) -> ApiResult<(StatusCode, Json<ModeratorGranted>)> {
    let target = user_by_key(&state, &user_key).await?;
    ensure_not_owner(&target)?;
    let mut tx = begin(&state).await?;
    let target = lock_user(&mut tx, target.id).await?;
    let granted = !target.roles.iter().any(|r| r == MODERATOR);
    if granted {
        let mut roles = target.roles.clone();
        roles.push(MODERATOR.to_string());
        db::users::set_roles(&mut tx, target.id, &roles).await?;
    }
    audit_user(&mut tx, &actor, "promote_moderator", &target, None, None).await?;
    commit(tx).await?;
    crate::cache::players_changed(&state).await;
    if granted {
        notify(
            &state,
            Notice::new(target.id, Kind::ModeratorGranted, Some(&actor)),
        )
        .await;
    }
    Ok((
        StatusCode::CREATED,
        Json(ModeratorGranted {
            user_id: target.id,
            role: MODERATOR,
        }),
    ))
}
