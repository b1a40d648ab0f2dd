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

/// A verified member who may upload 64 an hour (reputation 500); a `trusted` member's posts are
/// approved, hence discoverable, at once.
pub async fn artist(app: &TestApp, handle: &str, trusted: bool) -> (db::users::UserRow, String) {
    let (u, _) = app.user_with_token(handle).await;
    let mut conn = app.state.db.acquire().await.expect("connection");
    db::users::set_trust(&mut conn, u.id, 500, trusted)
        .await
        .expect("trust");
    let u = db::users::find_by_id(&app.state.db, u.id)
        .await
        .expect("user")
        .expect("user exists");
    let token = app.token_for(&u);
    (u, token)
}

/// The post ids of a `Page[Post]` response, in order.
pub fn ids(page: &serde_json::Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|p| p["id"].as_i64()).collect())
        .unwrap_or_default()
}
