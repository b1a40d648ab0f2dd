//! `GET /v1/post`: the filtered, sorted post listing. Without `owner_id` it lists discoverable
//! posts; with it, that member's profile (pending posts included, hidden ones only for the
//! member and moderators unless `visible_only`).
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use db::users::UserRow;
use domain::post_query::{Scope, Sort};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::listing::page::{self, PostPage};
use crate::listing::params::{self, Errors, RawParams};
use crate::routes::users::{can_view, Visibility};
use crate::state::AppState;

const TTL: Duration = Duration::from_secs(120);

/// Documentation of the query; the handler parses the raw string (list filters repeat).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ListPostsQuery {
    /// The member's `user_key` (UUID) or integer id: their profile list.
    owner_id: Option<String>,
    hashtag: Option<String>,
    promoted: Option<bool>,
    /// `user_key` or id: posts this member reacted to.
    reacted_by: Option<String>,
    visible_only: Option<bool>,
    /// created_at, creation_date, width, height, frame_count, unique_colors, file_bytes,
    /// reactions, reacted_at (needs reacted_by), random.
    sort: Option<String>,
    /// asc or desc (default).
    order: Option<String>,
    width_min: Option<i64>,
    width_max: Option<i64>,
    height_min: Option<i64>,
    height_max: Option<i64>,
    file_bytes_min: Option<i64>,
    file_bytes_max: Option<i64>,
    frame_count_min: Option<i64>,
    frame_count_max: Option<i64>,
    unique_colors_min: Option<i64>,
    unique_colors_max: Option<i64>,
    reactions_min: Option<i64>,
    reactions_max: Option<i64>,
    comments_min: Option<i64>,
    comments_max: Option<i64>,
    created_after: Option<String>,
    created_before: Option<String>,
    has_transparency: Option<bool>,
    has_semitransparency: Option<bool>,
    /// png, gif, webp, bmp (repeat or comma-separate).
    file_format: Option<Vec<String>>,
    /// artwork (default), playlist.
    kind: Option<Vec<String>>,
    base: Option<Vec<i32>>,
    base_gte: Option<i32>,
    size: Option<Vec<i32>>,
    size_gte: Option<i32>,
    cursor: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
}

/// A member named by `user_key` or integer id; `None` when there is no such member.
async fn member(state: &AppState, raw: &str) -> ApiResult<Option<UserRow>> {
    if let Ok(key) = Uuid::parse_str(raw) {
        return Ok(db::users::find_by_key(&state.db, key).await?);
    }
    match raw.parse::<i32>() {
        Ok(id) => Ok(db::users::find_by_id(&state.db, id).await?),
        Err(_) => Ok(None),
    }
}

fn empty() -> ApiResult<Response> {
    Ok(axum::response::IntoResponse::into_response(axum::Json(
        PostPage {
            items: Vec::new(),
            next_cursor: None,
        },
    )))
}

#[utoipa::path(get, path = "/v1/post", tag = "posts", params(ListPostsQuery),
    responses((status = 200, body = PostPage), (status = 422, description = "validation_error")))]
pub async fn list_posts(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let p = RawParams::parse(raw.as_deref());
    let mut q = params::post_query(&p)?;
    let mut e = Errors::default();
    let visible_only = params::boolean(&p, &mut e, "visible_only").unwrap_or(false);
    if q.sort == Sort::ReactedAt && p.one("reacted_by").is_none() {
        e.add("sort", "reacted_at needs reacted_by");
    }
    e.finish()?;
    if let Some(raw) = p.one("reacted_by") {
        let Some(u) = member(&state, raw).await? else {
            return empty();
        };
        q.reacted_by = Some(u.id);
    }
    let scope = match p.one("owner_id") {
        None => Scope::Discovery,
        Some(raw) => {
            let Some(owner) = member(&state, raw).await? else {
                return empty();
            };
            if !can_view(me.as_ref(), &owner, Visibility::Profile) {
                return empty();
            }
            let privileged = me
                .as_ref()
                .is_some_and(|m| m.id == owner.id || domain::role::can_moderate(&m.roles));
            Scope::Profile {
                owner_id: owner.id,
                privileged: privileged && !visible_only,
            }
        }
    };
    if matches!(
        scope,
        Scope::Profile {
            privileged: true,
            ..
        }
    ) {
        let page = page::fetch(&state, scope, &q).await?;
        return page::personal(&state, me.as_ref(), page, None).await;
    }
    page::shared(&state, me.as_ref(), "post", TTL, scope, &q, None).await
}
