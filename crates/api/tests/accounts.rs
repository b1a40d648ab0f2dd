//! Sign-up, sign-in, sessions (rotation, grace, reuse detection), `/auth/me`, password and
//! handle changes, and bans biting on already-issued tokens.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use axum::body::Body;
use base64::Engine;
use chrono::{DateTime, Utc};
use http::{Method, Request, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::{json_request, TestApp, TestResponse, PASSWORD};

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string()
}

async fn refresh_with(app: &TestApp, token: &str) -> TestResponse {
    let req = Request::post("/v1/auth/refresh")
        .header("cookie", format!("refresh_token={token}"))
        .body(Body::empty())
        .unwrap();
    app.send(req).await
}

async fn login(app: &TestApp, email: &str, password: &str) -> TestResponse {
    app.post(
        "/v1/auth/login",
        json!({"email": email, "password": password}),
        None,
    )
    .await
}

#[sqlx::test(migrations = "../../migrations")]
async fn register_without_password_gets_default_handle(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app
        .post(
            "/v1/auth/register",
            json!({"email": "new@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let b = r.json();
    assert_eq!(b["verification_method"], "link");
    assert!(b["user_id"].is_i64());
    let handle = b["handle"].as_str().unwrap();
    assert!(
        handle.starts_with("makapix-user-") && handle[13..].chars().all(|c| c.is_ascii_digit())
    );
    assert!(b.get("token").is_none());
}

#[sqlx::test(migrations = "../../migrations")]
async fn register_rules(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let r = app
        .post(
            "/v1/auth/register",
            json!({"email": "w@example.com", "password": "short"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "weak_password");
    assert_eq!(r.json()["error"]["details"]["field"], "password");
    let n: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "weak password must create nothing");

    app.create_user("taken@example.com", "taken", true).await;
    let r = app
        .post(
            "/v1/auth/register",
            json!({"email": "Taken@Example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "conflict");
    assert_eq!(
        r.json()["error"]["message"],
        "An account with this email already exists"
    );

    let first = app
        .post(
            "/v1/auth/register",
            json!({"email": "pending@example.com", "password": "pixels123"}),
            None,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.json()["verification_method"], "otp");
    let r = app
        .post(
            "/v1/auth/register",
            json!({"email": "pending@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["message"], "pending_verification");
    let resumed = app
        .post(
            "/v1/auth/register",
            json!({"email": "pending@example.com", "password": "pixels456"}),
            None,
        )
        .await;
    assert_eq!(resumed.status, StatusCode::OK);
    assert_eq!(resumed.json()["verification_method"], "otp");
    assert_eq!(resumed.json()["user_id"], first.json()["user_id"]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn login_checks_verification_before_password(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("unverified@example.com", "unverified", false)
        .await;
    let r = login(&app, "unverified@example.com", "definitely-wrong1").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "email_not_verified");
    app.create_user("ok@example.com", "okuser", true).await;
    let r = login(&app, "ok@example.com", "wrongpass1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "unauthorized");
    let r = login(&app, "nobody@example.com", PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn login_sets_cookie_and_token_claims(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let u = app.create_user("me@example.com", "pixelme", true).await;
    let r = login(&app, "me@example.com", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
    let b = r.json();
    assert_eq!(b["refresh_token"], Value::Null);
    assert_eq!(b["user_handle"], "pixelme");
    assert_eq!(b["public_sqid"], u.public_sqid);
    let exp: DateTime<Utc> = b["expires_at"].as_str().unwrap().parse().unwrap();
    let delta = (exp - Utc::now()).num_seconds();
    assert!((3590..=3600).contains(&delta), "expires in {delta}s");
    let cookie = r.set_cookie("refresh_token").unwrap();
    for attr in ["HttpOnly", "Max-Age=2592000", "Path=/", "SameSite=Lax"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    let token = b["token"].as_str().unwrap();
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["sub"], u.public_sqid);
    assert_eq!(claims["type"], "access");
    assert_eq!(claims["roles"], json!(["user"]));
    assert_eq!(claims["user_id"], u.user_key.to_string());
}

#[sqlx::test(migrations = "../../migrations")]
async fn refresh_rotates_with_grace(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    app.create_user("r@example.com", "rotator", true).await;
    let r = app.post("/v1/auth/refresh", json!({}), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let t0 = cookie_value(
        &login(&app, "r@example.com", PASSWORD)
            .await
            .set_cookie("refresh_token")
            .unwrap(),
    );
    let r1 = refresh_with(&app, &t0).await;
    assert_eq!(r1.status, StatusCode::OK);
    let t1 = cookie_value(&r1.set_cookie("refresh_token").unwrap());
    assert_ne!(t0, t1);
    assert!(r1.json()["token"].is_string());
    // A racing tab still holding t0 within the grace period is served.
    let r_race = refresh_with(&app, &t0).await;
    assert_eq!(r_race.status, StatusCode::OK);
    // Past the grace, t0 is reuse: refused, and the whole family dies (t1 too).
    sqlx::query("update refresh_tokens set rotated_at = now() - interval '61 seconds' where rotated_at is not null")
        .execute(&pool)
        .await
        .unwrap();
    let r = refresh_with(&app, &t0).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "token_invalid");
    assert_eq!(
        refresh_with(&app, &t1).await.status,
        StatusCode::UNAUTHORIZED
    );
    let live: i64 =
        sqlx::query_scalar("select count(*) from refresh_tokens where revoked_at is null")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(live, 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn replaying_a_token_whose_successor_rotated_revokes_family(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("s@example.com", "stealer", true).await;
    let t0 = cookie_value(
        &login(&app, "s@example.com", PASSWORD)
            .await
            .set_cookie("refresh_token")
            .unwrap(),
    );
    let t1 = cookie_value(
        &refresh_with(&app, &t0)
            .await
            .set_cookie("refresh_token")
            .unwrap(),
    );
    let t2 = cookie_value(
        &refresh_with(&app, &t1)
            .await
            .set_cookie("refresh_token")
            .unwrap(),
    );
    // t0's successor (t1) has itself been rotated: replaying t0 is reuse even inside 60 s.
    assert_eq!(
        refresh_with(&app, &t0).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh_with(&app, &t2).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn native_token_grants(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("n@example.com", "native", true).await;
    let r = app
        .post(
            "/v1/auth/token",
            json!({"grant_type": "password", "email": "n@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let b = r.json();
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["expires_in"], 3600);
    assert_eq!(b["user"]["handle"], "native");
    let rt = b["refresh_token"].as_str().unwrap().to_string();
    let r = app
        .post(
            "/v1/auth/token",
            json!({"grant_type": "refresh_token", "refresh_token": rt}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_ne!(r.json()["refresh_token"].as_str().unwrap(), rt);
    let r = app
        .post(
            "/v1/auth/token",
            json!({"grant_type": "refresh_token", "refresh_token": "bogus"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "token_invalid");
    let r = app
        .post(
            "/v1/auth/token",
            json!({"grant_type": "password", "email": "n@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "validation_error");
    let r = app
        .post(
            "/v1/auth/token",
            json!({"grant_type": "authorization_code", "code": "nope", "code_verifier": "x"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "token_invalid");
}

#[sqlx::test(migrations = "../../migrations")]
async fn me_and_logout(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/v1/auth/me", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    let r = app.get("/v1/auth/me", Some("garbage")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let u = app.create_user("me2@example.com", "meuser", true).await;
    let l = login(&app, "me2@example.com", PASSWORD).await;
    let token = l.json()["token"].as_str().unwrap().to_string();
    let r = app.get("/v1/auth/me", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    let b = r.json();
    assert_eq!(b["user"]["public_sqid"], u.public_sqid);
    assert_eq!(b["user"]["email"], "me2@example.com");
    assert_eq!(b["quotas"]["uploads"]["limit"], 4);
    assert_eq!(b["quotas"]["uploads"]["window"], "1h");
    assert_eq!(b["quotas"]["storage"]["limit_bytes"], 104_857_600);
    assert_eq!(b["quotas"]["players"]["limit"], 128);
    assert_eq!(b["capabilities"]["can_moderate"], false);
    assert_eq!(b["roles"], json!(["user"]));
    let t0 = cookie_value(&l.set_cookie("refresh_token").unwrap());
    let req = json_request(
        Method::POST,
        "/v1/auth/logout",
        None,
        Some(&token),
        &[("cookie", &format!("refresh_token={t0}"))],
    );
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.set_cookie("refresh_token").unwrap().contains("Max-Age=0"));
    assert_eq!(
        refresh_with(&app, &t0).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn ban_and_deactivation_bite_on_issued_tokens(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    app.create_user("b@example.com", "banme", true).await;
    let l = login(&app, "b@example.com", PASSWORD).await;
    let token = l.json()["token"].as_str().unwrap().to_string();
    let t0 = cookie_value(&l.set_cookie("refresh_token").unwrap());
    assert_eq!(
        app.get("/v1/auth/me", Some(&token)).await.status,
        StatusCode::OK
    );
    sqlx::query("update users set banned_until = '9999-12-31T23:59:59Z' where handle = 'banme'")
        .execute(&pool)
        .await
        .unwrap();
    let r = app.get("/v1/auth/me", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["message"], "Account banned");
    assert_eq!(
        refresh_with(&app, &t0).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, "b@example.com", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    sqlx::query("update users set banned_until = null, deactivated = true where handle = 'banme'")
        .execute(&pool)
        .await
        .unwrap();
    let r = app.get("/v1/auth/me", Some(&token)).await;
    assert_eq!(r.json()["error"]["message"], "Account deactivated");
}

#[sqlx::test(migrations = "../../migrations")]
async fn change_password_rules(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = app.user_with_token("changer").await;
    let r = app
        .post(
            "/v1/auth/change-password",
            json!({"current_password": "wrongpass1", "new_password": "newpass123"}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .post(
            "/v1/auth/change-password",
            json!({"current_password": PASSWORD, "new_password": "short"}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "weak_password");
    let r = app
        .post(
            "/v1/auth/change-password",
            json!({"current_password": PASSWORD, "new_password": "newpass123"}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        login(&app, "changer@example.com", "newpass123")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        login(&app, "changer@example.com", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn handles_change_and_availability(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let r = app
        .post(
            "/v1/auth/check-handle-availability",
            json!({"handle": "ab"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["available"], false);
    let (_, tok) = app.user_with_token("Paul").await;
    for taken in ["paul", "PAUL", "p\u{0430}ul"] {
        let r = app
            .post(
                "/v1/auth/check-handle-availability",
                json!({"handle": taken}),
                None,
            )
            .await;
        assert_eq!(r.json()["available"], false, "{taken}");
    }
    let r = app
        .post(
            "/v1/auth/check-handle-availability",
            json!({"handle": "fresh_name"}),
            None,
        )
        .await;
    assert_eq!(r.json()["available"], true);

    let (_, other) = app.user_with_token("other").await;
    let r = app
        .post(
            "/v1/auth/change-handle",
            json!({"new_handle": "PAUL"}),
            Some(&other),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["message"], "This handle is already taken");
    let r = app
        .post(
            "/v1/auth/change-handle",
            json!({"new_handle": "-bad"}),
            Some(&other),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .post(
            "/v1/auth/change-handle",
            json!({"new_handle": "renamed"}),
            Some(&other),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["handle"], "renamed");
    let audit: i64 =
        sqlx::query_scalar("select count(*) from audit_logs where action = 'change_handle'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audit, 1);
    // Renaming to your own handle in another case is allowed.
    let r = app
        .post(
            "/v1/auth/change-handle",
            json!({"new_handle": "PAUL"}),
            Some(&tok),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let unverified = app.create_user("unv@example.com", "unv", false).await;
    let r = app
        .post(
            "/v1/auth/change-handle",
            json!({"new_handle": "whatever"}),
            Some(&app.token_for(&unverified)),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let owner = app.create_user("owner@example.com", "theowner", true).await;
    let owner = app.grant_roles(&owner, &["moderator", "owner"]).await;
    let r = app
        .post(
            "/v1/auth/change-handle",
            json!({"new_handle": "whatever"}),
            Some(&app.token_for(&owner)),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../../migrations")]
async fn forgot_password_answers_the_same_for_unknown_emails(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("known@example.com", "known", true).await;
    let a = app
        .post(
            "/v1/auth/forgot-password",
            json!({"email": "known@example.com"}),
            None,
        )
        .await;
    let b = app
        .post(
            "/v1/auth/forgot-password",
            json!({"email": "unknown@example.com"}),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(b.status, StatusCode::OK);
    assert_eq!(a.json(), b.json());
    let r = app
        .post(
            "/v1/auth/request-verification",
            json!({"email": "unknown@example.com"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
