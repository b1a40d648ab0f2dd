//! `GET /player/verify-hashtag/{tag}`: how many public posts a hashtag channel holds (capped at
//! 100) and its newest one. A tag without posts is 404. Cached 60 s.
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{any_origin, cached, capped, check_limit, LatestArtwork, COUNT_CAP};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter};
use crate::state::AppState;

/// Tags are stored lower-case, at most 64 characters.
const MAX_TAG_CHARS: usize = 64;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HashtagVerified {
    pub tag: String,
    pub artwork_count: i64,
    pub artwork_count_capped: bool,
    #[serde(flatten)]
    pub latest: LatestArtwork,
}

#[utoipa::path(get, path = "/player/verify-hashtag/{tag}", tag = "players",
    params(("tag" = String, Path, description = "A hashtag, without `#`; case and surrounding spaces are ignored")),
    responses((status = 200, body = HashtagVerified),
              (status = 404, description = "No public post carries the tag"),
              (status = 429, description = "30 helper requests per minute per address")))]
pub async fn verify_hashtag(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    Path(tag): Path<String>,
) -> Response {
    any_origin(answer(&state, &limiter, ip, &tag).await)
}

async fn answer(
    state: &AppState,
    limiter: &RateLimiter,
    ip: std::net::IpAddr,
    tag: &str,
) -> ApiResult<Response> {
    check_limit(limiter, ip).await?;
    let not_found = || ApiError::not_found("Hashtag not found");
    let tag = tag.trim().to_lowercase();
    if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS {
        return Err(not_found());
    }
    let body: HashtagVerified = cached(state, &format!("hashtag:{tag}"), 60, || async {
        let count = db::player_channels::hashtag_count(&state.db, &tag, COUNT_CAP + 1).await?;
        if count == 0 {
            return Err(not_found());
        }
        let latest = db::player_channels::hashtag_latest(&state.db, &tag).await?;
        let (artwork_count, artwork_count_capped) = capped(count);
        Ok(HashtagVerified {
            latest: LatestArtwork::from_preview(state, latest),
            tag: tag.clone(),
            artwork_count,
            artwork_count_capped,
        })
    })
    .await?;
    Ok(Json(body).into_response())
}
