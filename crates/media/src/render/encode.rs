//! PNG, BMP and GIF output from RGBA8 frames.
use image::codecs::bmp::BmpEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

use super::webp::is_opaque;
use super::RenderError;
use crate::Format;

fn encode_err(format: Format) -> impl Fn(String) -> RenderError {
    move |detail| RenderError::Encode { format, detail }
}

/// RGB bytes when every pixel is opaque (smaller files, no alpha for viewers to handle).
fn packed(rgba: &[u8]) -> (Vec<u8>, ExtendedColorType) {
    if is_opaque(rgba) {
        let rgb = rgba
            .chunks_exact(4)
            .flat_map(|px| [px[0], px[1], px[2]])
            .collect();
        (rgb, ExtendedColorType::Rgb8)
    } else {
        (rgba.to_vec(), ExtendedColorType::Rgba8)
    }
}

pub(crate) fn png(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, RenderError> {
    let (data, color) = packed(rgba);
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
        .write_image(&data, width, height, color)
        .map_err(|e| encode_err(Format::Png)(e.to_string()))?;
    Ok(out)
}

pub(crate) fn bmp(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, RenderError> {
    let (data, color) = packed(rgba);
    let mut out = Vec::new();
    BmpEncoder::new(&mut out)
        .write_image(&data, width, height, color)
        .map_err(|e| encode_err(Format::Bmp)(e.to_string()))?;
    Ok(out)
}

/// A GIF being written frame by frame; also used for a single still frame.
pub(crate) struct GifWriter {
    encoder: gif::Encoder<Vec<u8>>,
    width: u16,
    height: u16,
    animated: bool,
}

impl GifWriter {
    pub fn new(width: u32, height: u32, animated: bool) -> Result<Self, RenderError> {
        let err = |e: String| encode_err(Format::Gif)(e);
        let width = u16::try_from(width).map_err(|e| err(e.to_string()))?;
        let height = u16::try_from(height).map_err(|e| err(e.to_string()))?;
        let mut encoder =
            gif::Encoder::new(Vec::new(), width, height, &[]).map_err(|e| err(e.to_string()))?;
        if animated {
            encoder
                .set_repeat(gif::Repeat::Infinite)
                .map_err(|e| err(e.to_string()))?;
        }
        Ok(GifWriter {
            encoder,
            width,
            height,
            animated,
        })
    }

    /// Adds a full-canvas frame. GIF has 1-bit transparency, so alpha below 128 becomes the
    /// transparent index and anything else opaque; over 256 colours are quantised (NeuQuant).
    pub fn push(&mut self, rgba: &[u8], delay_ms: u32) -> Result<(), RenderError> {
        let mut px = rgba.to_vec();
        for p in px.chunks_exact_mut(4) {
            if p[3] < 128 {
                p.copy_from_slice(&[0, 0, 0, 0]);
            }
        }
        if px.len() != usize::from(self.width) * usize::from(self.height) * 4 {
            return Err(encode_err(Format::Gif)(
                "frame does not match the canvas".into(),
            ));
        }
        let mut frame = gif::Frame::from_rgba_speed(self.width, self.height, &mut px, 10);
        let centis = u16::try_from(delay_ms.saturating_add(5) / 10).unwrap_or(u16::MAX);
        // Browsers play a 0 or 1 centisecond delay as 100 ms; 2 is the closest faithful value.
        frame.delay = if self.animated { centis.max(2) } else { 0 };
        // Every frame covers the canvas, so clearing keeps transparent pixels transparent
        // instead of showing the frame before.
        frame.dispose = gif::DisposalMethod::Background;
        self.encoder
            .write_frame(&frame)
            .map_err(|e| encode_err(Format::Gif)(e.to_string()))
    }

    pub fn finish(self) -> Result<Vec<u8>, RenderError> {
        self.encoder
            .into_inner()
            .map_err(|e| encode_err(Format::Gif)(e.to_string()))
    }
}
