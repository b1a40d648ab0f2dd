//! `POST /v1/post/upload`: multipart artwork upload. Checks run in the original's order:
//! rate limit (spent first) → storage quota → inspection (format, size, dimensions) →
//! licence → duplicate hash; then the row and the native file are written together.
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::Json;
use db::users::UserRow;
use media::Inspection;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::form::{self, truthy};
use crate::dto::post::Post;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, RateLimiter};
use crate::routes::auth::me::upload_limit;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct UploadResponse {
    pub post: Post,
    pub message: String,
}

pub(super) fn duplicate(post_id: i64, sqid: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "artwork_duplicate",
        "This artwork has already been uploaded",
    )
    .with_details(json!({"post_id": post_id, "sqid": sqid}))
}

fn megabytes(b: i64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

/// 413 when storing `extra` more bytes would take the member over their storage quota
/// (replace-artwork passes the size difference against the current file).
pub(super) async fn check_quota(state: &AppState, user: &UserRow, extra: i64) -> ApiResult<()> {
    let used = db::post_views::storage_used(&state.db, user.id).await?;
    let limit = domain::limits::storage_limit_bytes(user.reputation);
    if used + extra > limit {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            format!(
                "Storage quota exceeded. Used: {:.1}MB / {:.0}MB",
                megabytes(used),
                megabytes(limit)
            ),
        ));
    }
    Ok(())
}

/// Runs the artwork inspection off the async runtime: 413 for an oversized file, 400 for any
/// other refusal. Hands the bytes back for storing.
pub(super) async fn inspect(filename: String, bytes: Vec<u8>) -> ApiResult<(Inspection, Vec<u8>)> {
    let (insp, bytes) =
        tokio::task::spawn_blocking(move || (media::inspect(&filename, &bytes), bytes))
            .await
            .map_err(ApiError::internal)?;
    let insp = insp.map_err(|e| {
        if e.is_too_large() {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "file_too_large",
                e.to_string(),
            )
        } else {
            ApiError::bad_request(e.to_string())
        }
    })?;
    Ok((insp, bytes))
}

#[utoipa::path(post, path = "/v1/post/upload", tag = "posts", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "image, title, description, hashtags, hidden_by_user, license_id"),
    responses((status = 201, body = UploadResponse), (status = 400, description = "bad_request: format, size or dimensions"),
              (status = 409, description = "artwork_duplicate"), (status = 413, description = "file_too_large or quota"),
              (status = 422, description = "validation_error"), (status = 429, description = "rate_limited")))]
pub async fn upload(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    limiter: RateLimiter,
    multipart: Multipart,
) -> ApiResult<(StatusCode, Json<UploadResponse>)> {
    limiter
        .check(upload_limit(user.reputation), &user.id.to_string())
        .await?;
    let f = form::read(multipart).await?;
    let (filename, bytes) = f
        .image
        .ok_or_else(|| ApiError::invalid_field("image", "field required"))?;
    let title = f
        .title
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if title.is_empty() || title.chars().count() > 128 {
        return Err(ApiError::invalid_field(
            "title",
            "title must be 1-128 characters",
        ));
    }
    let description = f
        .description
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty());
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 5000)
    {
        return Err(ApiError::invalid_field(
            "description",
            "description must be at most 5000 characters",
        ));
    }

    check_quota(&state, &user, bytes.len() as i64).await?;
    let (insp, bytes) = inspect(filename, bytes).await?;
    let license_id = match f
        .license_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => {
            let id: i32 = raw
                .parse()
                .map_err(|_| ApiError::bad_request("Invalid license_id"))?;
            if !db::posts::license_exists(&state.db, id).await? {
                return Err(ApiError::bad_request("Invalid license_id"));
            }
            Some(id)
        }
    };
    let hashtags = domain::hashtags::parse_csv(f.hashtags.as_deref().unwrap_or(""), 64)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    if let Some((id, sqid)) = db::posts::find_live_by_hash(&state.db, &insp.sha256).await? {
        return Err(duplicate(id, &sqid));
    }

    let public = user.auto_public_approval || domain::role::can_moderate(&user.roles);
    let (post_id, storage_key) = super::store::store_new_artwork(
        &state,
        &user,
        &insp,
        &bytes,
        super::store::Meta {
            title: &title,
            description: description.as_deref(),
            hashtags: &hashtags,
            hidden_by_user: truthy(f.hidden_by_user.as_deref()),
            public_visibility: public,
            license_id,
        },
    )
    .await?;
    // Profile lists show pending posts too, so every upload changes some listing.
    crate::cache::post_changed(&state, post_id).await;
    crate::routes::users::profile_stats::stats_changed(&state, user.id).await;
    // The post is saved either way; a failed enqueue only delays its renditions.
    if let Err(e) = state
        .queues
        .render_artwork(jobs::RenderArtwork {
            post_id,
            storage_key,
        })
        .await
    {
        tracing::error!(post_id, error = %e, "could not queue renditions");
    }
    let view = db::post_views::load(&state.db, post_id)
        .await?
        .ok_or_else(|| ApiError::internal("new post vanished"))?;
    let message = if public {
        "Artwork uploaded".to_string()
    } else {
        "Artwork uploaded. It will appear in public feeds after it is reviewed by a moderator."
            .to_string()
    };
    Ok((
        StatusCode::CREATED,
        Json(UploadResponse {
            post: Post::from_view(view, &state.config.vault_public_base_url),
            message,
        }),
    ))
}
