//! `POST /v1/social-notifications/mark-all-read`: marks every notification of the caller read.
use axum::extract::State;
use axum::http::StatusCode;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/social-notifications/mark-all-read", tag = "notifications",
    security(("bearer" = [])),
    responses((status = 204, description = "All read"),
              (status = 401, description = "Not signed in")))]
pub async fn mark_all_read(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<StatusCode> {
    db::notifications::mark_all_read(&state.db, user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
