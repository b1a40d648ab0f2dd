//! `GET /v1/search`: signed-in users only. Handles and titles with trigram similarity > 0.1 to
//! `q`, best match first, from the kinds named in `types[]` (default all). Users follow the
//! browse rules; posts and playlists must be discoverable, and the viewer's blocks and
//! monitored-tag choices apply.
//!
//! The cursor carries an offset into the ranked list rather than a keyset: results come from
//! two tables ranked by a float score, and posts are filtered for the viewer after the query,
//! so a keyset over (score, kind, id) would buy nothing but fragility. Search pages are few
//! and shallow, and ties are broken by kind and id so an offset always names the same row.
use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::Json;
use db::search::SearchQuery;
use domain::role::can_moderate;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::dto::playlist::Playlist;
use crate::dto::post::Post;
use crate::dto::user::UserPublic;
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::listing::params::{Errors, RawParams};
use crate::listing::viewer::personalise;
use crate::routes::playlists::reader;
use crate::routes::posts::viewer;
use crate::routes::users::page;
use crate::state::AppState;

const TYPES: [&str; 3] = ["users", "posts", "playlists"];

#[derive(Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum SearchItem {
    Users { user: UserPublic },
    Posts { post: Box<Post> },
    Playlists { playlist: Playlist },
}

#[derive(Serialize, ToSchema)]
pub struct SearchPage {
    pub items: Vec<SearchItem>,
    pub next_cursor: Option<String>,
}

/// The offset a cursor we issued carries; anything else means the first page.
fn offset(raw: Option<&str>) -> i64 {
    page::decode(raw)
        .and_then(|(id, sort)| (sort.as_i64() == Some(i64::from(id))).then_some(id))
        .map_or(0, |n| i64::from(n.max(0)))
}

fn cursor(offset: i64) -> Option<String> {
    let n = i32::try_from(offset).ok()?;
    Some(page::encode(n, Value::from(n)))
}

#[utoipa::path(get, path = "/v1/search", tag = "search", security(("bearer" = [])),
    params(("q" = Option<String>, Query), ("types[]" = Option<Vec<String>>, Query, description = "users, posts, playlists"),
           ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query, description = "1-200, default 50")),
    responses((status = 200, body = SearchPage),
              (status = 401, description = "Not signed in"),
              (status = 422, description = "Unknown type or limit out of range")))]
pub async fn search_all(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<SearchPage>> {
    let p = RawParams::parse(raw.as_deref());
    let mut e = Errors::default();
    let mut types = p.many("types");
    if let Some(bad) = types.iter().find(|t| !TYPES.contains(&t.as_str())) {
        e.add("types", &format!("unknown type '{bad}'"));
    }
    if types.is_empty() {
        types = TYPES.iter().map(|t| t.to_string()).collect();
    }
    let limit = match p.one("limit").map(str::parse::<i64>) {
        None => page::DEFAULT_LIMIT,
        Some(Ok(n)) if (1..=page::MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            e.add("limit", "must be an integer from 1 to 200");
            page::DEFAULT_LIMIT
        }
    };
    e.finish()?;
    let Some(q) = p.one("q") else {
        return Ok(Json(SearchPage {
            items: Vec::new(),
            next_cursor: None,
        }));
    };
    let start = offset(p.one("cursor"));
    let wants = |t: &str| types.iter().any(|x| x == t);
    let query = SearchQuery {
        q,
        users: wants("users"),
        posts: wants("posts"),
        playlists: wants("playlists"),
        viewer_id: me.id,
        include_hidden_users: can_moderate(&me.roles),
        offset: start,
        limit: limit + 1,
    };
    let hits = db::search::search(&state.db, &query).await?;
    let (hits, more) = page::split(hits, limit);
    let next_cursor = if more { cursor(start + limit) } else { None };
    let items = load(&state, &me, &hits).await?;
    Ok(Json(SearchPage { items, next_cursor }))
}

/// The hits as response items, in rank order; posts the viewer's filters drop are left out.
async fn load(
    state: &AppState,
    me: &db::users::UserRow,
    hits: &[db::search::Hit],
) -> ApiResult<Vec<SearchItem>> {
    let ids = |kind: &str| -> Vec<i64> {
        hits.iter()
            .filter(|h| h.kind == kind)
            .map(|h| h.id)
            .collect()
    };
    let user_ids: Vec<i32> = ids("users")
        .into_iter()
        .filter_map(|id| i32::try_from(id).ok())
        .collect();
    let mut users: HashMap<i64, UserPublic> = db::user_views::find_by_ids(&state.db, &user_ids)
        .await?
        .iter()
        .map(|u| (i64::from(u.id), UserPublic::from(u)))
        .collect();
    let base = &state.config.vault_public_base_url;
    let views = db::post_views::load_many(&state.db, &ids("posts")).await?;
    let posts = views
        .into_iter()
        .map(|v| Post::from_view(v, base))
        .collect();
    let mut posts: HashMap<i64, Post> = personalise(state, Some(me), posts)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let r = reader(viewer(Some(me)));
    let mut playlists: HashMap<i64, Playlist> =
        db::playlists::find_by_ids(&state.db, &ids("playlists"), r)
            .await?
            .into_iter()
            .map(|p| (p.id, Playlist::from(p)))
            .collect();
    Ok(hits
        .iter()
        .filter_map(|h| match h.kind.as_str() {
            "users" => users.remove(&h.id).map(|user| SearchItem::Users { user }),
            "posts" => posts.remove(&h.id).map(|post| SearchItem::Posts {
                post: Box::new(post),
            }),
            _ => playlists
                .remove(&h.id)
                .map(|playlist| SearchItem::Playlists { playlist }),
        })
        .collect())
}
