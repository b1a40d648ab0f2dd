//! Reads the upload form: the `image` file and the text fields, with the file bounded by the
//! route's body limit so an oversized upload is refused before it is buffered whole.
use axum::extract::multipart::{Multipart, MultipartError};
use axum::http::StatusCode;

use crate::error::{code_for_status, ApiError};

#[derive(Debug, Default)]
pub struct UploadForm {
    pub image: Option<(String, Vec<u8>)>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub hashtags: Option<String>,
    pub hidden_by_user: Option<String>,
    pub license_id: Option<String>,
}

/// Text fields are small; anything longer than this is refused rather than buffered.
const MAX_TEXT_FIELD: usize = 64 * 1024;

fn multipart_error(e: MultipartError) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            status,
            "file_too_large",
            "File is too large; the limit is 5 MiB",
        );
    }
    ApiError::new(status, code_for_status(status), e.body_text())
}

pub async fn read(mut mp: Multipart) -> Result<UploadForm, ApiError> {
    let mut form = UploadForm::default();
    while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "image" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            form.image = Some((filename, bytes.to_vec()));
            continue;
        }
        let slot = match name.as_str() {
            "title" => &mut form.title,
            "description" => &mut form.description,
            "hashtags" => &mut form.hashtags,
            "hidden_by_user" => &mut form.hidden_by_user,
            "license_id" => &mut form.license_id,
            // Provenance and mkpx fields are accepted and ignored until those features exist.
            _ => continue,
        };
        let text = field.text().await.map_err(multipart_error)?;
        if text.len() > MAX_TEXT_FIELD {
            return Err(ApiError::invalid_field(
                "form",
                format!("{name} is too long"),
            ));
        }
        *slot = Some(text);
    }
    Ok(form)
}

/// "true", "1" and "yes" mean yes, as in the original.
pub fn truthy(v: Option<&str>) -> bool {
    matches!(
        v.map(|s| s.trim().to_ascii_lowercase()).as_deref(),
        Some("true" | "1" | "yes")
    )
}
