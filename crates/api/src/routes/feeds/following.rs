//! `GET /v1/feed/following`: discoverable posts by the people the caller follows, newest first.
//! Per http-api.md §1.4 this feed takes no cursor and always answers `next_cursor: null`.
use axum::extract::{RawQuery, State};
use axum::response::Response;
use domain::post_query::Scope;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::listing::page::{self, PostPage};
use crate::listing::params;
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/feed/following", tag = "feeds", security(("bearer" = [])),
    params(("limit" = Option<u32>, Query, description = "1–200, default 50")),
    responses((status = 200, body = PostPage), (status = 401, description = "unauthorized")))]
pub async fn following(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (_, mut q) = params::newest_page(raw.as_deref())?;
    q.cursor = None;
    q.followed_by = Some(me.id);
    let mut result = page::fetch(&state, Scope::Discovery, &q).await?;
    result.next_cursor = None;
    page::personal(&state, Some(&me), result, None).await
}
