//! Phase A: dimensions hand-read from the file header and the size rule, before any decoder
//! allocates, plus a bounded structural walk of PNG and WebP chunks that the decoders trust.
use domain::limits::{FREE_FORM_MAX, FREE_FORM_MIN, SMALL_WHITELIST};

use super::{InspectError, MAX_FRAMES};
use crate::Format;

/// The artwork size rule (http-api §1.9): sides 1..=256; both ≥128 is free-form, anything
/// smaller must be on the whitelist in either orientation.
pub fn size_allowed(width: u32, height: u32) -> bool {
    if width == 0 || height == 0 || width > FREE_FORM_MAX || height > FREE_FORM_MAX {
        return false;
    }
    if width >= FREE_FORM_MIN && height >= FREE_FORM_MIN {
        return true;
    }
    SMALL_WHITELIST
        .iter()
        .any(|&(w, h)| (w, h) == (width, height) || (h, w) == (width, height))
}

fn bytes_at<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    bytes_at::<2>(b, at).map(|v| u32::from(u16::from_le_bytes(v)))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    bytes_at::<3>(b, at).map(|[x, y, z]| u32::from_le_bytes([x, y, z, 0]))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    bytes_at::<4>(b, at).map(u32::from_le_bytes)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    bytes_at::<4>(b, at).map(u32::from_be_bytes)
}

/// Width and height as the header declares them; `None` when the header is short or malformed.
/// The caller has already matched the magic bytes to `format`.
pub(crate) fn dimensions(format: Format, b: &[u8]) -> Option<(u32, u32)> {
    match format {
        Format::Png => {
            if b.get(12..16)? != b"IHDR" || be32(b, 8)? != 13 {
                return None;
            }
            Some((be32(b, 16)?, be32(b, 20)?))
        }
        Format::Gif => Some((le16(b, 6)?, le16(b, 8)?)),
        Format::Webp => match b.get(12..16)? {
            b"VP8 " => vp8_dimensions(b.get(20..)?),
            b"VP8L" => vp8l_dimensions(b.get(20..)?),
            b"VP8X" => Some((le24(b, 24)? + 1, le24(b, 27)? + 1)),
            _ => None,
        },
        Format::Bmp => {
            let dib = le32(b, 14)?;
            if dib == 12 {
                return Some((le16(b, 18)?, le16(b, 20)?));
            }
            if dib < 16 {
                return None;
            }
            let w = i32::from_le_bytes(bytes_at(b, 18)?);
            // A negative height marks a top-down bitmap; the size is its magnitude.
            let h = i32::from_le_bytes(bytes_at(b, 22)?);
            Some((u32::try_from(w).ok()?, h.unsigned_abs()))
        }
    }
}

/// A VP8 keyframe header: 3-byte tag, start code, then 14-bit sides.
fn vp8_dimensions(p: &[u8]) -> Option<(u32, u32)> {
    if p.get(3..6)? != [0x9d, 0x01, 0x2a] {
        return None;
    }
    Some((le16(p, 6)? & 0x3fff, le16(p, 8)? & 0x3fff))
}

/// A VP8L header: signature 0x2f, then 14-bit `width-1` and `height-1`.
fn vp8l_dimensions(p: &[u8]) -> Option<(u32, u32)> {
    if *p.first()? != 0x2f {
        return None;
    }
    let bits = le32(p, 1)?;
    Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
}

/// What a PNG declares before its image data (colour type, tRNS, acTL).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PngHeader {
    pub color_type: u8,
    pub has_trns: bool,
    pub animation_frames: Option<u32>,
}

/// Walks PNG chunks up to the first IDAT. The decoder re-validates everything; this only reads
/// what the format declares (for the meta flags) and refuses absurd APNG frame counts early.
pub(crate) fn png_header(b: &[u8]) -> Result<PngHeader, InspectError> {
    let unreadable = InspectError::HeaderUnreadable(Format::Png);
    let mut head = PngHeader {
        color_type: *b.get(25).ok_or(unreadable.clone())?,
        ..PngHeader::default()
    };
    let mut pos: usize = 8;
    while let (Some(len), Some(kind)) = (be32(b, pos), b.get(pos + 4..pos + 8)) {
        match kind {
            b"IDAT" | b"IEND" => break,
            b"tRNS" => head.has_trns = true,
            b"acTL" => {
                let frames = be32(b, pos + 8).ok_or(unreadable.clone())?;
                if frames > MAX_FRAMES {
                    return Err(InspectError::TooManyFrames { limit: MAX_FRAMES });
                }
                head.animation_frames = Some(frames);
            }
            _ => {}
        }
        // length + type + data + CRC; a length past the end simply ends the walk.
        pos = match usize::try_from(len)
            .ok()
            .and_then(|l| pos.checked_add(l)?.checked_add(12))
        {
            Some(next) => next,
            None => break,
        };
    }
    Ok(head)
}

/// Walks every WebP chunk (and the sub-chunks of each ANMF) and checks each VP8/VP8L bitstream
/// header against the canvas. The lossy decoder sizes its buffers from the bitstream's own
/// header before comparing it with the container, so a frame claiming 16383x16383 inside a
/// 16x16 canvas would otherwise allocate hundreds of megabytes.
pub(crate) fn webp_preflight(b: &[u8], width: u32, height: u32) -> Result<(), InspectError> {
    let mut frames: u32 = 0;
    for (kind, payload) in riff_chunks(b, 12) {
        match kind {
            b"VP8 " | b"VP8L" => check_bitstream(kind, payload, width, height)?,
            b"ANMF" => {
                frames += 1;
                if frames > MAX_FRAMES {
                    return Err(InspectError::TooManyFrames { limit: MAX_FRAMES });
                }
                let (Some(fw), Some(fh)) = (le24(payload, 6), le24(payload, 9)) else {
                    continue;
                };
                let (fw, fh) = ((fw + 1).min(width), (fh + 1).min(height));
                for (sub, data) in riff_chunks(payload, 16) {
                    if let b"VP8 " | b"VP8L" = sub {
                        check_bitstream(sub, data, fw, fh)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_bitstream(kind: &[u8], p: &[u8], width: u32, height: u32) -> Result<(), InspectError> {
    let dims = if kind == b"VP8 " {
        vp8_dimensions(p)
    } else {
        vp8l_dimensions(p)
    };
    match dims {
        Some((w, h)) if w > width || h > height => Err(InspectError::Decode {
            format: Format::Webp,
            detail: format!("a {w}x{h} frame does not fit the {width}x{height} canvas"),
        }),
        // Too short to read: the decoder fails on it before allocating anything.
        _ => Ok(()),
    }
}

/// RIFF chunks from `start`: (fourcc, payload clipped to the buffer). Stops at the first
/// header that does not fit.
fn riff_chunks(b: &[u8], start: usize) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut pos = Some(start);
    std::iter::from_fn(move || {
        let at = pos?;
        let kind = b.get(at..at + 4)?;
        let len = usize::try_from(le32(b, at + 4)?).ok()?;
        let body = at + 8;
        let end = body.saturating_add(len).min(b.len());
        pos = body.checked_add(len)?.checked_add(len & 1);
        Some((kind, b.get(body..end)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitelist_and_free_form() {
        for (w, h) in SMALL_WHITELIST {
            assert!(size_allowed(w, h), "{w}x{h}");
            assert!(size_allowed(h, w), "{h}x{w}");
        }
        for (w, h) in [(128, 128), (128, 200), (256, 256), (200, 128), (129, 255)] {
            assert!(size_allowed(w, h), "{w}x{h}");
        }
        for (w, h) in [
            (100, 100),
            (16, 64),
            (257, 64),
            (0, 8),
            (8, 0),
            (257, 257),
            (256, 257),
            (127, 128),
            (64, 129),
            (1, 1),
        ] {
            assert!(!size_allowed(w, h), "{w}x{h}");
        }
    }

    #[test]
    fn riff_walk_is_bounded() {
        let mut b = b"RIFF\0\0\0\0WEBP".to_vec();
        b.extend_from_slice(b"ANMF\xff\xff\xff\xff");
        b.extend_from_slice(&[0; 10]);
        let chunks: Vec<_> = riff_chunks(&b, 12).collect();
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].1.len(), 10);
    }

    #[test]
    fn bmp_top_down_height() {
        let mut b = b"BM".to_vec();
        b.extend_from_slice(&[0; 12]);
        b.extend_from_slice(&40u32.to_le_bytes());
        b.extend_from_slice(&16i32.to_le_bytes());
        b.extend_from_slice(&(-32i32).to_le_bytes());
        assert_eq!(dimensions(Format::Bmp, &b), Some((16, 32)));
        b[18..22].copy_from_slice(&(-16i32).to_le_bytes());
        assert_eq!(dimensions(Format::Bmp, &b), None);
    }
}
