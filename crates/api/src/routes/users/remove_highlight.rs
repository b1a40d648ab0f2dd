//! `DELETE /v1/user/me/highlights/{post_id}`: unpins a post; the later highlights move up one
//! place so positions stay 0..n-1.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{begin, commit};
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::state::AppState;

fn highlight_not_found() -> ApiError {
    ApiError::not_found("Highlight not found")
}

#[utoipa::path(delete, path = "/v1/user/me/highlights/{post_id}", tag = "users",
    security(("bearer" = [])),
    params(("post_id" = i64, Path, description = "Id of the pinned post")),
    responses((status = 204, description = "Unpinned"),
              (status = 401, description = "Not signed in"),
              (status = 404, description = "The post is not among the caller's highlights")))]
pub async fn remove_highlight(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path(post_id): Path<String>,
) -> ApiResult<StatusCode> {
    let post_id: i64 = post_id.parse().map_err(|_| highlight_not_found())?;
    let mut tx = begin(&state).await?;
    db::highlights::lock_user(&mut tx, me.id).await?;
    if !db::highlights::remove(&mut tx, me.id, post_id).await? {
        return Err(highlight_not_found());
    }
    db::highlights::prune(&mut tx, me.id).await?;
    commit(tx).await?;
    Ok(StatusCode::NO_CONTENT)
}
