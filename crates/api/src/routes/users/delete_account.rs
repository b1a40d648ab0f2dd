//! `POST /v1/user/delete-account`: deactivates the caller at once (the next request with the
//! same token is 401), revokes its sessions, and queues the purge of everything it owns.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::role::is_owner;
use serde::Serialize;
use utoipa::ToSchema;

use super::{begin, commit};
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct DeletionAccepted {
    pub status: &'static str,
    pub message: String,
}

#[utoipa::path(post, path = "/v1/user/delete-account", tag = "users", security(("bearer" = [])),
    responses((status = 202, body = DeletionAccepted),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The site owner cannot delete the account")))]
pub async fn delete_account(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<(StatusCode, Json<DeletionAccepted>)> {
    if is_owner(&user.roles) {
        return Err(ApiError::forbidden(
            "The site owner cannot delete the account",
        ));
    }
    let mut tx = begin(&state).await?;
    db::users::set_deactivated(&mut tx, user.id).await?;
    db::refresh::revoke_all_for_user(&mut tx, user.id).await?;
    db::audit::record(
        &mut tx,
        db::audit::AuditEntry {
            actor_id: Some(user.id),
            action: "delete_account",
            target_type: "user",
            target_id: &user.public_sqid,
            reason_code: None,
            note: None,
        },
    )
    .await?;
    commit(tx).await?;
    crate::cache::players_changed(&state).await;
    // Its players lose their certificates and live sessions now, not at the purge.
    crate::routes::players::issue::teardown_account(&state, user.id).await;
    // Enqueued after the commit so the worker never sees an account that is still active.
    // A failed enqueue is a 500: the account stays deactivated (no sign-in, hidden), and the
    // logged id lets an operator queue the purge again.
    if let Err(e) = state
        .queues
        .purge_account(jobs::PurgeAccount { user_id: user.id })
        .await
    {
        tracing::error!(user_id = user.id, error = %e, "account deactivated but purge not queued");
        return Err(e.into());
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(DeletionAccepted {
            status: "accepted",
            message: "Your account has been deactivated and will be deleted shortly".into(),
        }),
    ))
}
