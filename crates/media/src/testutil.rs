//! Test fixtures made in code: small images in each format, animations with chosen delays.
use std::io::Cursor;

use image::{ExtendedColorType, ImageEncoder};

pub type Px = [u8; 4];

/// A `w`x`h` RGBA buffer from a pixel function.
pub fn pixels(w: u32, h: u32, f: impl Fn(u32, u32) -> Px) -> Vec<u8> {
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .flat_map(|(x, y)| f(x, y))
        .collect()
}

/// A few distinct opaque colours in a pattern, so renditions have something to get wrong.
pub fn pattern(x: u32, y: u32) -> Px {
    [
        (x * 37 % 256) as u8,
        (y * 11 % 256) as u8,
        ((x + y) % 4 * 60) as u8,
        255,
    ]
}

pub fn png_rgba(w: u32, h: u32, f: impl Fn(u32, u32) -> Px) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&pixels(w, h, f), w, h, ExtendedColorType::Rgba8)
        .unwrap();
    out
}

pub fn png_rgb(w: u32, h: u32, f: impl Fn(u32, u32) -> Px) -> Vec<u8> {
    let rgb: Vec<u8> = pixels(w, h, f)
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&rgb, w, h, ExtendedColorType::Rgb8)
        .unwrap();
    out
}

pub fn bmp(w: u32, h: u32, f: impl Fn(u32, u32) -> Px) -> Vec<u8> {
    let img = image::RgbaImage::from_raw(w, h, pixels(w, h, f)).unwrap();
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(img)
        .to_rgb8()
        .write_to(&mut out, image::ImageFormat::Bmp)
        .unwrap();
    out.into_inner()
}

pub fn webp(w: u32, h: u32, f: impl Fn(u32, u32) -> Px) -> Vec<u8> {
    let mut out = Vec::new();
    image_webp::WebPEncoder::new(&mut out)
        .encode(&pixels(w, h, f), w, h, image_webp::ColorType::Rgba8)
        .unwrap();
    out
}

/// A GIF of full-screen frames (`delay` in centiseconds), optionally with a transparent index
/// used wherever a pixel's alpha is 0.
pub fn gif(w: u32, h: u32, frames: &[(Vec<u8>, u16)]) -> Vec<u8> {
    let mut enc = gif::Encoder::new(Vec::new(), w as u16, h as u16, &[]).unwrap();
    if frames.len() > 1 {
        enc.set_repeat(gif::Repeat::Infinite).unwrap();
    }
    for (rgba, delay) in frames {
        let mut px = rgba.clone();
        let mut f = gif::Frame::from_rgba_speed(w as u16, h as u16, &mut px, 10);
        f.delay = *delay;
        enc.write_frame(&f).unwrap();
    }
    enc.into_inner().unwrap()
}

/// A still single-frame GIF from a pixel function.
pub fn gif_still(w: u32, h: u32, f: impl Fn(u32, u32) -> Px) -> Vec<u8> {
    gif(w, h, &[(pixels(w, h, f), 0)])
}

/// An APNG of full-canvas RGBA frames with delays in ms (as n/1000).
pub fn apng(w: u32, h: u32, frames: &[(Vec<u8>, u16)]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_animated(frames.len() as u32, 0).unwrap();
        let mut writer = enc.write_header().unwrap();
        for (rgba, ms) in frames {
            writer.set_frame_delay(*ms, 1000).unwrap();
            writer.write_image_data(rgba).unwrap();
        }
        writer.finish().unwrap();
    }
    out
}

/// Decodes every frame of an animated WebP with `image-webp`: (rgba, delay ms) per frame.
pub fn webp_frames(bytes: &[u8]) -> (u32, u32, Vec<(Vec<u8>, u32)>) {
    let mut d = image_webp::WebPDecoder::new(Cursor::new(bytes)).unwrap();
    let (w, h) = d.dimensions();
    let mut frames = Vec::new();
    let size = d.output_buffer_size().unwrap();
    if !d.is_animated() {
        let mut buf = vec![0; size];
        d.read_image(&mut buf).unwrap();
        frames.push((to_rgba(&buf, d.has_alpha()), 0));
        return (w, h, frames);
    }
    for _ in 0..d.num_frames() {
        let mut buf = vec![0; size];
        let delay = d.read_frame(&mut buf).unwrap();
        frames.push((to_rgba(&buf, d.has_alpha()), delay));
    }
    (w, h, frames)
}

fn to_rgba(buf: &[u8], alpha: bool) -> Vec<u8> {
    if alpha {
        return buf.to_vec();
    }
    buf.chunks_exact(3)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect()
}

/// Decodes any still image with `image` into RGBA8.
pub fn decode_still(bytes: &[u8]) -> image::RgbaImage {
    image::load_from_memory(bytes).unwrap().into_rgba8()
}

/// Composited GIF frames via `image`'s own decoder: (rgba, delay ms).
pub fn gif_frames(bytes: &[u8]) -> Vec<(Vec<u8>, u32)> {
    use image::AnimationDecoder;
    image::codecs::gif::GifDecoder::new(Cursor::new(bytes))
        .unwrap()
        .into_frames()
        .map(|f| {
            let f = f.unwrap();
            let (n, d) = f.delay().numer_denom_ms();
            (f.into_buffer().into_raw(), n / d)
        })
        .collect()
}

/// An animated WebP as this crate renders it from a GIF of the given frames (centiseconds).
pub fn animated_webp(w: u32, h: u32, frames: &[(Vec<u8>, u16)]) -> Vec<u8> {
    let g = gif(w, h, frames);
    let i = crate::inspect("a.gif", &g).unwrap();
    let out = crate::render::variants(&i, &g).unwrap();
    out.into_iter()
        .find(|(f, _)| *f == crate::Format::Webp)
        .unwrap()
        .1
}
