//! `GET /v1/d/{sqid}` and `GET /v1/d/{sqid}.{gif|png|bmp|webp}`: streams an artwork file from
//! the vault as an attachment, under the direct-access rules of a permalink. Without an
//! extension the native file is sent; a rendition that does not exist yet is a 404 that lists
//! the formats that do. The vault path comes from the stored key and a closed set of formats.
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use media::Format;
use serde_json::json;
use tokio::io::AsyncReadExt;
use vault::Area;

use super::{flags, post_not_found, store, viewer};
use crate::error::{ApiError, ApiResult};
use crate::extract::MaybeAuthUser;
use crate::state::AppState;

const CHUNK: usize = 64 * 1024;

/// Splits `{sqid}` or `{sqid}.{ext}` (axum cannot match part of a segment).
fn parse_file(file: &str) -> ApiResult<(&str, Option<Format>)> {
    match file.rsplit_once('.') {
        None => Ok((file, None)),
        Some((sqid, ext)) => Format::from_extension(ext)
            .map(|f| (sqid, Some(f)))
            .ok_or_else(|| ApiError::bad_request("Unsupported format; use gif, png, bmp or webp")),
    }
}

fn not_generated(wanted: Format, stored: &[db::post_views::FileRow]) -> ApiError {
    let available: Vec<&str> = stored
        .iter()
        .filter_map(|f| Format::from_extension(&f.format))
        .map(Format::extension)
        .collect();
    ApiError::not_found(format!(
        "The {} version of this artwork is not available yet",
        wanted.name()
    ))
    .with_details(json!({ "formats_available": available }))
}

/// Reads the file in chunks so a download never holds the whole file in memory.
fn stream(file: tokio::fs::File) -> Body {
    let chunks = futures::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; CHUNK];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            // Ends the stream after reporting the error instead of retrying forever.
            Err(e) => Some((Err(e), None)),
        }
    });
    Body::from_stream(chunks)
}

#[utoipa::path(get, path = "/v1/d/{file}", tag = "posts",
    params(("file" = String, Path, description = "`{sqid}` or `{sqid}.{gif|png|bmp|webp}`")),
    responses((status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"),
              (status = 400, description = "bad_request: unsupported extension"),
              (status = 404, description = "Post not found, or the format is not generated yet (details.formats_available)")))]
pub async fn download(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    Path(file): Path<String>,
) -> ApiResult<Response> {
    let (sqid, wanted) = parse_file(&file)?;
    let id = state.sqids.decode(sqid).ok_or_else(post_not_found)?;
    let post = db::posts::find_by_id(&state.db, id)
        .await?
        .filter(|p| {
            p.public_sqid == sqid
                && p.kind == "artwork"
                && domain::visibility::can_access(&flags(p), viewer(me.as_ref()))
        })
        .ok_or_else(post_not_found)?;
    let native = post
        .native_format
        .as_deref()
        .and_then(Format::from_extension)
        .ok_or_else(post_not_found)?;
    let format = match wanted {
        Some(f) if f != native => {
            let stored = db::post_views::files_of(&state.db, id).await?;
            if !stored.iter().any(|r| r.format == f.extension()) {
                return Err(not_generated(f, &stored));
            }
            f
        }
        _ => native,
    };
    let path = state.vault.path(
        Area::Artwork,
        &post.storage_key,
        store::ext_of(format.extension()),
    );
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(
                post_id = id,
                format = format.extension(),
                "recorded file missing from the vault"
            );
            return Err(ApiError::not_found("File not found"));
        }
        Err(e) => return Err(ApiError::internal(e)),
    };
    let len = file.metadata().await.map_err(ApiError::internal)?.len();
    let disposition = format!(
        "attachment; filename=\"{}.{}\"",
        post.public_sqid,
        format.extension()
    );
    let mut resp = Response::new(stream(file));
    *resp.status_mut() = StatusCode::OK;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.mime()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(ApiError::internal)?,
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(resp)
}
