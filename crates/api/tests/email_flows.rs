//! Flows that go through email: the worker sends real SMTP to an in-process sink, and the
//! tests read the code or link back out of the delivered message.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::time::Duration;

use http::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use test_support::{TestApp, PASSWORD};

const WAIT: Duration = Duration::from_secs(20);

#[sqlx::test(migrations = "../../migrations")]
async fn sign_up_with_password_then_verify_by_code(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let mail = app.start_worker().await;
    let r = app
        .post(
            "/v1/auth/register",
            json!({"email": "otp@example.com", "password": "pixels123"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let m = mail.wait_for("otp@example.com", WAIT).await;
    assert_eq!(m.subject, "Your Makapix verification code");
    let code = m.code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = app
        .post(
            "/v1/auth/email-otp/verify",
            json!({"email": "otp@example.com", "code": wrong}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "token_invalid");
    let r = app
        .post(
            "/v1/auth/email-otp/verify",
            json!({"email": "otp@example.com", "code": code}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["verified"], true);
    // A code works once.
    let r = app
        .post(
            "/v1/auth/email-otp/verify",
            json!({"email": "otp@example.com", "code": code}),
            None,
        )
        .await;
    assert_eq!(r.code(), "token_invalid");
    let r = app
        .post(
            "/v1/auth/login",
            json!({"email": "otp@example.com", "password": "pixels123"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../../migrations")]
async fn sixth_code_attempt_in_ten_minutes_is_limited(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("guess@example.com", "guesser", false).await;
    for _ in 0..5 {
        let r = app
            .post(
                "/v1/auth/email-otp/verify",
                json!({"email": "guess@example.com", "code": "123456"}),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
    let r = app
        .post(
            "/v1/auth/email-otp/verify",
            json!({"email": "guess@example.com", "code": "123456"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
}

#[sqlx::test(migrations = "../../migrations")]
async fn sign_up_without_password_verifies_by_link(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let mail = app.start_worker().await;
    let r = app
        .post(
            "/v1/auth/register",
            json!({"email": "link@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let m = mail.wait_for("link@example.com", WAIT).await;
    assert_eq!(m.subject, "Verify your Makapix Club email");
    let token = m.link_token();
    let r = app
        .get("/v1/auth/verify-email?token=not-a-token", None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .get(&format!("/v1/auth/verify-email?token={token}"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["handle"]
        .as_str()
        .unwrap()
        .starts_with("makapix-user-"));
    let r = app
        .get(&format!("/v1/auth/verify-email?token={token}"), None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "links are single use");
}

#[sqlx::test(migrations = "../../migrations")]
async fn reset_by_link_signs_out_old_sessions(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let mail = app.start_worker().await;
    app.create_user("reset@example.com", "resetter", true).await;
    let l = app
        .post(
            "/v1/auth/login",
            json!({"email": "reset@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    let old_cookie = l.set_cookie("refresh_token").unwrap();
    app.post(
        "/v1/auth/forgot-password",
        json!({"email": "reset@example.com"}),
        None,
    )
    .await;
    let m = mail.wait_for("reset@example.com", WAIT).await;
    assert_eq!(m.subject, "Reset your Makapix Club password");
    let token = m.link_token();
    let r = app
        .post(
            "/v1/auth/reset-password",
            json!({"token": token, "new_password": "weak"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "weak_password");
    let r = app
        .post(
            "/v1/auth/reset-password",
            json!({"token": token, "new_password": "brandnew99"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .post(
            "/v1/auth/reset-password",
            json!({"token": token, "new_password": "brandnew99"}),
            None,
        )
        .await;
    assert_eq!(r.code(), "token_invalid");
    let r = app
        .post(
            "/v1/auth/login",
            json!({"email": "reset@example.com", "password": "brandnew99"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let v = old_cookie.split(';').next().unwrap().to_string();
    let req = http::Request::post("/v1/auth/refresh")
        .header("cookie", v)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn reset_by_code(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let mail = app.start_worker().await;
    app.create_user("code@example.com", "coder", true).await;
    let r = app
        .post(
            "/v1/auth/password-otp/request",
            json!({"email": "code@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let m = mail.wait_for("code@example.com", WAIT).await;
    assert_eq!(m.subject, "Your Makapix password reset code");
    let body = json!({"email": "code@example.com", "code": m.code(), "new_password": "short"});
    let r = app.post("/v1/auth/password-otp/confirm", body, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "validation_error");
    let body =
        json!({"email": "code@example.com", "code": "999999x", "new_password": "longenough1"});
    assert_eq!(
        app.post("/v1/auth/password-otp/confirm", body, None)
            .await
            .code(),
        "token_invalid"
    );
    let body =
        json!({"email": "code@example.com", "code": m.code(), "new_password": "longenough1"});
    assert_eq!(
        app.post("/v1/auth/password-otp/confirm", body, None)
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .post(
            "/v1/auth/login",
            json!({"email": "code@example.com", "password": "longenough1"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
