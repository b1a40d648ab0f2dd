//! `POST /v1/user/{user_key}/avatar`: stores a new avatar (PNG, JPEG, GIF or WebP, at most
//! 5 MiB) under a fresh UUID, bytes as uploaded, then deletes the previous file.
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::Json;
use media::AvatarFormat;
use uuid::Uuid;
use vault::{Area, Ext};

use super::{begin, commit, ensure_can_manage, remove_avatar_file, user_by_key};
use crate::dto::user::UserFull;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, RateLimiter};
use crate::limits;
use crate::state::AppState;

pub const MAX_AVATAR_BYTES: usize = 5 * 1024 * 1024;
/// Room for the multipart framing around a file of the maximum size.
pub const AVATAR_BODY_LIMIT: usize = MAX_AVATAR_BYTES + 64 * 1024;

/// The multipart form of the upload, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AvatarForm {
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    image: String,
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        "Avatar must be at most 5 MiB",
    )
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        ApiError::bad_request(format!("Malformed multipart body: {}", e.body_text()))
    }
}

/// The bytes of the `image` field, stopping as soon as they pass the size limit.
async fn read_image(mut form: Multipart) -> ApiResult<Vec<u8>> {
    while let Some(mut field) = form.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("image") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > MAX_AVATAR_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(ApiError::invalid_field("image", "Field required"))
}

fn vault_ext(f: AvatarFormat) -> Ext {
    match f {
        AvatarFormat::Png => Ext::Png,
        AvatarFormat::Jpeg => Ext::Jpg,
        AvatarFormat::Gif => Ext::Gif,
        AvatarFormat::Webp => Ext::Webp,
    }
}

#[utoipa::path(post, path = "/v1/user/{user_key}/avatar", tag = "users", security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    request_body(content = AvatarForm, content_type = "multipart/form-data"),
    responses((status = 201, body = UserFull),
              (status = 400, description = "Not a PNG, JPEG, GIF or WebP image"),
              (status = 403, description = "Not your profile"),
              (status = 404, description = "Unknown user"),
              (status = 413, description = "Larger than 5 MiB (`file_too_large`)"),
              (status = 422, description = "No `image` field"),
              (status = 429, description = "More than 20 uploads an hour"),
              (status = 507, description = "The vault is full")))]
pub async fn upload_avatar(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    limiter: RateLimiter,
    Path(user_key): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<UserFull>)> {
    let target = user_by_key(&state, &user_key).await?;
    ensure_can_manage(&actor, &target)?;
    limiter.check(limits::AVATAR, &actor.id.to_string()).await?;
    let form = form.map_err(|_| {
        ApiError::invalid_field("image", "Expected multipart/form-data with an image field")
    })?;
    let bytes = read_image(form).await?;
    let info = media::inspect_avatar(&bytes).map_err(|e| ApiError::bad_request(e.to_string()))?;

    let key = Uuid::new_v4();
    let ext = vault_ext(info.format);
    state.vault.write(Area::Avatar, &key, ext, &bytes).await?;
    let url = format!(
        "{}/{}",
        state.config.vault_public_base_url.trim_end_matches('/'),
        vault::relative_path(Area::Avatar, &key, ext)
    );
    let storage_key = super::avatar_storage_key(&key, ext);
    match point_at(&state, target.id, &url, &storage_key).await {
        Ok((user, old_key)) => {
            remove_avatar_file(&state, old_key.as_deref()).await;
            Ok((StatusCode::CREATED, Json(UserFull::from(&user))))
        }
        Err(e) => {
            // Nothing refers to the new file: remove it rather than leave an orphan.
            remove_avatar_file(&state, Some(&storage_key)).await;
            Err(e)
        }
    }
}

/// Points the user at the new file; returns the updated row and the key of the file replaced.
async fn point_at(
    state: &AppState,
    user_id: i32,
    url: &str,
    storage_key: &str,
) -> ApiResult<(db::users::UserRow, Option<String>)> {
    let mut tx = begin(state).await?;
    let old = db::users::lock_by_id(&mut tx, user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    db::users::set_avatar(&mut tx, user_id, Some(url), Some(storage_key)).await?;
    let user = db::users::find_by_id(&mut *tx, user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    commit(tx).await?;
    Ok((user, old.avatar_storage_key))
}
