//! `GET /v1/user/u/{sqid}/followers`: who follows a user, newest follow first. Also holds the
//! listing shared with `/following`.
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::Json;
use db::social::{FollowListQuery, FollowSide};
use db::users::UserRow;
use domain::role::can_moderate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{page, visible_user, Visibility};
use crate::dto::user::UserPublic;
use crate::error::ApiResult;
use crate::extract::{MaybeAuthUser, ValidQuery};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub cursor: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct FollowPage {
    pub items: Vec<UserPublic>,
    pub next_cursor: Option<String>,
    /// Entries over all pages.
    pub total: i64,
}

/// One page of either side. Non-moderators see only publicly visible users in the list.
pub(super) async fn list(
    state: &AppState,
    viewer: Option<&UserRow>,
    sqid: &str,
    side: FollowSide,
    p: PageParams,
) -> ApiResult<FollowPage> {
    let limit = page::limit(p.limit)?;
    let subject = visible_user(state, viewer, sqid, Visibility::Profile).await?;
    let mut q = FollowListQuery {
        user_id: subject.id,
        side,
        include_hidden: viewer.is_some_and(|v| can_moderate(&v.roles)),
        viewer_id: viewer.map(|v| v.id),
        after: page::decode_time(p.cursor.as_deref()),
        limit: limit + 1,
    };
    let (entries, more) = page::split(db::social::list_follows(&state.db, &q).await?, limit);
    q.after = None;
    let total = db::social::count_follows(&state.db, &q).await?;
    let ids: Vec<i32> = entries.iter().map(|e| e.user_id).collect();
    let mut users: HashMap<i32, UserRow> = db::user_views::find_by_ids(&state.db, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let items = entries
        .iter()
        .filter_map(|e| users.remove(&e.user_id))
        .map(|u| UserPublic::from(&u))
        .collect();
    let next_cursor = entries
        .last()
        .filter(|_| more)
        .map(|e| page::encode_time(e.user_id, e.followed_at));
    Ok(FollowPage {
        items,
        next_cursor,
        total,
    })
}

#[utoipa::path(get, path = "/v1/user/u/{sqid}/followers", tag = "users",
    params(("sqid" = String, Path, description = "Public sqid of the user"), PageParams),
    responses((status = 200, body = FollowPage),
              (status = 404, description = "Unknown, unverified or hidden user"),
              (status = 422, description = "limit out of range")))]
pub async fn followers(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    Path(sqid): Path<String>,
    ValidQuery(p): ValidQuery<PageParams>,
) -> ApiResult<Json<FollowPage>> {
    let page = list(&state, viewer.as_ref(), &sqid, FollowSide::Followers, p).await?;
    Ok(Json(page))
}
