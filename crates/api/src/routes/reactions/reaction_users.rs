//! `GET /v1/post/{id}/reaction-users`: who reacted with what, newest first. Signed-in
//! reactors only (anonymous ones have no identity to show), at most 200.
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{accessible_post, MAX_REACTION_USERS};
use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReactionUserItem {
    pub emoji: String,
    pub created_at: DateTime<Utc>,
    pub user_handle: String,
    pub user_avatar_url: Option<String>,
    pub user_public_sqid: String,
}

/// `total` counts every listable reaction, also past the first 200.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReactionUsers {
    pub items: Vec<ReactionUserItem>,
    pub total: i64,
}

#[utoipa::path(get, path = "/v1/post/{id}/reaction-users", tag = "reactions",
    params(("id" = i64, Path, description = "Post id")),
    responses((status = 200, body = ReactionUsers), (status = 404, description = "Post not found")))]
pub async fn reaction_users(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ReactionUsers>> {
    let post = accessible_post(&state, &id, me.as_ref()).await?;
    let viewer = me.as_ref().map(|u| u.id);
    let rows =
        db::reactions::reaction_users(&state.db, post.id, viewer, MAX_REACTION_USERS).await?;
    let total = db::reactions::count_reaction_users(&state.db, post.id, viewer).await?;
    let items = rows
        .into_iter()
        .map(|r| ReactionUserItem {
            emoji: r.emoji,
            created_at: r.created_at,
            user_handle: r.user_handle,
            user_avatar_url: r.user_avatar_url,
            user_public_sqid: r.user_public_sqid,
        })
        .collect();
    Ok(Json(ReactionUsers { items, total }))
}
