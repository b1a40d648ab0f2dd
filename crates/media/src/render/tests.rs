//! Renditions decoded back with independent decoders (`image`, `image-webp`).
use super::*;
use crate::testutil::*;

fn formats(v: &[(Format, Vec<u8>)]) -> Vec<Format> {
    v.iter().map(|(f, _)| *f).collect()
}

/// A still with transparent, opaque and few colours, so every format can hold it exactly.
fn sprite(x: u32, y: u32) -> Px {
    match (x + y) % 3 {
        0 => [0, 0, 0, 0],
        1 => [250, 10, 10, 255],
        _ => [(x * 8) as u8, 200, 40, 255],
    }
}

#[test]
fn still_renditions_round_trip() {
    let (w, h) = (32, 16);
    let want = pixels(w, h, sprite);
    let sources = [
        ("a.png", png_rgba(w, h, sprite)),
        ("a.webp", webp(w, h, sprite)),
        ("a.gif", gif_still(w, h, sprite)),
    ];
    for (name, src) in sources {
        let i = crate::inspect(name, &src).unwrap();
        let out = variants(&i, &src).unwrap();
        let expect: Vec<Format> = [Format::Png, Format::Gif, Format::Webp, Format::Bmp]
            .into_iter()
            .filter(|f| *f != i.native_format)
            .collect();
        assert_eq!(formats(&out), expect, "{name}");
        for (format, data) in &out {
            assert_eq!(Format::sniff(data), Some(*format));
            let img = decode_still(data);
            assert_eq!(img.dimensions(), (w, h), "{name} → {format}");
            let got = img.into_raw();
            // GIF keeps fully transparent pixels transparent but not their RGB.
            let same = got
                .chunks_exact(4)
                .zip(want.chunks_exact(4))
                .all(|(g, e)| g == e || (g[3] == 0 && e[3] == 0));
            assert!(same, "{name} → {format} pixels differ");
            // Each rendition is itself an acceptable upload.
            let again = crate::inspect(&format!("v.{}", format.extension()), data).unwrap();
            assert_eq!(again.unique_colors, i.unique_colors, "{name} → {format}");
        }
    }
}

#[test]
fn bmp_source_and_opaque_outputs() {
    let src = bmp(64, 32, pattern);
    let i = crate::inspect("a.bmp", &src).unwrap();
    assert!(!i.transparency_meta);
    let out = variants(&i, &src).unwrap();
    assert_eq!(formats(&out), [Format::Png, Format::Gif, Format::Webp]);
    for (format, data) in &out {
        let img = decode_still(data);
        assert_eq!(img.dimensions(), (64, 32));
        // Over 256 colours: GIF is quantised, the others are exact.
        if *format != Format::Gif {
            assert!(img.into_raw() == pixels(64, 32, pattern), "{format}");
        }
    }
}

fn frame(v: u8) -> Vec<u8> {
    pixels(16, 16, move |x, y| {
        if x == u32::from(v) % 16 {
            [0, 0, 0, 0]
        } else {
            [v.wrapping_mul(40), (x * 16) as u8, (y * 16) as u8, 255]
        }
    })
}

#[test]
fn animated_gif_to_webp_keeps_frames_and_timing() {
    let frames = [(frame(1), 0), (frame(2), 2), (frame(3), 20), (frame(3), 20)];
    let src = gif(16, 16, &frames);
    let i = crate::inspect("a.gif", &src).unwrap();
    assert_eq!(i.frame_count, 4);
    let out = variants(&i, &src).unwrap();
    assert_eq!(formats(&out), [Format::Webp]);
    let (w, h, got) = webp_frames(&out[0].1);
    assert_eq!((w, h), (16, 16));
    // The two identical trailing frames merge; 0 cs plays (and is stored) as 100 ms.
    let delays: Vec<u32> = got.iter().map(|f| f.1).collect();
    assert_eq!(delays, [100, 20, 400]);
    let src_frames = gif_frames(&src);
    for (k, (px, _)) in got.iter().enumerate() {
        assert_eq!(px, &src_frames[k].0, "frame {k}");
    }
    let again = crate::inspect("a.webp", &out[0].1).unwrap();
    assert_eq!(again.frame_count, 3);
    assert_eq!(again.total_duration_ms, Some(520));
    assert!(again.transparency_actual);
}

#[test]
fn apng_and_animated_webp_sources() {
    let frames: Vec<_> = (1..=3).map(|v| (frame(v), 70)).collect();
    let a = apng(16, 16, &frames);
    let i = crate::inspect("a.png", &a).unwrap();
    let out = variants(&i, &a).unwrap();
    assert_eq!(formats(&out), [Format::Gif, Format::Webp]);
    let gif_out = gif_frames(&out[0].1);
    assert_eq!(gif_out.len(), 3);
    for (k, (px, delay)) in gif_out.iter().enumerate() {
        assert_eq!(px, &frames[k].0, "gif frame {k}");
        assert_eq!(*delay, 70);
    }
    let (_, _, webp_out) = webp_frames(&out[1].1);
    assert_eq!(webp_out.len(), 3);
    assert!(webp_out.iter().all(|f| f.1 == 70));

    let w = &out[1].1;
    let iw = crate::inspect("a.webp", w).unwrap();
    assert_eq!((iw.frame_count, iw.total_duration_ms), (3, Some(210)));
    let back = variants(&iw, w).unwrap();
    assert_eq!(formats(&back), [Format::Gif]);
    assert_eq!(gif_frames(&back[0].1).len(), 3);
}

#[test]
fn upscale_factors() {
    for (w, h, k) in [
        (64, 64, 12),
        (200, 150, 3),
        (256, 256, 3),
        (8, 8, 96),
        (128, 64, 6),
        (129, 129, 5),
        (16, 32, 24),
        (192, 128, 4),
    ] {
        assert_eq!(upscale_factor(w, h), k, "{w}x{h}");
        assert!(w.max(h) * k <= UPSCALE_MAX_SIDE);
        assert!(w.max(h) * (k + 1) > UPSCALE_MAX_SIDE);
    }
}

#[test]
fn upscaled_still_is_nearest_neighbour() {
    for (w, h) in [(64, 64), (200, 150), (8, 16)] {
        let src = png_rgba(w, h, sprite);
        let i = crate::inspect("a.png", &src).unwrap();
        let k = upscale_factor(w, h);
        let up = upscaled_webp(&i, &src).unwrap();
        let img = decode_still(&up);
        assert_eq!(img.dimensions(), (w * k, h * k));
        for (x, y, p) in img.enumerate_pixels().step_by(97) {
            assert_eq!(p.0, sprite(x / k, y / k), "{w}x{h} at {x},{y}");
        }
    }
}

#[test]
fn upscaled_animation_is_capped_at_256_frames() {
    // 300 frames, each changing one source pixel, so none merge.
    let mut canvas = pixels(8, 8, |_, _| [0, 0, 0, 255]);
    let mut frames = Vec::new();
    for n in 0..300u32 {
        let at = (n % 64) as usize * 4;
        canvas[at] = (n / 64 + 1) as u8 * 40;
        canvas[at + 1] = n as u8;
        frames.push((canvas.clone(), 3 + (n % 2) as u16));
    }
    let src = gif(8, 8, &frames);
    let i = crate::inspect("a.gif", &src).unwrap();
    assert_eq!(i.frame_count, 300);
    let up = upscaled_webp(&i, &src).unwrap();
    let durations = anmf_durations(&up);
    assert_eq!(durations.len(), 256);
    for (n, d) in durations.iter().enumerate() {
        assert_eq!(*d, if n % 2 == 0 { 30 } else { 40 }, "frame {n}");
    }
    // Decoding 768x768 frames is slow in a debug build: check the pixels of the first few.
    let mut d = image_webp::WebPDecoder::new(std::io::Cursor::new(&up[..])).unwrap();
    assert_eq!((d.dimensions(), d.num_frames()), ((768, 768), 256));
    assert!(!d.has_alpha(), "an opaque source gives an opaque preview");
    let mut px = vec![0; d.output_buffer_size().unwrap()];
    for (n, want) in durations.iter().enumerate().take(12) {
        assert_eq!(d.read_frame(&mut px).unwrap(), *want);
        let (x, y) = (n % 8, (n % 64) / 8);
        let at = ((y * 96 + 50) * 768 + x * 96 + 50) * 3;
        let src = (n % 64) * 4;
        assert_eq!(&px[at..at + 3], &frames[n].0[src..src + 3], "frame {n}");
    }
}

/// The duration field of each ANMF chunk, read straight from the container.
fn anmf_durations(webp: &[u8]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut pos = 12;
    while pos + 8 <= webp.len() {
        let len = u32::from_le_bytes(webp[pos + 4..pos + 8].try_into().unwrap()) as usize;
        if &webp[pos..pos + 4] == b"ANMF" {
            let d = &webp[pos + 8 + 12..pos + 8 + 15];
            out.push(u32::from_le_bytes([d[0], d[1], d[2], 0]));
        }
        pos += 8 + len + (len & 1);
    }
    out
}

#[test]
fn mismatched_inspection_is_refused() {
    let src = png_rgb(16, 16, pattern);
    let mut i = crate::inspect("a.png", &src).unwrap();
    i.width = 32;
    assert_eq!(variants(&i, &src), Err(RenderError::Mismatch));
    i.width = 16;
    assert!(matches!(
        upscaled_webp(&i, &src[..40]),
        Err(RenderError::Source(_))
    ));
}
