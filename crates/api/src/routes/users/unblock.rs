//! `DELETE /v1/user/u/{sqid}/block`: lifts a block (idempotent). Follows ended by the block
//! are not restored.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{begin, commit, ensure_not_self, user_by_sqid};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/user/u/{sqid}/block", tag = "users", security(("bearer" = [])),
    params(("sqid" = String, Path, description = "Public sqid of the user to unblock")),
    responses((status = 204, description = "Not blocked (any more)"),
              (status = 400, description = "Unblocking yourself"),
              (status = 401, description = "Not signed in"),
              (status = 404, description = "Unknown user")))]
pub async fn unblock(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<StatusCode> {
    let target = user_by_sqid(&state, &sqid).await?;
    ensure_not_self(&actor, target.id, "You cannot unblock yourself")?;
    let mut tx = begin(&state).await?;
    db::social::lock_pair(&mut tx, actor.id, target.id).await?;
    db::social::delete_block(&mut tx, actor.id, target.id).await?;
    commit(tx).await?;
    Ok(StatusCode::NO_CONTENT)
}
