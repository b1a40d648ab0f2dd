//! A streaming source of composited RGBA frames for the four formats, shared by inspection and
//! renditions. Every path re-checks the header and size rule first, and every frame is charged
//! against hard frame and pixel budgets before it is decoded.
mod gif;

use std::io::Cursor;

use image::{AnimationDecoder, ImageDecoder};
use image_webp::WebPDecoder;

use crate::inspect::{
    checked_dimensions, png_header, webp_preflight, InspectError, MAX_DECODED_PIXELS, MAX_FRAMES,
};
use crate::Format;

/// Heap any `image` decoder may take at once: a 256x256 RGBA16 frame is 512 KiB, so this is
/// generous for real files and small against a bomb.
const MAX_DECODER_ALLOC: u64 = 64 * 1024 * 1024;

/// What the format itself declares about transparency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Meta {
    pub transparency: bool,
    pub alpha: bool,
}

impl Meta {
    fn both(on: bool) -> Self {
        Meta {
            transparency: on,
            alpha: on,
        }
    }
}

enum Kind<'a> {
    /// A still image, decoded on open and handed out once.
    Still(Option<Vec<u8>>),
    Apng(image::Frames<'a>),
    Gif(Box<gif::GifFrames<'a>>),
    Webp {
        decoder: Box<WebPDecoder<Cursor<&'a [u8]>>>,
        scratch: Vec<u8>,
    },
}

pub(crate) struct FrameSource<'a> {
    format: Format,
    width: u32,
    height: u32,
    canvas: Vec<u8>,
    frames: u32,
    pixels: u64,
    meta: Meta,
    kind: Kind<'a>,
}

fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    limits.max_image_width = Some(domain::limits::FREE_FORM_MAX);
    limits.max_image_height = Some(domain::limits::FREE_FORM_MAX);
    limits
}

impl<'a> FrameSource<'a> {
    /// Opens `bytes` as `format`. The magic must already match; the header and size rule are
    /// checked again here so that no caller can reach a decoder without them.
    pub fn open(format: Format, bytes: &'a [u8]) -> Result<Self, InspectError> {
        let (width, height) = checked_dimensions(format, bytes)?;
        let err = |e: image::ImageError| InspectError::decode(format, e);
        let (meta, kind) = match format {
            Format::Png => {
                let head = png_header(bytes)?;
                let meta = match head.color_type {
                    4 | 6 => Meta::both(true),
                    // Palette, grey or RGB with a tRNS chunk: a transparent colour, no alpha.
                    _ => Meta {
                        transparency: head.has_trns,
                        alpha: false,
                    },
                };
                let decoder =
                    image::codecs::png::PngDecoder::with_limits(Cursor::new(bytes), limits())
                        .map_err(err)?;
                let kind = if head.animation_frames.is_some() && decoder.is_apng().map_err(err)? {
                    Kind::Apng(decoder.apng().map_err(err)?.into_frames())
                } else {
                    Kind::Still(Some(still(format, decoder, width, height)?))
                };
                (meta, kind)
            }
            Format::Bmp => {
                let mut decoder =
                    image::codecs::bmp::BmpDecoder::new(Cursor::new(bytes)).map_err(err)?;
                decoder.set_limits(limits()).map_err(err)?;
                let meta = Meta::both(decoder.color_type().has_alpha());
                (
                    meta,
                    Kind::Still(Some(still(format, decoder, width, height)?)),
                )
            }
            Format::Gif => (
                Meta::default(),
                Kind::Gif(Box::new(gif::GifFrames::open(bytes)?)),
            ),
            Format::Webp => {
                webp_preflight(bytes, width, height)?;
                let mut decoder = WebPDecoder::new(Cursor::new(bytes))
                    .map_err(|e| InspectError::decode(format, e))?;
                decoder.set_memory_limit(usize::try_from(MAX_DECODER_ALLOC).unwrap_or(usize::MAX));
                if decoder.dimensions() != (width, height) {
                    return Err(InspectError::decode(format, "inconsistent canvas size"));
                }
                let meta = Meta::both(decoder.has_alpha());
                let kind = if decoder.is_animated() {
                    if decoder.num_frames() > MAX_FRAMES {
                        return Err(InspectError::TooManyFrames { limit: MAX_FRAMES });
                    }
                    Kind::Webp {
                        decoder: Box::new(decoder),
                        scratch: Vec::new(),
                    }
                } else {
                    Kind::Still(Some(webp_still(&mut decoder)?))
                };
                (meta, kind)
            }
        };
        Ok(FrameSource {
            format,
            width,
            height,
            canvas: vec![0; width as usize * height as usize * 4],
            frames: 0,
            pixels: 0,
            meta,
            kind,
        })
    }

    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The format's declared transparency. For GIF it grows as frames are read, so read it
    /// after the last frame.
    pub fn meta(&self) -> Meta {
        match &self.kind {
            Kind::Gif(g) => Meta {
                transparency: g.saw_transparent_index(),
                alpha: false,
            },
            _ => self.meta,
        }
    }

    /// The current frame as RGBA8, `width * height * 4` bytes.
    pub fn rgba(&self) -> &[u8] {
        &self.canvas
    }

    fn charge(&mut self, extra_pixels: u64) -> Result<(), InspectError> {
        self.frames += 1;
        if self.frames > MAX_FRAMES {
            return Err(InspectError::TooManyFrames { limit: MAX_FRAMES });
        }
        let area = u64::from(self.width) * u64::from(self.height);
        self.pixels = self.pixels.saturating_add(area + extra_pixels);
        if self.pixels > MAX_DECODED_PIXELS {
            return Err(InspectError::TooManyPixels {
                limit: MAX_DECODED_PIXELS,
            });
        }
        Ok(())
    }

    /// Advances to the next frame. `Ok(Some(delay))` gives the declared delay in milliseconds
    /// (`None` when the format or frame declares none); `Ok(None)` ends the stream.
    pub fn next_frame(&mut self) -> Result<Option<Option<u32>>, InspectError> {
        let format = self.format;
        match &mut self.kind {
            Kind::Still(img) => match img.take() {
                Some(px) => {
                    self.canvas = px;
                    self.charge(0)?;
                    Ok(Some(None))
                }
                None => Ok(None),
            },
            Kind::Apng(frames) => {
                let Some(frame) = frames.next() else {
                    return Ok(None);
                };
                let frame = frame.map_err(|e| InspectError::decode(format, e))?;
                let (num, den) = frame.delay().numer_denom_ms();
                let delay = num.saturating_add(den / 2).checked_div(den).unwrap_or(0);
                let buf = frame.into_buffer();
                if buf.dimensions() != (self.width, self.height) {
                    return Err(InspectError::decode(format, "inconsistent frame size"));
                }
                self.canvas = buf.into_raw();
                self.charge(0)?;
                Ok(Some(Some(delay)))
            }
            Kind::Gif(g) => {
                let (w, h) = (self.width, self.height);
                let Some(info) = g.next_info()? else {
                    return Ok(None);
                };
                self.charge(info.area)?;
                let Kind::Gif(g) = &mut self.kind else {
                    return Ok(None);
                };
                g.composite(&mut self.canvas, w, h)?;
                Ok(Some(Some(info.delay_ms)))
            }
            Kind::Webp { decoder, .. } => {
                if self.frames >= decoder.num_frames() {
                    return Ok(None);
                }
                self.charge(0)?;
                let Kind::Webp { decoder, scratch } = &mut self.kind else {
                    return Ok(None);
                };
                let delay = if decoder.has_alpha() {
                    decoder.read_frame(&mut self.canvas)
                } else {
                    scratch.resize(self.canvas.len() / 4 * 3, 0);
                    let d = decoder.read_frame(scratch);
                    rgb_to_rgba(scratch, &mut self.canvas);
                    d
                }
                .map_err(|e| InspectError::decode(format, e))?;
                Ok(Some(Some(delay)))
            }
        }
    }
}

/// Decodes a still image to RGBA8 and insists on the header's size.
fn still(
    format: Format,
    decoder: impl ImageDecoder,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, InspectError> {
    if decoder.dimensions() != (width, height) {
        return Err(InspectError::decode(format, "inconsistent image size"));
    }
    let img =
        image::DynamicImage::from_decoder(decoder).map_err(|e| InspectError::decode(format, e))?;
    Ok(img.into_rgba8().into_raw())
}

fn webp_still(decoder: &mut WebPDecoder<Cursor<&[u8]>>) -> Result<Vec<u8>, InspectError> {
    let err = |e| InspectError::decode(Format::Webp, e);
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| InspectError::decode(Format::Webp, "image too large"))?;
    let mut buf = vec![0; size];
    decoder.read_image(&mut buf).map_err(err)?;
    if decoder.has_alpha() {
        return Ok(buf);
    }
    let mut rgba = vec![0; size / 3 * 4];
    rgb_to_rgba(&buf, &mut rgba);
    Ok(rgba)
}

fn rgb_to_rgba(rgb: &[u8], rgba: &mut [u8]) {
    for (src, dst) in rgb.chunks_exact(3).zip(rgba.chunks_exact_mut(4)) {
        dst[..3].copy_from_slice(src);
        dst[3] = 255;
    }
}
