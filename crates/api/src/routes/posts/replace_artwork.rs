//! `POST /v1/post/{id}/replace-artwork`: the author swaps a post's file for a new one. The new
//! file gets a new storage key (vault URLs are immutable), the post's file facts and
//! `post_files` are rewritten in one transaction, and the old key is retired for a week so
//! caches and players holding the old URL keep working until the sweep removes it.
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{Duration, Utc};
use domain::limits::MAX_ART_FILE_BYTES;
use media::Inspection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use vault::Area;

use super::store::{self, as_i32, ext_of};
use super::{flags, form, post_not_found, upload, viewer};
use crate::dto::post::art_url;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, RateLimiter};
use crate::routes::auth::me::upload_limit;
use crate::state::AppState;

/// How long the replaced file stays reachable under its old URL.
const RETIRED_FOR_DAYS: i64 = 7;

#[derive(Serialize, ToSchema)]
pub struct ReplacedPost {
    pub id: i64,
    pub public_sqid: String,
    pub art_url: String,
    pub width: i32,
    pub height: i32,
    pub frame_count: i32,
}

#[derive(Serialize, ToSchema)]
pub struct ReplaceResponse {
    pub message: String,
    pub post: ReplacedPost,
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        "File is too large; the limit is 5 MiB",
    )
}

/// Writes the new file and commits the swap; the file is removed again if the commit fails.
async fn swap(
    state: &AppState,
    post_id: i64,
    old_key: Uuid,
    insp: &Inspection,
    bytes: &[u8],
) -> ApiResult<Uuid> {
    let key = Uuid::new_v4();
    let shard = vault::shard(&key);
    let format = insp.native_format.extension();
    let ext = ext_of(format);
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    // A concurrent replace or delete may have committed since the post was read.
    match db::posts::lock_live_key(&mut tx, post_id).await? {
        None => return Err(post_not_found()),
        Some(k) if k != old_key => {
            return Err(ApiError::conflict(
                "The artwork was changed meanwhile; try again",
            ))
        }
        Some(_) => {}
    }
    let facts = store::facts(insp, key, &shard);
    if let Err(e) = db::post_artwork::set_artwork(&mut tx, post_id, &facts).await {
        drop(tx);
        return Err(store::lost_hash_race(state, e, &insp.sha256).await);
    }
    let formats = db::post_artwork::clear_files(&mut tx, post_id).await?;
    db::posts::upsert_file(&mut tx, post_id, format, facts.file_bytes, true).await?;
    let delete_after = Utc::now() + Duration::days(RETIRED_FOR_DAYS);
    db::post_artwork::retire_key(&mut tx, post_id, old_key, &formats, delete_after).await?;
    state.vault.write(Area::Artwork, &key, ext, bytes).await?;
    if let Err(e) = tx.commit().await {
        let _ = state.vault.delete(Area::Artwork, &key, ext).await;
        return Err(ApiError::internal(e));
    }
    Ok(key)
}

#[utoipa::path(post, path = "/v1/post/{id}/replace-artwork", tag = "posts", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "image"),
    responses((status = 200, body = ReplaceResponse), (status = 400, description = "bad_request: format, dimensions, or the same image"),
              (status = 403, description = "not the author"), (status = 404, description = "Post not found"),
              (status = 409, description = "artwork_duplicate"), (status = 413, description = "file_too_large or quota"),
              (status = 429, description = "rate_limited (shared with upload)")))]
pub async fn replace_artwork(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    limiter: RateLimiter,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> ApiResult<Json<ReplaceResponse>> {
    let post = db::posts::find_by_id(&state.db, id)
        .await?
        .filter(|p| {
            p.kind == "artwork" && domain::visibility::can_access(&flags(p), viewer(Some(&user)))
        })
        .ok_or_else(post_not_found)?;
    if post.owner_id != user.id {
        return Err(ApiError::forbidden(
            "Only the author can replace the artwork",
        ));
    }
    limiter
        .check(upload_limit(user.reputation), &user.id.to_string())
        .await?;
    let (filename, bytes) = form::read(multipart)
        .await?
        .image
        .ok_or_else(|| ApiError::invalid_field("image", "field required"))?;
    if bytes.len() as u64 > MAX_ART_FILE_BYTES {
        return Err(too_large());
    }
    // Quota is charged on the growth over the file being replaced.
    let delta = bytes.len() as i64 - post.file_bytes.unwrap_or(0);
    upload::check_quota(&state, &user, delta).await?;
    let (insp, bytes) = upload::inspect(filename, bytes).await?;
    if post.hash.as_deref() == Some(insp.sha256.as_str()) {
        return Err(ApiError::bad_request(
            "Artwork is identical to the current one",
        ));
    }
    if let Some((other, sqid)) = db::posts::find_live_by_hash(&state.db, &insp.sha256).await? {
        return Err(upload::duplicate(other, &sqid));
    }

    let key = swap(&state, id, post.storage_key, &insp, &bytes).await?;
    crate::cache::post_changed(&state, id).await;
    // The swap is committed either way; a failed enqueue only delays the renditions.
    if let Err(e) = state
        .queues
        .render_artwork(jobs::RenderArtwork {
            post_id: id,
            storage_key: key,
        })
        .await
    {
        tracing::error!(post_id = id, error = %e, "could not queue renditions");
    }
    let format = insp.native_format.extension();
    Ok(Json(ReplaceResponse {
        message: "Artwork replaced".to_string(),
        post: ReplacedPost {
            id,
            public_sqid: post.public_sqid,
            art_url: art_url(&state.config.vault_public_base_url, &key, format),
            width: as_i32(insp.width),
            height: as_i32(insp.height),
            frame_count: as_i32(insp.frame_count),
        },
    }))
}
