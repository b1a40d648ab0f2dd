//! `GET /v1/user/u/{sqid}/following`: whom a user follows, newest follow first.
use axum::extract::{Path, State};
use axum::Json;
use db::social::FollowSide;

use super::followers::{list, FollowPage, PageParams};
use crate::error::ApiResult;
use crate::extract::{MaybeAuthUser, ValidQuery};
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/user/u/{sqid}/following", operation_id = "user_following", tag = "users",
    params(("sqid" = String, Path, description = "Public sqid of the user"), PageParams),
    responses((status = 200, body = FollowPage),
              (status = 404, description = "Unknown, unverified or hidden user"),
              (status = 422, description = "limit out of range")))]
pub async fn following(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    Path(sqid): Path<String>,
    ValidQuery(p): ValidQuery<PageParams>,
) -> ApiResult<Json<FollowPage>> {
    let page = list(&state, viewer.as_ref(), &sqid, FollowSide::Following, p).await?;
    Ok(Json(page))
}
