//! `GET /v1/user/u/{sqid}/profile`: the profile page in one call (user, stats, the viewer's
//! relation to it). Posts, reactions, views, tag badges and highlights arrive with the artwork
//! tables; until then their counts are genuinely zero and their lists empty.
use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{visible_user, Visibility};
use crate::dto::user::UserPublic;
use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ProfileStats {
    pub total_posts: i64,
    pub total_reactions_received: i64,
    pub total_views: i64,
    pub follower_count: i64,
}

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
    #[schema(value_type = Vec<Object>)]
    pub highlights: Vec<Value>,
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
    let follower_count = db::social::follower_count(&state.db, user.id).await?;
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
        stats: ProfileStats {
            total_posts: 0,
            total_reactions_received: 0,
            total_views: 0,
            follower_count,
        },
        is_following,
        is_own_profile: viewer.as_ref().is_some_and(|v| v.id == user.id),
        is_blocked_by_viewer,
        highlights: Vec::new(),
    }))
}
