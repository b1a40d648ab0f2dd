//! `GET /v1/report`: the moderators' report queue, newest first, filtered by status, target
//! type or reporter.
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{Report, TargetType};
use crate::error::ApiResult;
use crate::extract::ValidQuery;
use crate::routes::admin::{cursor, ModUser};
use crate::routes::users::page;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Triaged,
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Triaged => "triaged",
            Status::Resolved => "resolved",
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    #[param(value_type = Option<String>)]
    pub status: Option<Status>,
    #[param(value_type = Option<String>)]
    pub target_type: Option<TargetType>,
    /// Integer id of the reporting user.
    pub reporter_id: Option<i32>,
    pub cursor: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportPage {
    pub items: Vec<Report>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/report", tag = "reports", security(("bearer" = [])),
    params(ReportQuery),
    responses((status = 200, body = ReportPage),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 422, description = "Unknown status or target type, or limit out of range")))]
pub async fn list_reports(
    State(state): State<AppState>,
    ModUser(_actor): ModUser,
    ValidQuery(q): ValidQuery<ReportQuery>,
) -> ApiResult<Json<ReportPage>> {
    let limit = page::limit(q.limit)?;
    let filter = db::reports::ReportFilter {
        status: q.status.map(Status::as_str),
        target_type: q.target_type.map(TargetType::as_str),
        reporter_id: q.reporter_id,
        after: cursor::decode::<Uuid>(q.cursor.as_deref()),
        limit: limit + 1,
    };
    let rows = db::reports::list(&state.db, &filter).await?;
    let (rows, more) = page::split(rows, limit);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|r| cursor::encode(r.id, r.created_at));
    let items = rows.into_iter().map(Report::from).collect();
    Ok(Json(ReportPage { items, next_cursor }))
}
