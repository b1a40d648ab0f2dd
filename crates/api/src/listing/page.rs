//! Runs a listing: the shared SQL, the shared cache, then the viewer's own filters.
use std::time::Duration;

use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use db::users::UserRow;
use domain::post_query::{Cursor, PostQuery, Scope};
use kv::cache::FEEDS;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{cache::cached, cursor, viewer::personalise};
use crate::dto::post::Post;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// `Page[Post]` of http-api.md §1.4; a null `next_cursor` means the last page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostPage {
    pub items: Vec<Post>,
    pub next_cursor: Option<String>,
}

/// One page straight from the database, before any per-viewer filtering.
pub async fn fetch(state: &AppState, scope: Scope, q: &PostQuery) -> ApiResult<PostPage> {
    let mut rows = db::post_list::list(&state.db, scope, q).await?;
    let limit = q.limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = match rows.last() {
        Some(last) if more && q.pages() => Some(cursor::encode(Cursor {
            id: last.id,
            sort: last.sort_key,
        })),
        _ => None,
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let base = &state.config.vault_public_base_url;
    let items = db::post_views::load_many(&state.db, &ids)
        .await?
        .into_iter()
        .map(|v| Post::from_view(v, base))
        .collect();
    Ok(PostPage { items, next_cursor })
}

/// A cache key naming the listing and every parameter that shapes it.
fn cache_key(name: &str, scope: Scope, q: &PostQuery) -> String {
    let digest = Sha256::digest(format!("{scope:?}|{q:?}").as_bytes());
    format!("{name}:{}", hex::encode(&digest[..16]))
}

/// A listing whose unfiltered result is the same for every viewer, so it is cached under the
/// feed generation (`ttl`), then filtered for this viewer. Anonymous responses are also kept
/// rendered in process (see `hot`). Random order is never cached. `fields` projects each post
/// onto those keys (the promoted feed's `fields` parameter).
pub async fn shared(
    state: &AppState,
    viewer: Option<&UserRow>,
    name: &str,
    ttl: Duration,
    scope: Scope,
    q: &PostQuery,
    fields: Option<&[String]>,
) -> ApiResult<Response> {
    if !q.pages() {
        let page = fetch(state, scope, q).await?;
        return personal(state, viewer, page, fields).await;
    }
    let key = cache_key(name, scope, q);
    let generation = match viewer {
        None => crate::cache::generation(state, FEEDS).await,
        Some(_) => None,
    };
    let hot_key = format!("{key}:{fields:?}");
    if let Some(g) = generation {
        if let Some(body) = state.hot.get(&hot_key, g) {
            return Ok(json_bytes(body));
        }
    }
    let page = cached(state, FEEDS, &key, ttl.as_secs(), || fetch(state, scope, q)).await?;
    let body = render(state, viewer, page, fields).await?;
    if let Some(g) = generation {
        state.hot.put(hot_key, g, ttl, body.clone());
    }
    Ok(json_bytes(body))
}

/// Applies the viewer's filters to a page and renders it.
pub async fn personal(
    state: &AppState,
    viewer: Option<&UserRow>,
    page: PostPage,
    fields: Option<&[String]>,
) -> ApiResult<Response> {
    Ok(json_bytes(render(state, viewer, page, fields).await?))
}

async fn render(
    state: &AppState,
    viewer: Option<&UserRow>,
    page: PostPage,
    fields: Option<&[String]>,
) -> ApiResult<Bytes> {
    let items = personalise(state, viewer, page.items).await?;
    let bytes = match fields {
        None => serde_json::to_vec(&PostPage {
            items,
            next_cursor: page.next_cursor,
        }),
        Some(fields) => {
            let items: Vec<Value> = items.iter().map(|p| project(p, fields)).collect();
            serde_json::to_vec(&json!({"items": items, "next_cursor": page.next_cursor}))
        }
    };
    Ok(Bytes::from(bytes.map_err(ApiError::internal)?))
}

/// The post reduced to the named keys (already validated against [`post_fields`]).
fn project(post: &Post, fields: &[String]) -> Value {
    let Ok(Value::Object(mut all)) = serde_json::to_value(post) else {
        return Value::Null;
    };
    let kept: Map<String, Value> = fields
        .iter()
        .filter_map(|f| all.remove(f).map(|v| (f.clone(), v)))
        .collect();
    Value::Object(kept)
}

/// Every top-level key of `Post`, read from its OpenAPI schema so it cannot drift.
pub fn post_fields() -> Vec<String> {
    use utoipa::openapi::{RefOr, Schema};
    match <Post as utoipa::PartialSchema>::schema() {
        RefOr::T(Schema::Object(o)) => o.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// A pre-rendered JSON body as a response.
pub fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}
