//! `GET /v1/post/{id}/reactions`: counts by emoji (all, signed-in, anonymous) and the
//! caller's own emoji. A signed-in caller does not count the users they have blocked.
use axum::extract::{Path, State};
use axum::Json;

use super::{accessible_post, client_hash, summary, ReactionSummary};
use crate::error::ApiResult;
use crate::extract::{ClientIp, MaybeAuthUser};
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/post/{id}/reactions", tag = "reactions",
    params(("id" = i64, Path, description = "Post id")),
    responses((status = 200, body = ReactionSummary), (status = 404, description = "Post not found")))]
pub async fn get_reactions(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> ApiResult<Json<ReactionSummary>> {
    let post = accessible_post(&state, &id, me.as_ref()).await?;
    let hash = client_hash(&state, ip);
    Ok(Json(summary(&state, post.id, me.as_ref(), &hash).await?))
}
