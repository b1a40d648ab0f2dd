//! `GET /v1/hashtags`: tags of discoverable artworks with how many carry each, by name,
//! popularity (default) or most recent use; keyset-paged and cached for ten minutes.
//!
//! Monitored hashtags (§1.6) are listed only to viewers who opted into them: anonymous
//! viewers never see them, users see the ones in their `approved_hashtags`. The filter runs in
//! SQL so pages stay full, and the cache key carries the set left out, so viewers with the
//! same opt-ins share entries. Counts are not personalised: a tag's count is every
//! discoverable post carrying it, whoever asks.
use axum::extract::State;
use axum::Json;
use db::hashtags::{TagQuery, TagSort};
use domain::limits::MONITORED_HASHTAGS;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::{decode_cursor, encode_cursor};
use crate::error::ApiResult;
use crate::extract::{MaybeAuthUser, ValidQuery};
use crate::listing::cache::cached;
use crate::routes::users::page;
use crate::state::AppState;

const TTL_SECS: u64 = 600;

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    Alphabetical,
    #[default]
    Popularity,
    Recent,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HashtagParams {
    /// Part of a tag (case-insensitive, `#` optional).
    pub q: Option<String>,
    #[param(inline)]
    pub sort: Option<Sort>,
    pub cursor: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HashtagCount {
    pub tag: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HashtagPage {
    pub items: Vec<HashtagCount>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/hashtags", tag = "hashtags", params(HashtagParams),
    responses((status = 200, body = HashtagPage),
              (status = 422, description = "Unknown sort or limit out of range")))]
pub async fn list_hashtags(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ValidQuery(p): ValidQuery<HashtagParams>,
) -> ApiResult<Json<HashtagPage>> {
    let limit = page::limit(p.limit)?;
    let sort = match p.sort.unwrap_or_default() {
        Sort::Alphabetical => TagSort::Alphabetical,
        Sort::Popularity => TagSort::Popularity,
        Sort::Recent => TagSort::Recent,
    };
    let q =
        p.q.as_deref()
            .map(|q| q.trim().trim_start_matches('#').trim().to_lowercase())
            .filter(|q| !q.is_empty());
    let approved: &[String] = me
        .as_ref()
        .map(|u| u.approved_hashtags.as_slice())
        .unwrap_or(&[]);
    let hidden: Vec<String> = MONITORED_HASHTAGS
        .iter()
        .filter(|t| !approved.iter().any(|a| a == *t))
        .map(|t| t.to_string())
        .collect();
    let after = decode_cursor(sort, p.cursor.as_deref());
    // Keyed on the parsed values, so an unusable cursor shares the first page's entry.
    let shape = format!("{q:?}|{sort:?}|{after:?}|{limit}|{hidden:?}");
    let key = format!(
        "hashtags:list:{}",
        hex::encode(&Sha256::digest(shape.as_bytes())[..16])
    );
    let page = cached(&state, kv::cache::FEEDS, &key, TTL_SECS, || async {
        let query = TagQuery {
            q: q.as_deref(),
            hidden: &hidden,
            sort,
            after: after.clone(),
            limit: limit + 1,
        };
        let rows = db::hashtags::list(&state.db, &query).await?;
        let (rows, more) = page::split(rows, limit);
        let next_cursor = rows.last().filter(|_| more).map(|r| encode_cursor(sort, r));
        Ok(HashtagPage {
            items: rows
                .into_iter()
                .map(|r| HashtagCount {
                    tag: r.tag,
                    count: r.count,
                })
                .collect(),
            next_cursor,
        })
    })
    .await?;
    Ok(Json(page))
}
