//! Helpers shared by the comment test files.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use db::users::UserRow;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::Digest;
use sqlx::PgPool;
use test_support::art::{artist, upload_png};
use test_support::{json_request, TestApp, TestResponse};

pub const IP1: &str = "203.0.113.7";
pub const IP2: &str = "198.51.100.23";

pub fn hash(ip: &str) -> String {
    hex::encode(sha2::Sha256::digest(format!("test-salt{ip}").as_bytes()))
}

pub async fn post_by(app: &TestApp, handle: &str, seed: u8) -> (UserRow, String, i64) {
    let (u, token) = artist(app, handle, true).await;
    let post = upload_png(app, &token, seed).await;
    (u, token, post["id"].as_i64().unwrap())
}

pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
    ip: &str,
) -> TestResponse {
    app.send_from(ip, json_request(method, path, body, token, &[]))
        .await
}

pub async fn comment(
    app: &TestApp,
    post: i64,
    body: Value,
    token: Option<&str>,
    ip: &str,
) -> TestResponse {
    let path = format!("/v1/post/{post}/comments");
    send(app, Method::POST, &path, Some(body), token, ip).await
}

/// Creates a comment (or reply) and returns its id.
pub async fn add(app: &TestApp, post: i64, parent: Option<&str>, token: Option<&str>) -> String {
    let r = comment(
        app,
        post,
        json!({"body": "hello", "parent_id": parent}),
        token,
        IP1,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    r.json()["id"].as_str().unwrap().to_string()
}

pub async fn list(app: &TestApp, post: i64, token: Option<&str>) -> Value {
    let r = send(
        app,
        Method::GET,
        &format!("/v1/post/{post}/comments"),
        None,
        token,
        IP1,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    r.json()
}

pub fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

pub async fn block(app: &TestApp, target: &UserRow, token: &str) {
    let path = format!("/v1/user/u/{}/block", target.public_sqid);
    let r = app.call(Method::POST, &path, None, Some(token)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.json());
}

pub async fn comment_count(pool: &PgPool, post: i64) -> i32 {
    sqlx::query_scalar("select comment_count from posts where id = $1")
        .bind(post)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// (type, recipient, actor, comment id, preview) of every notification, oldest first.
pub type Notice = (String, i32, Option<i32>, Option<String>, Option<String>);

pub async fn notices(pool: &PgPool) -> Vec<Notice> {
    sqlx::query_as(
        "select notification_type, user_id, actor_id, comment_id::text, comment_preview
         from social_notifications order by created_at, notification_type",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

pub fn assert_error(r: &TestResponse, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{:?}", r.json());
    assert_eq!(r.code(), code);
}
