//! `GET /v1/post/{id}/widget-data`: what the embeddable widget shows in one request: the
//! reaction summary, the comment thread (as `GET .../comments` lists it) and the view count.
use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{accessible_post, client_hash, summary, ReactionSummary};
use crate::error::ApiResult;
use crate::extract::{ClientIp, MaybeAuthUser};
use crate::routes::comments::{thread_for, Comment};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetData {
    pub reactions: ReactionSummary,
    pub comments: Vec<Comment>,
    pub views_count: i64,
}

#[utoipa::path(get, path = "/v1/post/{id}/widget-data", tag = "reactions",
    params(("id" = i64, Path, description = "Post id")),
    responses((status = 200, body = WidgetData), (status = 404, description = "Post not found")))]
pub async fn widget_data(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> ApiResult<Json<WidgetData>> {
    let post = accessible_post(&state, &id, me.as_ref()).await?;
    let hash = client_hash(&state, ip);
    let reactions = summary(&state, post.id, me.as_ref(), &hash).await?;
    let comments = thread_for(&state, post.id, me.as_ref(), None).await?;
    Ok(Json(WidgetData {
        reactions,
        comments,
        views_count: post.view_count,
    }))
}
