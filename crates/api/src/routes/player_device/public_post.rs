//! `GET /player/p/{sqid}`: the permalink's post for players (web players on `.local` hosts
//! need the open CORS header). Anonymous visibility rules; shares the permalink's cache.
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::visibility::{can_access, Viewer};
use kv::cache::post_family;

use super::{any_origin, check_limit, MAX_SQID_CHARS};
use crate::dto::post::Post;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter};
use crate::listing::cache::cached;
use crate::state::AppState;

const TTL: Duration = Duration::from_secs(300);

#[utoipa::path(get, path = "/player/p/{sqid}", tag = "players",
    params(("sqid" = String, Path, description = "A post's public sqid")),
    responses((status = 200, body = Post),
              (status = 404, description = "Post not found (or not visible anonymously)"),
              (status = 429, description = "30 helper requests per minute per address")))]
pub async fn public_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    Path(sqid): Path<String>,
) -> Response {
    any_origin(answer(&state, &limiter, ip, &sqid).await)
}

async fn answer(
    state: &AppState,
    limiter: &RateLimiter,
    ip: std::net::IpAddr,
    sqid: &str,
) -> ApiResult<Response> {
    check_limit(limiter, ip).await?;
    let not_found = || ApiError::not_found("Post not found");
    if sqid.chars().count() > MAX_SQID_CHARS {
        return Err(not_found());
    }
    let id = state.sqids.decode(sqid).ok_or_else(not_found)?;
    let base = state.config.vault_public_base_url.clone();
    // Same family and key as `GET /v1/p/{sqid}`, so the two share one cached rendering.
    let post: Option<Post> = cached(state, &post_family(id), "post", TTL.as_secs(), || async {
        let view = db::post_views::load(&state.db, id).await?;
        Ok(view.map(|v| Post::from_view(v, &base)))
    })
    .await?;
    let post = post
        .filter(|p| p.public_sqid == sqid && can_access(&p.flags(), Viewer::Anonymous))
        .ok_or_else(not_found)?;
    Ok(Json(post).into_response())
}
