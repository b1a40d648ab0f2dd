//! Artwork inspection (AMP, data-and-ops §2.3): name and magic checks, header dimensions and the
//! size rule before any decode, then a bounded full decode for frames, timing, colours and alpha.
mod header;
mod stats;
#[cfg(test)]
mod tests;

use domain::limits::{MAX_ART_FILE_BYTES, SMALL_WHITELIST};
use sha2::{Digest, Sha256};

pub use header::size_allowed;
pub(crate) use header::{dimensions, png_header, webp_preflight};
pub(crate) use stats::effective_delay_ms;

use crate::decode::FrameSource;
use crate::Format;

/// Frames decoded at most per file; a longer animation is refused.
pub const MAX_FRAMES: u32 = 4096;
/// Canvas pixels composited at most across all frames (2048 frames of 256x256): bounds the CPU
/// time of one inspection or rendition whatever the frame count claims.
pub const MAX_DECODED_PIXELS: u64 = 1 << 27;
/// Unique colours are counted over this many leading frames (as AMP does).
pub const UNIQUE_COLOR_FRAMES: u32 = 1024;

/// What the pipeline stores about an accepted artwork file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub native_format: Format,
    pub width: u32,
    pub height: u32,
    pub file_bytes: u64,
    pub frame_count: u32,
    /// Smallest declared delay among frames with a positive delay; `None` for still images.
    pub min_frame_duration_ms: Option<u32>,
    pub max_frame_duration_ms: Option<u32>,
    /// One loop, with missing or ≤10 ms delays counted as 100 ms and a total ≤30 stored as 30;
    /// `None` for still images. Saturates at `i32::MAX` so it fits an SQL `integer`.
    pub total_duration_ms: Option<u32>,
    /// Largest number of distinct RGBA values in one composited frame (fully transparent pixels
    /// count as one colour), over the first [`UNIQUE_COLOR_FRAMES`] frames.
    pub unique_colors: u32,
    /// The format declares transparency (alpha channel, tRNS, a GIF transparent index).
    pub transparency_meta: bool,
    /// The format declares a full alpha channel.
    pub alpha_meta: bool,
    /// Some pixel is not fully opaque (only when `transparency_meta`).
    pub transparency_actual: bool,
    /// Some pixel is partially transparent (only when `alpha_meta`).
    pub alpha_actual: bool,
    /// Lower-case hex SHA-256 of the whole file.
    pub sha256: String,
}

impl Inspection {
    pub fn is_animated(&self) -> bool {
        self.frame_count > 1
    }
}

/// Why a file was refused. The message is written for the uploader; the API answers 400
/// `bad_request` with it, except [`InspectError::TooLarge`], which is 413 `file_too_large`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    #[error("the file name must end in .png, .gif, .webp or .bmp")]
    InvalidExtension,
    #[error("the file is too large ({bytes} bytes); the limit is {limit} bytes")]
    TooLarge { bytes: u64, limit: u64 },
    #[error("the file is named .{} but {}", .named.extension(), mismatch(.found))]
    FormatMismatch {
        named: Format,
        found: Option<Format>,
    },
    #[error("the {0} header could not be read")]
    HeaderUnreadable(Format),
    #[error("{}", dimensions_message(*.width, *.height))]
    InvalidDimensions { width: u32, height: u32 },
    #[error("the animation has more than {limit} frames")]
    TooManyFrames { limit: u32 },
    #[error("the animation is too long to process (over {limit} pixels across its frames)")]
    TooManyPixels { limit: u64 },
    #[error("the {format} image could not be decoded: {detail}")]
    Decode { format: Format, detail: String },
}

impl InspectError {
    /// True for the size-limit refusal, which the API answers with 413 rather than 400.
    pub fn is_too_large(&self) -> bool {
        matches!(self, InspectError::TooLarge { .. })
    }

    pub(crate) fn decode(format: Format, err: impl std::fmt::Display) -> Self {
        InspectError::Decode {
            format,
            detail: err.to_string(),
        }
    }
}

fn mismatch(found: &Option<Format>) -> String {
    match found {
        Some(f) => format!("its content is {f}"),
        None => "its content is not a PNG, GIF, WebP or BMP image".to_owned(),
    }
}

fn dimensions_message(width: u32, height: u32) -> String {
    let sizes: Vec<String> = SMALL_WHITELIST
        .iter()
        .filter(|(w, h)| w <= h)
        .map(|(w, h)| format!("{w}x{h}"))
        .collect();
    format!(
        "{width}x{height} is not an allowed size: each side must be 1 to {max}; unless both \
         sides are at least {min}, the size must be one of {} (either orientation)",
        sizes.join(", "),
        max = domain::limits::FREE_FORM_MAX,
        min = domain::limits::FREE_FORM_MIN,
    )
}

/// Phase A on its own: name, size limit, magic and header dimensions, with no decode.
/// Returns the format and the declared size.
pub fn check_header(filename: &str, bytes: &[u8]) -> Result<(Format, u32, u32), InspectError> {
    let named = Format::from_filename(filename).ok_or(InspectError::InvalidExtension)?;
    let file_bytes = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if file_bytes > MAX_ART_FILE_BYTES {
        return Err(InspectError::TooLarge {
            bytes: file_bytes,
            limit: MAX_ART_FILE_BYTES,
        });
    }
    let found = Format::sniff(bytes);
    if found != Some(named) {
        return Err(InspectError::FormatMismatch { named, found });
    }
    let (width, height) = checked_dimensions(named, bytes)?;
    Ok((named, width, height))
}

/// Header dimensions that pass the size rule; shared with the frame source so that no path
/// reaches a decoder without it.
pub(crate) fn checked_dimensions(format: Format, bytes: &[u8]) -> Result<(u32, u32), InspectError> {
    let (width, height) =
        dimensions(format, bytes).ok_or(InspectError::HeaderUnreadable(format))?;
    if !size_allowed(width, height) {
        return Err(InspectError::InvalidDimensions { width, height });
    }
    Ok((width, height))
}

/// Inspects an uploaded artwork file. `filename` is the client's name (only its extension
/// matters); `bytes` is the whole file. Pure and bounded in memory and time on any input.
pub fn inspect(filename: &str, bytes: &[u8]) -> Result<Inspection, InspectError> {
    let (format, width, height) = check_header(filename, bytes)?;
    let mut source = FrameSource::open(format, bytes)?;
    let mut stats = stats::Stats::new();
    while let Some(delay) = source.next_frame()? {
        stats.add(source.rgba(), delay);
    }
    let meta = source.meta();
    let summary = stats.finish();
    if summary.frame_count == 0 {
        return Err(InspectError::decode(format, "the file holds no image"));
    }
    Ok(Inspection {
        native_format: format,
        width,
        height,
        file_bytes: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        frame_count: summary.frame_count,
        min_frame_duration_ms: summary.min_delay_ms,
        max_frame_duration_ms: summary.max_delay_ms,
        total_duration_ms: summary.total_ms,
        unique_colors: summary.unique_colors,
        transparency_meta: meta.transparency,
        alpha_meta: meta.alpha,
        transparency_actual: meta.transparency && summary.any_transparent,
        alpha_actual: meta.alpha && summary.any_partial_alpha,
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}
