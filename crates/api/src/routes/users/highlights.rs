//! `GET /v1/user/u/{sqid}/highlights`: the posts a member pinned to their profile, in their
//! order. Each post is shown only if this viewer may open it, and the viewer's list filters
//! (blocks, monitored hashtags) apply as on every other list.
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::Json;
use db::users::UserRow;
use serde::Serialize;
use utoipa::ToSchema;

use super::{visible_user, Visibility};
use crate::dto::post::Post;
use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::listing::viewer::personalise;
use crate::routes::posts::{flags, viewer as post_viewer};
use crate::state::AppState;

/// The cap on pinned posts per member (http-api.md §1.11).
pub const MAX_HIGHLIGHTS: i64 = 128;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HighlightItem {
    pub id: i64,
    pub post_id: i64,
    pub position: i32,
    pub post_public_sqid: String,
    pub post_title: String,
    pub post_art_url: Option<String>,
    pub post_width: Option<i32>,
    pub post_height: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Highlights {
    pub items: Vec<HighlightItem>,
    pub total: usize,
}

/// `owner`'s highlights as `viewer` may see them; the profile page embeds the same list.
pub async fn visible_highlights(
    state: &AppState,
    viewer: Option<&UserRow>,
    owner: &UserRow,
) -> ApiResult<Vec<HighlightItem>> {
    let pins = db::highlights::list(&state.db, owner.id).await?;
    let ids: Vec<i64> = pins.iter().map(|h| h.post_id).collect();
    let who = post_viewer(viewer);
    let base = &state.config.vault_public_base_url;
    let posts: Vec<Post> = db::post_views::load_many(&state.db, &ids)
        .await?
        .into_iter()
        .filter(|v| domain::visibility::can_access(&flags(&v.post), who))
        .map(|v| Post::from_view(v, base))
        .collect();
    let mut shown: HashMap<i64, Post> = personalise(state, viewer, posts)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(pins
        .into_iter()
        .filter_map(|h| {
            let p = shown.remove(&h.post_id)?;
            Some(HighlightItem {
                id: h.id,
                post_id: h.post_id,
                position: h.position,
                post_public_sqid: p.public_sqid,
                post_title: p.title,
                post_art_url: p.art_url,
                post_width: p.width,
                post_height: p.height,
            })
        })
        .collect())
}

#[utoipa::path(get, path = "/v1/user/u/{sqid}/highlights", tag = "users",
    params(("sqid" = String, Path, description = "Public sqid of the user")),
    responses((status = 200, body = Highlights),
              (status = 404, description = "Unknown, unverified or hidden user")))]
pub async fn highlights(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<Json<Highlights>> {
    let owner = visible_user(&state, viewer.as_ref(), &sqid, Visibility::Profile).await?;
    let items = visible_highlights(&state, viewer.as_ref(), &owner).await?;
    Ok(Json(Highlights {
        total: items.len(),
        items,
    }))
}
