//! Renditions (SSAFPP, data-and-ops §2.5): the other formats of an inspected artwork and the
//! nearest-neighbour upscaled WebP preview. Pure: bytes in, bytes out.
mod encode;
#[cfg(test)]
mod tests;
mod webp;

use crate::decode::FrameSource;
use crate::inspect::{effective_delay_ms, InspectError, Inspection};
use crate::Format;

/// The upscaled preview's longest side is at most this.
pub const UPSCALE_MAX_SIDE: u32 = 768;
/// Animated previews keep at most this many source frames.
pub const UPSCALE_MAX_FRAMES: u32 = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The bytes no longer decode (or never matched the inspection).
    #[error(transparent)]
    Source(#[from] InspectError),
    #[error("the file does not match its inspection")]
    Mismatch,
    #[error("encoding {format} failed: {detail}")]
    Encode { format: Format, detail: String },
}

/// The formats an artwork is converted to: static posts get PNG, GIF, WebP and BMP, animated
/// posts GIF and WebP; the native format is never re-encoded.
pub fn variant_formats(inspection: &Inspection) -> Vec<Format> {
    let all: &[Format] = if inspection.is_animated() {
        &[Format::Gif, Format::Webp]
    } else {
        &[Format::Png, Format::Gif, Format::Webp, Format::Bmp]
    };
    all.iter()
        .copied()
        .filter(|&f| f != inspection.native_format)
        .collect()
}

fn open<'a>(inspection: &Inspection, bytes: &'a [u8]) -> Result<FrameSource<'a>, RenderError> {
    let source = FrameSource::open(inspection.native_format, bytes)?;
    if source.dimensions() != (inspection.width, inspection.height) {
        return Err(RenderError::Mismatch);
    }
    Ok(source)
}

/// Feeds up to `limit` source frames to `emit`, folding runs of identical frames into one
/// frame whose delay is their sum (each delay normalised as players show it).
fn merged_frames(
    source: &mut FrameSource<'_>,
    limit: u32,
    mut emit: impl FnMut(&[u8], u32) -> Result<(), RenderError>,
) -> Result<(), RenderError> {
    let mut held: Vec<u8> = Vec::new();
    let mut held_delay: Option<u32> = None;
    for _ in 0..limit {
        let Some(delay) = source.next_frame()? else {
            break;
        };
        let delay = effective_delay_ms(delay);
        match held_delay {
            Some(d) if held.as_slice() == source.rgba() => {
                held_delay = Some(d.saturating_add(delay));
            }
            _ => {
                if let Some(d) = held_delay {
                    emit(&held, d)?;
                }
                held.clear();
                held.extend_from_slice(source.rgba());
                held_delay = Some(delay);
            }
        }
    }
    match held_delay {
        Some(d) => emit(&held, d),
        None => Err(RenderError::Mismatch),
    }
}

/// Every rendition of the artwork, in the order of [`variant_formats`].
pub fn variants(
    inspection: &Inspection,
    bytes: &[u8],
) -> Result<Vec<(Format, Vec<u8>)>, RenderError> {
    let formats = variant_formats(inspection);
    let mut source = open(inspection, bytes)?;
    let (w, h) = (inspection.width, inspection.height);
    let mut out = Vec::with_capacity(formats.len());
    if !inspection.is_animated() {
        if source.next_frame()?.is_none() {
            return Err(RenderError::Mismatch);
        }
        let rgba = source.rgba();
        for format in formats {
            let data = match format {
                Format::Png => encode::png(rgba, w, h)?,
                Format::Bmp => encode::bmp(rgba, w, h)?,
                Format::Webp => webp::still(rgba, w, h)?,
                Format::Gif => {
                    let mut gif = encode::GifWriter::new(w, h, false)?;
                    gif.push(rgba, 0)?;
                    gif.finish()?
                }
            };
            out.push((format, data));
        }
        return Ok(out);
    }
    let mut gif = match formats.contains(&Format::Gif) {
        true => Some(encode::GifWriter::new(w, h, true)?),
        false => None,
    };
    let mut anim = formats
        .contains(&Format::Webp)
        .then(|| webp::AnimatedWebp::new(w, h));
    merged_frames(&mut source, u32::MAX, |rgba, delay| {
        if let Some(g) = gif.as_mut() {
            g.push(rgba, delay)?;
        }
        if let Some(a) = anim.as_mut() {
            a.push(rgba, delay)?;
        }
        Ok(())
    })?;
    if let Some(g) = gif {
        out.push((Format::Gif, g.finish()?));
    }
    if let Some(a) = anim {
        out.push((Format::Webp, a.finish()?));
    }
    Ok(out)
}

/// The integer scale of the upscaled preview: the largest that keeps the longest side within
/// [`UPSCALE_MAX_SIDE`] (64x64 → 12, 200x150 → 3), never below 1.
pub fn upscale_factor(width: u32, height: u32) -> u32 {
    (UPSCALE_MAX_SIDE / width.max(height).max(1)).max(1)
}

/// Nearest-neighbour scale of an RGBA8 image by `k` in both directions.
fn upscale(rgba: &[u8], width: u32, k: u32) -> Vec<u8> {
    let (k, row_px) = (k as usize, width as usize);
    let mut out = Vec::with_capacity(rgba.len() * k * k);
    let mut row = Vec::with_capacity(row_px * k * 4);
    for src in rgba.chunks_exact(row_px * 4) {
        row.clear();
        for px in src.chunks_exact(4) {
            for _ in 0..k {
                row.extend_from_slice(px);
            }
        }
        for _ in 0..k {
            out.extend_from_slice(&row);
        }
    }
    out
}

/// The `_upscaled.webp` preview: nearest-neighbour by [`upscale_factor`], lossless, animated
/// for animated sources with at most [`UPSCALE_MAX_FRAMES`] frames and their timing kept.
pub fn upscaled_webp(inspection: &Inspection, bytes: &[u8]) -> Result<Vec<u8>, RenderError> {
    let mut source = open(inspection, bytes)?;
    let (w, h) = (inspection.width, inspection.height);
    let k = upscale_factor(w, h);
    let (uw, uh) = (w * k, h * k);
    if !inspection.is_animated() {
        if source.next_frame()?.is_none() {
            return Err(RenderError::Mismatch);
        }
        return webp::still(&upscale(source.rgba(), w, k), uw, uh);
    }
    let mut anim = webp::AnimatedWebp::new(uw, uh);
    merged_frames(&mut source, UPSCALE_MAX_FRAMES, |rgba, delay| {
        anim.push(&upscale(rgba, w, k), delay)
    })?;
    anim.finish()
}
