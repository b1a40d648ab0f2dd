//! GIF frames composited onto the logical screen, done here rather than by `image` so that each
//! frame's rectangle is budgeted before its pixels are decoded and its transparent index seen.
use std::io::Cursor;
use std::num::NonZeroU64;

use gif::{ColorOutput, DecodeOptions, DisposalMethod, MemoryLimit};

use crate::inspect::InspectError;
use crate::Format;

/// Largest RGBA buffer for one frame rectangle (1 Mi pixels). A frame may overhang the screen
/// (it is clipped, as browsers do), but not by an absurd amount.
const MAX_FRAME_BYTES: u64 = 4 * 1024 * 1024;

fn err(e: impl std::fmt::Display) -> InspectError {
    InspectError::decode(Format::Gif, e)
}

/// The part of the next frame the caller needs before paying for its pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FrameInfo {
    /// Pixels in the frame's own rectangle.
    pub area: u64,
    /// Delay in ms; a frame without a graphic control extension reads as 0, which the
    /// timing rules treat exactly like a missing delay.
    pub delay_ms: u32,
}

#[derive(Clone, Copy)]
struct Rect {
    left: u32,
    top: u32,
    width: u32,
    height: u32,
}

pub(crate) struct GifFrames<'a> {
    decoder: gif::Decoder<Cursor<&'a [u8]>>,
    /// Disposal owed by the frame last shown, applied before the next one is drawn.
    pending: Option<(DisposalMethod, Rect)>,
    /// The canvas before the current frame, kept only when that frame asks to be undone.
    saved: Vec<u8>,
    frame: Vec<u8>,
    transparent_index: bool,
}

impl<'a> GifFrames<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Self, InspectError> {
        let mut options = DecodeOptions::new();
        options.set_color_output(ColorOutput::RGBA);
        if let Some(limit) = NonZeroU64::new(MAX_FRAME_BYTES) {
            options.set_memory_limit(MemoryLimit::Bytes(limit));
        }
        let decoder = options.read_info(Cursor::new(bytes)).map_err(err)?;
        Ok(GifFrames {
            decoder,
            pending: None,
            saved: Vec::new(),
            frame: Vec::new(),
            transparent_index: false,
        })
    }

    pub fn saw_transparent_index(&self) -> bool {
        self.transparent_index
    }

    /// Reads the next frame descriptor without decoding its pixels.
    pub fn next_info(&mut self) -> Result<Option<FrameInfo>, InspectError> {
        let Some(f) = self.decoder.next_frame_info().map_err(err)? else {
            return Ok(None);
        };
        let area = u64::from(f.width) * u64::from(f.height);
        if area * 4 > MAX_FRAME_BYTES {
            return Err(err(format!(
                "a {}x{} frame is far larger than the image",
                f.width, f.height
            )));
        }
        self.transparent_index |= f.transparent.is_some();
        Ok(Some(FrameInfo {
            area,
            delay_ms: u32::from(f.delay) * 10,
        }))
    }

    /// Decodes the frame announced by [`Self::next_info`] and draws it on `canvas`.
    pub fn composite(&mut self, canvas: &mut [u8], w: u32, h: u32) -> Result<(), InspectError> {
        match self.pending.take() {
            Some((DisposalMethod::Background, r)) => {
                for_each_row(r, w, h, |cx, y0, len| {
                    let at = (y0 * w as usize + cx) * 4;
                    if let Some(row) = canvas.get_mut(at..at + len * 4) {
                        row.fill(0);
                    }
                });
            }
            Some((DisposalMethod::Previous, _)) if self.saved.len() == canvas.len() => {
                canvas.copy_from_slice(&self.saved);
            }
            _ => {}
        }
        let Some(f) = self.decoder.current_frame_info() else {
            return Err(err("missing frame"));
        };
        let rect = Rect {
            left: u32::from(f.left),
            top: u32::from(f.top),
            width: u32::from(f.width),
            height: u32::from(f.height),
        };
        let dispose = f.dispose;
        if dispose == DisposalMethod::Previous {
            self.saved.clear();
            self.saved.extend_from_slice(canvas);
        }
        self.frame.clear();
        self.frame
            .resize(rect.width as usize * rect.height as usize * 4, 0);
        self.decoder
            .read_into_buffer(&mut self.frame)
            .map_err(err)?;
        let frame = &self.frame;
        for_each_row(rect, w, h, |cx, cy, len| {
            let src_row = (cy - rect.top as usize) * rect.width as usize;
            let src_at = (src_row + cx - rect.left as usize) * 4;
            let dst_at = (cy * w as usize + cx) * 4;
            let (Some(src), Some(dst)) = (
                frame.get(src_at..src_at + len * 4),
                canvas.get_mut(dst_at..dst_at + len * 4),
            ) else {
                return;
            };
            // A transparent index leaves what is underneath.
            for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
                if s[3] != 0 {
                    d.copy_from_slice(s);
                }
            }
        });
        self.pending = Some((dispose, rect));
        Ok(())
    }
}

/// Calls `f(x, y, len)` for each canvas row segment of `r` clipped to a `w`x`h` screen.
fn for_each_row(r: Rect, w: u32, h: u32, mut f: impl FnMut(usize, usize, usize)) {
    let x_end = r.left.saturating_add(r.width).min(w);
    let y_end = r.top.saturating_add(r.height).min(h);
    if r.left >= x_end {
        return;
    }
    for y in r.top..y_end {
        f(r.left as usize, y as usize, (x_end - r.left) as usize);
    }
}
