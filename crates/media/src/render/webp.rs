//! Lossless WebP output: stills through `image-webp`, animations as an extended (VP8X/ANIM/ANMF)
//! container around per-frame VP8L bitstreams from the same encoder, so no C library is needed.
use image_webp::{ColorType, WebPEncoder};

use super::RenderError;
use crate::Format;

fn encode_err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Encode {
        format: Format::Webp,
        detail: e.to_string(),
    }
}

pub(crate) fn is_opaque(rgba: &[u8]) -> bool {
    rgba.chunks_exact(4).all(|px| px[3] == 255)
}

/// A still, lossless WebP (RGB when every pixel is opaque, so viewers skip alpha).
pub(crate) fn still(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::new();
    if is_opaque(rgba) {
        let rgb: Vec<u8> = rgba
            .chunks_exact(4)
            .flat_map(|px| [px[0], px[1], px[2]])
            .collect();
        WebPEncoder::new(&mut out)
            .encode(&rgb, width, height, ColorType::Rgb8)
            .map_err(encode_err)?;
    } else {
        WebPEncoder::new(&mut out)
            .encode(rgba, width, height, ColorType::Rgba8)
            .map_err(encode_err)?;
    }
    Ok(out)
}

/// The VP8L chunk (header, payload, padding) of a lossless encoding of `rgba`.
fn vp8l_chunk(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, RenderError> {
    let mut file = Vec::new();
    WebPEncoder::new(&mut file)
        .encode(rgba, width, height, ColorType::Rgba8)
        .map_err(encode_err)?;
    // Without metadata the encoder writes the simple layout: RIFF, size, WEBP, then VP8L.
    match file.get(12..) {
        Some(chunk) if chunk.starts_with(b"VP8L") => Ok(chunk.to_vec()),
        _ => Err(encode_err("unexpected encoder output")),
    }
}

fn put24(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.min(0xff_ffff).to_le_bytes()[..3]);
}

/// Builds an animated WebP frame by frame. Each frame after the first is stored as the
/// smallest even-aligned rectangle that changed, drawn without blending, so pixel art loops
/// cost little more than their moving parts.
pub(crate) struct AnimatedWebp {
    width: u32,
    height: u32,
    previous: Vec<u8>,
    body: Vec<u8>,
    alpha: bool,
}

impl AnimatedWebp {
    pub fn new(width: u32, height: u32) -> Self {
        AnimatedWebp {
            width,
            height,
            previous: Vec::new(),
            body: Vec::new(),
            alpha: false,
        }
    }

    /// Adds a full-canvas RGBA frame shown for `delay_ms`.
    pub fn push(&mut self, rgba: &[u8], delay_ms: u32) -> Result<(), RenderError> {
        let (x, y, w, h) = self.changed_rect(rgba);
        let mut sub = Vec::with_capacity(w as usize * h as usize * 4);
        for row in y..y + h {
            let at = (row as usize * self.width as usize + x as usize) * 4;
            sub.extend_from_slice(rgba.get(at..at + w as usize * 4).unwrap_or_default());
        }
        if sub.len() != w as usize * h as usize * 4 {
            return Err(encode_err("frame does not match the canvas"));
        }
        self.alpha |= !is_opaque(&sub);
        let chunk = vp8l_chunk(&sub, w, h)?;
        self.body.extend_from_slice(b"ANMF");
        let size = u32::try_from(16 + chunk.len()).map_err(encode_err)?;
        self.body.extend_from_slice(&size.to_le_bytes());
        put24(&mut self.body, x / 2);
        put24(&mut self.body, y / 2);
        put24(&mut self.body, w - 1);
        put24(&mut self.body, h - 1);
        put24(&mut self.body, delay_ms);
        // Bit 1: do not blend (the rectangle replaces what was there); bit 0 clear: no disposal.
        self.body.push(0b10);
        self.body.extend_from_slice(&chunk);
        self.previous.clear();
        self.previous.extend_from_slice(rgba);
        Ok(())
    }

    /// (x, y, w, h) of the pixels that differ from the previous frame, x and y rounded down to
    /// even as ANMF offsets require; the whole canvas for the first frame.
    fn changed_rect(&self, rgba: &[u8]) -> (u32, u32, u32, u32) {
        let (cw, ch) = (self.width, self.height);
        if self.previous.len() != rgba.len() {
            return (0, 0, cw, ch);
        }
        let (mut x0, mut y0, mut x1, mut y1) = (cw, ch, 0, 0);
        let row_bytes = cw as usize * 4;
        for (y, (a, b)) in rgba
            .chunks_exact(row_bytes)
            .zip(self.previous.chunks_exact(row_bytes))
            .enumerate()
        {
            if a == b {
                continue;
            }
            let y = y as u32;
            y0 = y0.min(y);
            y1 = y1.max(y + 1);
            for (x, (p, q)) in a.chunks_exact(4).zip(b.chunks_exact(4)).enumerate() {
                if p != q {
                    x0 = x0.min(x as u32);
                    x1 = x1.max(x as u32 + 1);
                }
            }
        }
        if x1 == 0 {
            // Unchanged: still one pixel must be stored to carry the delay.
            return (0, 0, 1, 1);
        }
        let (x0, y0) = (x0 & !1, y0 & !1);
        (x0, y0, x1 - x0, y1 - y0)
    }

    pub fn finish(self) -> Result<Vec<u8>, RenderError> {
        let mut head = Vec::with_capacity(50);
        head.extend_from_slice(b"VP8X");
        head.extend_from_slice(&10u32.to_le_bytes());
        head.push(0x02 | if self.alpha { 0x10 } else { 0 });
        head.extend_from_slice(&[0; 3]);
        put24(&mut head, self.width - 1);
        put24(&mut head, self.height - 1);
        head.extend_from_slice(b"ANIM");
        head.extend_from_slice(&6u32.to_le_bytes());
        // Transparent background (BGRA) and loop count 0, which means forever.
        head.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        let riff = u32::try_from(4 + head.len() + self.body.len()).map_err(encode_err)?;
        let mut out = Vec::with_capacity(12 + head.len() + self.body.len());
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&riff.to_le_bytes());
        out.extend_from_slice(b"WEBP");
        out.extend_from_slice(&head);
        out.extend_from_slice(&self.body);
        Ok(out)
    }
}
