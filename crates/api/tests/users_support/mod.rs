//! Fixtures shared by the `users_*` test binaries (each includes this module).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use std::io::Cursor;

use db::users::UserRow;
use http::StatusCode;
use test_support::{TestApp, TestResponse};

/// Fixture only: the moderation flags have no write path before the admin routes exist.
pub async fn set_flag(app: &TestApp, u: &UserRow, flag: &str) {
    let sql = match flag {
        "hidden_by_mod" => "update users set hidden_by_mod = true where id = $1",
        "non_conformant" => "update users set non_conformant = true where id = $1",
        _ => unreachable!(),
    };
    sqlx::query(sql)
        .bind(u.id)
        .execute(&app.state.db)
        .await
        .unwrap();
}

pub async fn hide(app: &TestApp, u: &UserRow) {
    let mut conn = app.state.db.acquire().await.unwrap();
    let p = db::users::ProfileUpdate {
        hidden_by_user: Some(true),
        ..Default::default()
    };
    db::users::update_profile(&mut conn, u.id, &p)
        .await
        .unwrap();
}

pub async fn deactivate(app: &TestApp, u: &UserRow) {
    let mut conn = app.state.db.acquire().await.unwrap();
    db::users::set_deactivated(&mut conn, u.id).await.unwrap();
}

pub async fn ban(app: &TestApp, u: &UserRow) {
    let mut conn = app.state.db.acquire().await.unwrap();
    let until = chrono::Utc::now() + chrono::Duration::days(3);
    db::users::set_banned_until(&mut conn, u.id, Some(until))
        .await
        .unwrap();
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 90, 255]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub fn assert_404(r: &TestResponse) {
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{:?}", r.json());
    assert_eq!(r.code(), "not_found");
    assert_eq!(r.json()["error"]["message"], "User not found");
}

/// A user with extra roles, and a token minted after the roles were granted.
pub async fn user_with_roles(app: &TestApp, handle: &str, roles: &[&str]) -> (UserRow, String) {
    let (u, _) = app.user_with_token(handle).await;
    let u = app.grant_roles(&u, roles).await;
    let t = app.token_for(&u);
    (u, t)
}

/// Percent-encodes the base64 characters that mean something in a query string.
pub fn urlencode(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}
