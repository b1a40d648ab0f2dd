//! `GET /v1/me/blocks`: the caller's blocks, newest first.
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::followers::PageParams;
use super::page;
use crate::error::ApiResult;
use crate::extract::{AuthUser, ValidQuery};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct BlockedUser {
    pub public_sqid: String,
    pub handle: String,
    pub avatar_url: Option<String>,
    pub blocked_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct BlockPage {
    pub items: Vec<BlockedUser>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/me/blocks", tag = "users", security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = BlockPage),
              (status = 401, description = "Not signed in"),
              (status = 422, description = "limit out of range")))]
pub async fn list_blocks(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ValidQuery(p): ValidQuery<PageParams>,
) -> ApiResult<Json<BlockPage>> {
    let limit = page::limit(p.limit)?;
    let after = page::decode_time(p.cursor.as_deref());
    let rows = db::social::list_blocks(&state.db, user.id, after, limit + 1).await?;
    let (rows, more) = page::split(rows, limit);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|b| page::encode_time(b.user_id, b.blocked_at));
    let items = rows
        .into_iter()
        .map(|b| BlockedUser {
            public_sqid: b.public_sqid,
            handle: b.handle,
            avatar_url: b.avatar_url,
            blocked_at: b.blocked_at,
        })
        .collect();
    Ok(Json(BlockPage { items, next_cursor }))
}
