//! Artwork fixtures: generated images and an upload helper, shared by the post tests.
use std::io::Cursor;

use http::Method;

use crate::{multipart_request, TestApp, TestResponse};

/// An opaque PNG whose pixels depend on `seed`, so different seeds never collide on hash.
pub fn png(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([seed, (x % 255) as u8, (y % 255) as u8, 255])
    });
    let mut out = Cursor::new(Vec::new());
    // Encoding an in-memory RGBA buffer as PNG cannot fail.
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

/// `POST /v1/post/upload` with title "My art" plus `extra` form fields.
pub async fn upload(
    app: &TestApp,
    token: &str,
    filename: &str,
    bytes: &[u8],
    extra: &[(&str, &str)],
) -> TestResponse {
    let mut fields = vec![("title", "My art")];
    fields.extend_from_slice(extra);
    app.send(multipart_request(
        Method::POST,
        "/v1/post/upload",
        Some(token),
        &[("image", filename, bytes)],
        &fields,
    ))
    .await
}

/// Uploads a distinct 64x64 PNG and returns the created post's JSON.
pub async fn upload_png(app: &TestApp, token: &str, seed: u8) -> serde_json::Value {
    let r = upload(app, token, "art.png", &png(64, 64, seed), &[]).await;
    assert_eq!(r.status, http::StatusCode::CREATED, "{:?}", r.json());
    r.json()["post"].clone()
}
