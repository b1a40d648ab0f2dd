//! Inspection against fixtures made in code: size rule, timing, colours, alpha, hostile input.
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::*;
use crate::testutil::*;

fn opaque(_: u32, _: u32) -> Px {
    [10, 20, 30, 255]
}

#[test]
fn whitelist_sizes_accepted_in_both_orientations() {
    for (w, h) in SMALL_WHITELIST {
        for (w, h) in [(w, h), (h, w)] {
            let i = inspect("a.png", &png_rgb(w, h, opaque)).unwrap();
            assert_eq!((i.width, i.height), (w, h));
        }
    }
}

#[test]
fn size_rule_on_real_files() {
    for (w, h) in [(100, 100), (16, 64), (257, 64)] {
        assert_eq!(
            inspect("a.png", &png_rgb(w, h, opaque)),
            Err(InspectError::InvalidDimensions {
                width: w,
                height: h
            }),
            "{w}x{h}"
        );
    }
    for (w, h) in [(128, 200), (256, 256)] {
        let i = inspect("a.png", &png_rgb(w, h, opaque)).unwrap();
        assert_eq!((i.width, i.height, i.frame_count), (w, h, 1));
    }
    let msg = InspectError::InvalidDimensions {
        width: 100,
        height: 100,
    }
    .to_string();
    assert!(msg.contains("100x100") && msg.contains("64x128"), "{msg}");
}

#[test]
fn gif_delays_are_clamped_like_amp() {
    let f = |v: u8| pixels(8, 8, move |_, _| [v, 0, 0, 255]);
    let g = gif(8, 8, &[(f(1), 0), (f(2), 2), (f(3), 20)]);
    let i = inspect("anim.GIF", &g).unwrap();
    assert_eq!(i.native_format, Format::Gif);
    assert_eq!(i.frame_count, 3);
    assert_eq!(i.total_duration_ms, Some(320));
    assert_eq!(i.min_frame_duration_ms, Some(20));
    assert_eq!(i.max_frame_duration_ms, Some(200));
    assert!(i.is_animated());
    // Three frames of one colour each: the per-frame maximum is 1, not 3.
    assert_eq!(i.unique_colors, 1);
}

#[test]
fn still_images_have_no_timing() {
    let i = inspect("a.gif", &gif_still(16, 16, pattern)).unwrap();
    assert_eq!(i.frame_count, 1);
    assert_eq!(i.total_duration_ms, None);
    assert_eq!(
        (i.min_frame_duration_ms, i.max_frame_duration_ms),
        (None, None)
    );
}

#[test]
fn apng_frames_and_delays() {
    let f = |v: u8| pixels(16, 16, move |x, _| [v, x as u8, 0, 255]);
    let a = apng(16, 16, &[(f(1), 40), (f(2), 0), (f(3), 120)]);
    let i = inspect("a.png", &a).unwrap();
    assert_eq!(i.frame_count, 3);
    assert_eq!(i.total_duration_ms, Some(260));
    assert_eq!(
        (i.min_frame_duration_ms, i.max_frame_duration_ms),
        (Some(40), Some(120))
    );
    assert_eq!(i.unique_colors, 16);
}

#[test]
fn alpha_flags() {
    let rgb = inspect("a.png", &png_rgb(8, 8, pattern)).unwrap();
    assert!(!rgb.transparency_meta && !rgb.alpha_meta);
    assert!(!rgb.transparency_actual && !rgb.alpha_actual);

    let rgba_opaque = inspect("a.png", &png_rgba(8, 8, pattern)).unwrap();
    assert!(rgba_opaque.transparency_meta && rgba_opaque.alpha_meta);
    assert!(!rgba_opaque.transparency_actual && !rgba_opaque.alpha_actual);

    let one_bit = png_rgba(8, 8, |x, y| {
        [1, 2, 3, if (x + y) % 2 == 0 { 0 } else { 255 }]
    });
    let one_bit = inspect("a.png", &one_bit).unwrap();
    assert!(one_bit.transparency_actual && !one_bit.alpha_actual);

    let semi = inspect("a.png", &png_rgba(8, 8, |x, _| [1, 2, 3, x as u8 * 30])).unwrap();
    assert!(semi.transparency_actual && semi.alpha_actual);

    let g = gif_still(8, 8, |x, _| [200, 0, 0, if x < 4 { 0 } else { 255 }]);
    let g = inspect("a.gif", &g).unwrap();
    assert!(g.transparency_meta && !g.alpha_meta);
    assert!(g.transparency_actual && !g.alpha_actual);

    let g = inspect("a.gif", &gif_still(8, 8, pattern)).unwrap();
    assert!(!g.transparency_meta && !g.transparency_actual);

    let w = inspect("a.webp", &webp(8, 8, |x, _| [1, 2, 3, x as u8 * 30])).unwrap();
    assert!(w.alpha_meta && w.alpha_actual && w.transparency_actual);
}

#[test]
fn unique_colors_of_a_known_image() {
    // Four quadrants of four colours, one of them repeated: 3 distinct.
    let img = png_rgb(16, 16, |x, y| match (x < 8, y < 8) {
        (true, true) => [255, 0, 0, 255],
        (false, true) => [0, 255, 0, 255],
        (true, false) => [0, 0, 255, 255],
        (false, false) => [255, 0, 0, 255],
    });
    assert_eq!(inspect("q.png", &img).unwrap().unique_colors, 3);
    let many = png_rgb(16, 16, |x, y| [x as u8, y as u8, 0, 255]);
    assert_eq!(inspect("m.png", &many).unwrap().unique_colors, 256);
    let bmp_img = bmp(16, 16, |x, y| [x as u8, y as u8, 0, 255]);
    let i = inspect("m.bmp", &bmp_img).unwrap();
    assert_eq!((i.native_format, i.unique_colors), (Format::Bmp, 256));
}

#[test]
fn sha256_and_size() {
    let img = png_rgb(8, 8, pattern);
    let i = inspect("a.png", &img).unwrap();
    assert_eq!(i.sha256, hex::encode(Sha256::digest(&img)));
    assert_eq!(i.sha256.len(), 64);
    assert!(!i.sha256.chars().any(|c| c.is_ascii_uppercase()));
    assert_eq!(i.file_bytes, img.len() as u64);
    // Independent check of the hashing itself (the FIPS 180-2 "abc" vector).
    assert_eq!(
        hex::encode(Sha256::digest(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn names_and_magic_must_agree() {
    let png = png_rgb(8, 8, pattern);
    assert_eq!(inspect("x.jpg", &png), Err(InspectError::InvalidExtension));
    assert_eq!(inspect("png", &png), Err(InspectError::InvalidExtension));
    assert_eq!(
        inspect("x.gif", &png),
        Err(InspectError::FormatMismatch {
            named: Format::Gif,
            found: Some(Format::Png)
        })
    );
    let e = inspect("x.webp", b"hello world, not an image").unwrap_err();
    assert!(matches!(
        e,
        InspectError::FormatMismatch { found: None, .. }
    ));
    assert!(e.to_string().contains(".webp"), "{e}");
    assert!(inspect("X.PNG", &png).is_ok());
}

#[test]
fn over_five_mib_is_too_large() {
    let mut big = png_rgb(8, 8, pattern);
    big.resize(5 * 1024 * 1024 + 1, 0);
    let e = inspect("a.png", &big).unwrap_err();
    assert!(e.is_too_large());
    assert_eq!(
        e,
        InspectError::TooLarge {
            bytes: 5 * 1024 * 1024 + 1,
            limit: 5 * 1024 * 1024
        }
    );
    big.truncate(5 * 1024 * 1024);
    // Exactly at the limit the size passes (trailing zeros after IEND are ignored).
    assert!(inspect("a.png", &big).is_ok());
}

/// Every prefix and a garbage tail of a valid file: always an error, never a panic.
#[test]
fn malformed_files_are_errors() {
    let anim = |v: u8| pixels(8, 8, move |x, _| [v, x as u8, 0, 255]);
    let files = [
        ("a.png", png_rgba(8, 8, pattern)),
        ("a.png", apng(8, 8, &[(anim(1), 50), (anim(2), 50)])),
        ("a.gif", gif(8, 8, &[(anim(1), 5), (anim(2), 5)])),
        ("a.webp", webp(8, 8, pattern)),
        ("a.bmp", bmp(8, 8, pattern)),
    ];
    for (name, file) in &files {
        assert!(inspect(name, file).is_ok(), "{name} fixture");
        for cut in 0..file.len() - 1 {
            // A PNG whose image data is complete reads without its IEND chunk, and a GIF
            // needs no trailer, so only cuts into the image data itself must fail.
            let r = inspect(name, &file[..cut]);
            let tail_ok = match *name {
                "a.png" => cut >= file.len() - 12,
                "a.gif" => cut >= 30,
                _ => false,
            };
            if !tail_ok {
                assert!(r.is_err(), "{name} cut at {cut}");
            }
        }
        let magic_len = if name.ends_with("webp") { 12 } else { 8 };
        let mut garbage = file[..magic_len.min(file.len())].to_vec();
        garbage.extend((0..500u32).map(|i| (i * 7919 % 251) as u8));
        assert!(inspect(name, &garbage).is_err(), "{name} garbage");
    }
}

/// Offset of the first image descriptor, walking past the header and any extensions.
fn gif_descriptor(g: &[u8]) -> usize {
    let mut pos = 13;
    if g[10] & 0x80 != 0 {
        pos += 3 << ((g[10] & 7) + 1);
    }
    while g[pos] == 0x21 {
        pos += 2;
        while g[pos] != 0 {
            pos += usize::from(g[pos]) + 1;
        }
        pos += 1;
    }
    assert_eq!(g[pos], 0x2c);
    pos
}

fn assert_quick(start: Instant) {
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn huge_claims_are_refused_quickly() {
    let start = Instant::now();
    let mut g = gif_still(8, 8, pattern);
    g[6..10].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
    assert_eq!(
        inspect("a.gif", &g),
        Err(InspectError::InvalidDimensions {
            width: 65535,
            height: 65535
        })
    );

    // A valid screen whose frame descriptor claims 65535x65535.
    let mut g = gif_still(8, 8, pattern);
    let desc = gif_descriptor(&g);
    g[desc + 5..desc + 9].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
    assert!(matches!(
        inspect("a.gif", &g),
        Err(InspectError::Decode { .. })
    ));

    // A 16x16 lossless WebP whose frame bitstream claims 16384x16384.
    let mut w = webp(16, 16, pattern);
    w[21..25].copy_from_slice(&0x0fff_ffffu32.to_le_bytes());
    assert!(inspect("a.webp", &w).is_err());

    // A PNG header claiming 256x256 with almost no data.
    let mut p = png_rgb(8, 8, pattern);
    p[16..24].copy_from_slice(&[0, 0, 1, 0, 0, 0, 1, 0]);
    assert!(inspect("a.png", &p).is_err());
    assert_quick(start);
}

#[test]
fn animated_webp_frame_bitstreams_are_checked_against_the_canvas() {
    let f = |v: u8| pixels(16, 16, move |_, _| [v, 0, 0, 255]);
    let mut anim = animated_webp(16, 16, &[(f(1), 10), (f(2), 10)]);
    assert_eq!(inspect("a.webp", &anim).unwrap().frame_count, 2);
    let vp8l = anim.windows(4).rposition(|w| w == b"VP8L").unwrap();
    anim[vp8l + 9..vp8l + 13].copy_from_slice(&0x0fff_ffffu32.to_le_bytes());
    let start = Instant::now();
    assert!(matches!(
        inspect("a.webp", &anim),
        Err(InspectError::Decode { .. })
    ));
    assert_quick(start);
}

#[test]
fn too_many_frames() {
    let one = pixels(8, 8, pattern);
    let frames: Vec<_> = (0..=MAX_FRAMES).map(|_| (one.clone(), 1)).collect();
    let start = Instant::now();
    let g = gif(8, 8, &frames);
    assert_eq!(
        inspect("a.gif", &g),
        Err(InspectError::TooManyFrames { limit: MAX_FRAMES })
    );
    assert!(start.elapsed() < Duration::from_secs(30));

    // An acTL claiming billions of frames is refused before decoding.
    let mut a = apng(8, 8, &[(one.clone(), 10), (one, 10)]);
    let actl = a.windows(4).position(|w| w == b"acTL").unwrap();
    a[actl + 4..actl + 8].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(
        inspect("a.png", &a),
        Err(InspectError::TooManyFrames { limit: MAX_FRAMES })
    );
}
