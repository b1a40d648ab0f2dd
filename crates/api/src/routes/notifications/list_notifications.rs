//! `GET /v1/social-notifications/` (also answered without the trailing slash): the caller's
//! notifications, newest first, without those from actors the caller blocked.
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{decode_cursor, encode_cursor};
use crate::dto::notification::Notification;
use crate::error::ApiResult;
use crate::extract::{AuthUser, ValidQuery};
use crate::routes::users::page;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1-200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page; one that does not decode is a 400.
    pub cursor: Option<String>,
    /// Only unread notifications.
    #[serde(default)]
    pub unread_only: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/social-notifications/", tag = "notifications",
    security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = NotificationPage),
              (status = 400, description = "Invalid cursor"),
              (status = 401, description = "Not signed in"),
              (status = 422, description = "limit out of range")))]
pub async fn list_notifications(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ValidQuery(p): ValidQuery<ListParams>,
) -> ApiResult<Json<NotificationPage>> {
    let limit = page::limit(p.limit)?;
    let after = match p.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => Some(decode_cursor(c)?),
        None => None,
    };
    let rows = db::notifications::list(&state.db, user.id, p.unread_only, after, limit).await?;
    let (rows, more) = page::split(rows, limit);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|r| encode_cursor(r.id, r.created_at));
    Ok(Json(NotificationPage {
        items: rows.into_iter().map(Notification::from).collect(),
        next_cursor,
    }))
}
