//! `GET /player/verify-reactions/{sqid}`: the reactions channel of a user: how many public posts
//! they reacted to (capped at 100) and the one they reacted to last. Cached 300 s.
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{any_origin, cached, capped, check_limit, eligible_user, LatestArtwork, COUNT_CAP};
use crate::error::ApiResult;
use crate::extract::{ClientIp, RateLimiter};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReactionsVerified {
    pub handle: String,
    pub artwork_count: i64,
    pub artwork_count_capped: bool,
    #[serde(flatten)]
    pub latest: LatestArtwork,
}

#[utoipa::path(get, path = "/player/verify-reactions/{sqid}", tag = "players",
    params(("sqid" = String, Path, description = "A user's public sqid")),
    responses((status = 200, body = ReactionsVerified),
              (status = 404, description = "No such user, or not one a player may follow"),
              (status = 429, description = "30 helper requests per minute per address")))]
pub async fn verify_reactions(
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
    let body: ReactionsVerified = cached(state, &format!("reactions:{sqid}"), 300, || async {
        let user = eligible_user(state, sqid).await?;
        let count = db::player_channels::reactions_count(&state.db, user.id, COUNT_CAP + 1).await?;
        let latest = match count {
            0 => None,
            _ => db::player_channels::reactions_latest(&state.db, user.id).await?,
        };
        let (artwork_count, artwork_count_capped) = capped(count);
        Ok(ReactionsVerified {
            handle: user.handle,
            artwork_count,
            artwork_count_capped,
            latest: LatestArtwork::from_preview(state, latest),
        })
    })
    .await?;
    Ok(Json(body).into_response())
}
