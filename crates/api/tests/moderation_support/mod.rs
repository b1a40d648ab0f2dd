//! Fixtures shared by the `reports` and `admin` test binaries (each includes this module).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use db::users::UserRow;
use http::{Method, StatusCode};
use serde_json::Value;
use sqlx::PgPool;
use test_support::{TestApp, TestResponse};
use uuid::Uuid;

/// A user with extra roles (`moderator`, `owner`), and a token minted after the grant.
pub async fn staff(app: &TestApp, handle: &str, roles: &[&str]) -> (UserRow, String) {
    let (u, _) = app.user_with_token(handle).await;
    let u = app.grant_roles(&u, roles).await;
    let t = app.token_for(&u);
    (u, t)
}

pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> TestResponse {
    app.call(method, path, body, token).await
}

/// The gate every moderator route shares: 401 anonymous, 403 for `member`.
pub async fn assert_moderators_only(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    member: &str,
) {
    let r = call(app, method.clone(), path, body.clone(), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    assert_eq!(r.code(), "unauthorized");
    let r = call(app, method.clone(), path, body, Some(member)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
    assert_eq!(r.code(), "forbidden");
}

/// How many notifications of `kind` the user holds.
pub async fn notifications(pool: &PgPool, user_id: i32, kind: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from social_notifications where user_id = $1 and notification_type = $2",
    )
    .bind(user_id)
    .bind(kind)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Audit {
    pub actor_id: Option<i32>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// Audit rows with this action, oldest first.
pub async fn audit(pool: &PgPool, action: &str) -> Vec<Audit> {
    sqlx::query_as(
        "select actor_id, action, target_type, target_id, reason_code, note from audit_logs
         where action = $1 order by created_at, id",
    )
    .bind(action)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A comment stored directly (by a member, or by a guest when `author` is None).
pub async fn comment(pool: &PgPool, post_id: i64, author: Option<i32>, body: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into comments (post_id, author_id, author_ip, body)
         values ($1, $2, case when $2 is null then 'guest-hash' end, $3) returning id",
    )
    .bind(post_id)
    .bind(author)
    .bind(body)
    .fetch_one(pool)
    .await
    .unwrap()
}

pub async fn user_row(pool: &PgPool, id: i32) -> UserRow {
    db::users::find_by_id(pool, id).await.unwrap().unwrap()
}

/// Percent-encodes the base64 characters that mean something in a query string.
pub fn urlencode(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}
