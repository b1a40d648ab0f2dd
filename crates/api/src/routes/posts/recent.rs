//! `GET /v1/post/recent`: approved posts, newest first, cached for two minutes.
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use domain::post_query::Scope;

use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::listing::page::{self, PostPage};
use crate::listing::params;
use crate::state::AppState;

const TTL: Duration = Duration::from_secs(120);

#[utoipa::path(get, path = "/v1/post/recent", tag = "posts",
    params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query, description = "1–200, default 50")),
    responses((status = 200, body = PostPage), (status = 422, description = "validation_error")))]
pub async fn recent(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (_, q) = params::newest_page(raw.as_deref())?;
    page::shared(
        &state,
        me.as_ref(),
        "recent",
        TTL,
        Scope::Discovery,
        &q,
        None,
    )
    .await
}
