//! `GET /v1/admin/audit-log`: moderator actions (and handle changes and deletion requests),
//! newest first, optionally narrowed to one actor, action or kind of target.
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{cursor, ModUser};
use crate::error::ApiResult;
use crate::extract::ValidQuery;
use crate::routes::users::page;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Integer id of the acting user.
    pub actor_id: Option<i32>,
    /// e.g. `ban_user`, `hide_post`, `resolve_report`.
    pub action: Option<String>,
    /// `user`, `post`, `comment` or `report`.
    pub target_type: Option<String>,
    pub cursor: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    pub actor_id: Option<i32>,
    pub action: String,
    pub target_type: String,
    /// Post id, comment or report UUID, or user sqid.
    pub target_id: String,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/admin/audit-log", tag = "admin",
    security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = AuditPage),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 422, description = "A filter or limit is malformed")))]
pub async fn audit_log(
    State(state): State<AppState>,
    ModUser(_actor): ModUser,
    ValidQuery(q): ValidQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    let limit = page::limit(q.limit)?;
    let filter = db::moderation::AuditFilter {
        actor_id: q.actor_id,
        action: q.action.as_deref(),
        target_type: q.target_type.as_deref(),
        after: cursor::decode::<Uuid>(q.cursor.as_deref()),
        limit: limit + 1,
    };
    let rows = db::moderation::audit_log(&state.db, &filter).await?;
    let (rows, more) = page::split(rows, limit);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|r| cursor::encode(r.id, r.created_at));
    let items = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            actor_id: r.actor_id,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            reason_code: r.reason_code,
            note: r.note,
            created_at: r.created_at,
        })
        .collect();
    Ok(Json(AuditPage { items, next_cursor }))
}
