//! `GET /v1/user/u/{sqid}/reacted-posts`: the discoverable posts a member reacted to while
//! signed in, most recently reacted first, each with that latest reaction. It is the shared
//! listing (`reacted_by`, `reacted_at` order) plus the reaction columns; it is not cached,
//! since every reaction would change it.
use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use chrono::{DateTime, Utc};
use domain::post_query::{Scope, Sort};
use serde::Serialize;
use utoipa::ToSchema;

use super::{visible_user, Visibility};
use crate::dto::post::Post;
use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::listing::{page, params, viewer::personalise};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReactedPost {
    #[serde(flatten)]
    pub post: Post,
    pub reacted_at: DateTime<Utc>,
    pub emoji: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReactedPostsPage {
    pub items: Vec<ReactedPost>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/user/u/{sqid}/reacted-posts", tag = "users",
    params(("sqid" = String, Path, description = "Public sqid of the user"),
           ("cursor" = Option<String>, Query),
           ("limit" = Option<u32>, Query, description = "1–200, default 50")),
    responses((status = 200, body = ReactedPostsPage),
              (status = 404, description = "Unknown, unverified or hidden user"),
              (status = 422, description = "validation_error")))]
pub async fn reacted_posts(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    Path(sqid): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ReactedPostsPage>> {
    let (_, mut q) = params::newest_page(raw.as_deref())?;
    let member = visible_user(&state, viewer.as_ref(), &sqid, Visibility::Profile).await?;
    // A blocker stops seeing the blocked member's reactions (http-api.md §1.6).
    if let Some(v) = viewer.as_ref().filter(|v| v.id != member.id) {
        if db::social::is_blocking(&state.db, v.id, member.id).await? {
            return Ok(Json(ReactedPostsPage {
                items: Vec::new(),
                next_cursor: None,
            }));
        }
    }
    q.reacted_by = Some(member.id);
    q.sort = Sort::ReactedAt;
    let result = page::fetch(&state, Scope::Discovery, &q).await?;
    let posts = personalise(&state, viewer.as_ref(), result.items).await?;
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let mut latest: HashMap<i64, db::reacted_posts::LatestReaction> =
        db::reacted_posts::latest(&state.db, member.id, &ids)
            .await?
            .into_iter()
            .map(|r| (r.post_id, r))
            .collect();
    // A reaction withdrawn since the page was read drops its post rather than inventing a time.
    let items = posts
        .into_iter()
        .filter_map(|post| {
            let r = latest.remove(&post.id)?;
            Some(ReactedPost {
                post,
                reacted_at: r.reacted_at,
                emoji: r.emoji,
            })
        })
        .collect();
    Ok(Json(ReactedPostsPage {
        items,
        next_cursor: result.next_cursor,
    }))
}
