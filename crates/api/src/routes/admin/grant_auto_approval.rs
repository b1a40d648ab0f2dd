//! `POST /v1/admin/user/{user_key}/auto-approval`: trusts an account, so its uploads are public
//! (discoverable) without review. The user is told with `trust_granted` the first time.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use super::{audit_user, ensure_not_owner, lock_user, AutoApproval, ModUser};
use crate::error::ApiResult;
use crate::notify::{notify, Kind, Notice};
use crate::routes::users::{begin, commit, user_by_key};
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/admin/user/{user_key}/auto-approval", tag = "admin",
    security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    responses((status = 201, body = AutoApproval),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator, or the target is the owner"),
              (status = 404, description = "User not found")))]
pub async fn grant_auto_approval(
    State(state): State<AppState>,
    ModUser(actor): ModUser,
    Path(user_key): Path<String>,
) -> ApiResult<(StatusCode, Json<AutoApproval>)> {
    let target = user_by_key(&state, &user_key).await?;
    ensure_not_owner(&target)?;
    let mut tx = begin(&state).await?;
    let target = lock_user(&mut tx, target.id).await?;
    db::moderation::set_auto_public_approval(&mut tx, target.id, true).await?;
    audit_user(&mut tx, &actor, "grant_auto_approval", &target, None, None).await?;
    commit(tx).await?;
    if !target.auto_public_approval {
        notify(
            &state,
            Notice::new(target.id, Kind::TrustGranted, Some(&actor)),
        )
        .await;
    }
    Ok((
        StatusCode::CREATED,
        Json(AutoApproval {
            user_id: target.id,
            auto_public_approval: true,
        }),
    ))
}
