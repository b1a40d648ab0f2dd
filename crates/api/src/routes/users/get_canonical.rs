//! `GET /v1/u/{sqid}`: the canonical profile address. Stricter than `/user/u/{sqid}`: mod-hidden,
//! non-conformant, deactivated and banned users are 404 too; self and moderators get the full record.
use axum::extract::{Path, State};
use axum::Json;
use domain::role::can_moderate;

use super::{visible_user, UserView, Visibility};
use crate::dto::user::{UserFull, UserPublic};
use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/u/{sqid}", tag = "users",
    params(("sqid" = String, Path, description = "Public sqid of the user")),
    responses((status = 200, body = UserView),
              (status = 404, description = "Unknown user, or one the viewer may not see")))]
pub async fn get_canonical(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<Json<UserView>> {
    let user = visible_user(&state, viewer.as_ref(), &sqid, Visibility::Canonical).await?;
    let full = viewer
        .as_ref()
        .is_some_and(|v| v.id == user.id || can_moderate(&v.roles));
    Ok(Json(if full {
        UserView::Full(UserFull::from(&user))
    } else {
        UserView::Public(UserPublic::from(&user))
    }))
}
