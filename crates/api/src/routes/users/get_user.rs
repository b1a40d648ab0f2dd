//! `GET /v1/user/u/{sqid}`: a user by public sqid (full record to moderators).
use axum::extract::{Path, State};
use axum::Json;
use domain::role::can_moderate;

use super::{visible_user, UserView, Visibility};
use crate::dto::user::{UserFull, UserPublic};
use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/user/u/{sqid}", tag = "users",
    params(("sqid" = String, Path, description = "Public sqid of the user")),
    responses((status = 200, body = UserView),
              (status = 404, description = "Unknown, unverified or hidden user")))]
pub async fn get_user(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<Json<UserView>> {
    let user = visible_user(&state, viewer.as_ref(), &sqid, Visibility::Profile).await?;
    let full = viewer.as_ref().is_some_and(|v| can_moderate(&v.roles));
    Ok(Json(if full {
        UserView::Full(UserFull::from(&user))
    } else {
        UserView::Public(UserPublic::from(&user))
    }))
}
