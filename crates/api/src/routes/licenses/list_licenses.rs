//! `GET /v1/license`: every licence, in id order, for the upload form's choice.
//!
//! The table changes only through migrations, so browsers and proxies may keep the answer
//! for an hour; a deploy that adds a licence is visible to new uploads within that hour.
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dto::post::License;
use crate::error::ApiResult;
use crate::state::AppState;

const CACHE_CONTROL: &str = "public, max-age=3600";

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LicenseList {
    pub items: Vec<License>,
}

#[utoipa::path(get, path = "/v1/license", tag = "posts",
    responses((status = 200, description = "All licences, by id", body = LicenseList)))]
pub async fn list_licenses(State(state): State<AppState>) -> ApiResult<Response> {
    let items = db::post_views::all_licenses(&state.db)
        .await?
        .into_iter()
        .map(|l| License {
            id: l.id,
            identifier: l.identifier,
            title: l.title,
            canonical_url: l.canonical_url,
            badge_path: l.badge_path,
        })
        .collect();
    let mut resp = Json(LicenseList { items }).into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    Ok(resp)
}
