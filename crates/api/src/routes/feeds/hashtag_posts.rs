//! `GET /v1/hashtags/{tag}/posts`: discoverable posts carrying a hashtag, newest first,
//! cached for five minutes.
use std::time::Duration;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use domain::post_query::Scope;

use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::listing::page::{self, PostPage};
use crate::listing::params;
use crate::state::AppState;

const TTL: Duration = Duration::from_secs(300);

#[utoipa::path(get, path = "/v1/hashtags/{tag}/posts", tag = "feeds",
    params(("tag" = String, Path), ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = PostPage), (status = 422, description = "validation_error")))]
pub async fn hashtag_posts(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    Path(tag): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (_, mut q) = params::newest_page(raw.as_deref())?;
    q.hashtag = Some(tag.trim().trim_start_matches('#').to_lowercase());
    page::shared(&state, me.as_ref(), "tag", TTL, Scope::Discovery, &q, None).await
}
