//! `GET /v1/p/{sqid}`: the permalink. Direct-access rules; a forbidden post is a 404 like a
//! missing one. Does not count a view. The rendered post is cached under the post's own
//! generation (bumped by every change to it), and kept in process for anonymous readers.
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use kv::cache::post_family;

use super::{post_not_found, viewer};
use crate::dto::post::Post;
use crate::error::{ApiError, ApiResult};
use crate::extract::MaybeAuthUser;
use crate::listing::cache::cached;
use crate::listing::page::json_bytes;
use crate::state::AppState;

const TTL: Duration = Duration::from_secs(300);

#[utoipa::path(get, path = "/v1/p/{sqid}", tag = "posts", params(("sqid" = String, Path)),
    responses((status = 200, body = Post), (status = 404, description = "Post not found")))]
pub async fn get_post(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<Response> {
    let id = state.sqids.decode(&sqid).ok_or_else(post_not_found)?;
    let family = post_family(id);
    let hot_key = format!("p:{sqid}");
    let generation = match me {
        None => crate::cache::generation(&state, &family).await,
        Some(_) => None,
    };
    if let Some(body) = generation.and_then(|g| state.hot_posts.get(&hot_key, g)) {
        return Ok(json_bytes(body));
    }
    let base = state.config.vault_public_base_url.clone();
    let post: Option<Post> = cached(&state, &family, "post", TTL.as_secs(), || async {
        let view = db::post_views::load(&state.db, id).await?;
        Ok(view.map(|v| Post::from_view(v, &base)))
    })
    .await?;
    let mut post = post
        .filter(|p| {
            p.public_sqid == sqid && domain::visibility::can_access(&p.flags(), viewer(me.as_ref()))
        })
        .ok_or_else(post_not_found)?;
    if let Some(me) = &me {
        post.user_has_liked = !db::reactions::reacted_posts(&state.db, me.id, &[id])
            .await?
            .is_empty();
    }
    let body = Bytes::from(serde_json::to_vec(&post).map_err(ApiError::internal)?);
    if let Some(g) = generation {
        state.hot_posts.put(hot_key, g, TTL, body.clone());
    }
    Ok(json_bytes(body))
}
