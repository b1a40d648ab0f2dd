//! `GET /player/verify-user/{sqid}`: whether a user sqid (from a playset) names an artist a
//! player can follow, with a little public profile. Cached 60 s.
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{any_origin, cached, check_limit, eligible_user};
use crate::error::ApiResult;
use crate::extract::{ClientIp, RateLimiter};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserVerified {
    pub handle: String,
    pub reputation: i32,
    /// Artworks neither deleted nor hidden (public or not).
    pub artwork_count: i64,
    pub avatar_url: Option<String>,
}

#[utoipa::path(get, path = "/player/verify-user/{sqid}", tag = "players",
    params(("sqid" = String, Path, description = "A user's public sqid")),
    responses((status = 200, body = UserVerified),
              (status = 404, description = "No such user, or not one a player may follow"),
              (status = 429, description = "30 helper requests per minute per address")))]
pub async fn verify_user(
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
    let body: UserVerified = cached(state, &format!("user:{sqid}"), 60, || async {
        let user = eligible_user(state, sqid).await?;
        let artwork_count = db::player_channels::user_artwork_count(&state.db, user.id).await?;
        Ok(UserVerified {
            handle: user.handle,
            reputation: user.reputation,
            artwork_count,
            avatar_url: user.avatar_url,
        })
    })
    .await?;
    Ok(Json(body).into_response())
}
