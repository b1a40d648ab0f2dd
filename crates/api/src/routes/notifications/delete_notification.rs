//! `DELETE /v1/social-notifications/{id}`: removes one of the caller's notifications; anyone
//! else's answers the same 404 as a missing one.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use super::notification_not_found;
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/v1/social-notifications/{id}", tag = "notifications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The notification's UUID")),
    responses((status = 204, description = "Deleted"),
              (status = 401, description = "Not signed in"),
              (status = 404, description = "No such notification of the caller"),
              (status = 422, description = "Not a UUID")))]
pub async fn delete_notification(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = Uuid::parse_str(&id).map_err(|_| {
        ApiError::validation(vec![json!({
            "loc": ["path", "id"], "msg": "Input should be a valid UUID", "type": "uuid_parsing",
        })])
    })?;
    if !db::notifications::delete(&state.db, user.id, id).await? {
        return Err(notification_not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}
