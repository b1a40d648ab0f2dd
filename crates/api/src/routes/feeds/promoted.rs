//! `GET /v1/feed/promoted`: promoted posts, newest first, cached for five minutes. `fields`
//! projects each post onto the named keys; unregistered p3a players call it with a short list.
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use domain::post_query::Scope;

use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::listing::page::{self, post_fields, PostPage};
use crate::listing::params::{self, Errors};
use crate::state::AppState;

const TTL: Duration = Duration::from_secs(300);

#[utoipa::path(get, path = "/v1/feed/promoted", tag = "feeds",
    params(("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query, description = "1–200, default 50"),
           ("fields" = Option<String>, Query, description = "Comma-separated Post keys to return")),
    responses((status = 200, body = PostPage), (status = 422, description = "validation_error: unknown field")))]
pub async fn promoted(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (p, mut q) = params::newest_page(raw.as_deref())?;
    let fields = p.many("fields");
    let known = post_fields();
    if let Some(bad) = fields.iter().find(|f| !known.contains(f)) {
        let mut e = Errors::default();
        e.add("fields", &format!("unknown field '{bad}'"));
        e.finish()?;
    }
    q.promoted = Some(true);
    let fields = (!fields.is_empty()).then_some(fields.as_slice());
    page::shared(
        &state,
        me.as_ref(),
        "promoted",
        TTL,
        Scope::Discovery,
        &q,
        fields,
    )
    .await
}
