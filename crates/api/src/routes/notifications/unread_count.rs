//! `GET /v1/social-notifications/unread-count`: unread notifications of the caller, leaving out
//! actors the caller blocked (as the list does).
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread_count: i64,
}

#[utoipa::path(get, path = "/v1/social-notifications/unread-count", tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, body = UnreadCount),
              (status = 401, description = "Not signed in")))]
pub async fn unread_count(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<UnreadCount>> {
    let unread_count = db::notifications::unread_count(&state.db, user.id).await?;
    Ok(Json(UnreadCount { unread_count }))
}
