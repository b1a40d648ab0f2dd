//! `GET /v1/config`: public limits and upload rules, cacheable with an ETag.
use std::sync::LazyLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::limits as l;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The body never changes while the process runs, so it is rendered once.
static BODY: LazyLock<(String, String)> = LazyLock::new(|| {
    let body = render().to_string();
    let etag = format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(body.as_bytes()))[..16]
    );
    (body, etag)
});

fn render() -> Value {
    let whitelist: Vec<[u32; 2]> = l::SMALL_WHITELIST.iter().map(|&(w, h)| [w, h]).collect();
    let reasons: Vec<Value> = l::REPORT_REASONS
        .iter()
        .map(|(code, label)| json!({"code": code, "label": label}))
        .collect();
    json!({
        "max_comment_depth": l::MAX_COMMENT_DEPTH,
        "max_comments_per_post": l::MAX_COMMENTS_PER_POST,
        "max_emojis_per_user_per_post": l::MAX_EMOJIS_PER_USER_PER_POST,
        "max_hashtags_per_post": l::MAX_HASHTAGS_PER_POST,
        "max_mod_hashtags_per_post": l::MAX_MOD_HASHTAGS_PER_POST,
        "allowed_dimensions": whitelist,
        "max_art_file_bytes_default": l::MAX_ART_FILE_BYTES,
        "upload": {
            "formats": l::UPLOAD_FORMATS,
            "max_file_bytes": l::MAX_ART_FILE_BYTES,
            "free_form_min": l::FREE_FORM_MIN,
            "free_form_max": l::FREE_FORM_MAX,
            "small_whitelist": whitelist,
            "rotations_allowed": true,
            "mkpx": {"enabled": true, "max_file_bytes": l::MKPX_MAX_FILE_BYTES},
        },
        "moderation": {
            "report_reasons": reasons,
            "contact_email": "moderation@makapix.club",
            "guidelines_url": "/about/guidelines",
            "moderation_policy_url": "/about/moderation",
            "terms_url": "/about/terms",
            "max_blocks_per_user": l::MAX_BLOCKS_PER_USER,
        },
    })
}

#[utoipa::path(get, path = "/v1/config", tag = "system",
    responses((status = 200, description = "Public limits and upload rules", body = Object),
              (status = 304, description = "Not modified")))]
pub async fn get_config(headers: HeaderMap) -> Response {
    let (body, etag) = &*BODY;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let status = if matches {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut resp = if matches {
        status.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
    };
    let h = resp.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    resp
}
