//! `GET /v1/user/u/{sqid}/profile`: the profile page in one call (user, stats, the viewer's
//! relation to it). Stats come from the 300 s per-member cache of `profile_stats`; tag badges
//! arrive with the badge tables.
use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::highlights::{visible_highlights, HighlightItem};
use super::profile_stats::{profile_stats, ProfileStats};
use super::{visible_user, Visibility};
use crate::dto::user::UserPublic;
use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Profile {
    #[serde(flatten)]
    pub user: UserPublic,
    #[schema(value_type = Vec<Object>)]
    pub tag_badges: Vec<Value>,
    pub stats: ProfileStats,
    pub is_following: bool,
    pub is_own_profile: bool,
    pub is_blocked_by_viewer: bool,
    pub highlights: Vec<HighlightItem>,
}

#[utoipa::path(get, path = "/v1/user/u/{sqid}/profile", tag = "users",
    params(("sqid" = String, Path, description = "Public sqid of the user")),
    responses((status = 200, body = Profile),
              (status = 404, description = "Unknown, unverified or hidden user")))]
pub async fn get_profile(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<Json<Profile>> {
    let user = visible_user(&state, viewer.as_ref(), &sqid, Visibility::Profile).await?;
    let stats = profile_stats(&state, user.id).await?;
    let highlights = visible_highlights(&state, viewer.as_ref(), &user).await?;
    let (is_following, is_blocked_by_viewer) = match &viewer {
        Some(v) if v.id != user.id => (
            db::social::is_following(&state.db, v.id, user.id).await?,
            db::social::is_blocking(&state.db, v.id, user.id).await?,
        ),
        _ => (false, false),
    };
    Ok(Json(Profile {
        user: UserPublic::from(&user),
        tag_badges: Vec::new(),
        stats,
        is_following,
        is_own_profile: viewer.as_ref().is_some_and(|v| v.id == user.id),
        is_blocked_by_viewer,
        highlights,
    }))
}
