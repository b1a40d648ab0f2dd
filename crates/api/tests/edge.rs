//! The HTTP edge: health, readiness, config caching, error envelopes, security headers,
//! body limits, rate-limit headers and the trusted-proxy rule for client addresses.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use axum::body::Body;
use http::{Method, Request, StatusCode};
use serde_json::json;
use sqlx::PgPool;
use test_support::{json_request, TestApp};

#[sqlx::test(migrations = "../../migrations")]
async fn health_and_headers(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/v1/health", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "ok");
    assert!(r.json()["uptime_s"].is_number());
    let id = r.header("x-request-id").unwrap();
    assert_eq!(id.len(), 8);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        r.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
    assert!(r
        .header("content-security-policy")
        .unwrap()
        .starts_with("default-src 'self'"));
    assert!(r.header("permissions-policy").is_some());
    let ready = app.get("/v1/ready", None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["postgres"], "ok");
    assert_eq!(ready.json()["redis"], "ok");
}

#[sqlx::test(migrations = "../../migrations")]
async fn config_is_cacheable(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/v1/config", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let c = r.json();
    assert_eq!(c["upload"]["formats"], json!(["png", "gif", "webp", "bmp"]));
    assert_eq!(c["upload"]["max_file_bytes"], 5_242_880);
    assert_eq!(c["upload"]["free_form_min"], 128);
    assert_eq!(c["upload"]["free_form_max"], 256);
    assert_eq!(c["max_emojis_per_user_per_post"], 5);
    assert_eq!(c["max_comment_depth"], 2);
    assert_eq!(c["moderation"]["max_blocks_per_user"], 1000);
    assert_eq!(r.header("cache-control"), Some("public, max-age=300"));
    let etag = r.header("etag").unwrap().to_string();
    let req = Request::get("/v1/config")
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    let r2 = app.send(req).await;
    assert_eq!(r2.status, StatusCode::NOT_MODIFIED);
    assert!(r2.body.is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn not_found_shapes(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/v1/nope", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
    assert!(r.json().get("detail").is_none());
    let r = app.get("/player/nope", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json(), json!({"detail": "Not Found"}));
    let r = app.call(Method::DELETE, "/v1/health", None, None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.code(), "bad_request");
}

#[sqlx::test(migrations = "../../migrations")]
async fn bad_bodies_are_refused_without_writes(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let r = app.post("/v1/auth/login", json!({}), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "validation_error");
    assert!(r.json()["error"]["details"]["errors"].is_array());
    // Malformed JSON.
    let req = Request::post("/v1/auth/register")
        .header("content-type", "application/json")
        .body(Body::from("{\"email\": "))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Wrong type.
    let r = app
        .post("/v1/auth/register", json!({"email": 42}), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Unknown field on a strict body.
    let r = app
        .post(
            "/v1/auth/register",
            json!({"email": "x@example.com", "role": "owner"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Over-long email.
    let long = format!("{}@example.com", "a".repeat(300));
    let r = app
        .post("/v1/auth/register", json!({"email": long}), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Oversized body.
    let big = json!({"email": "y@example.com", "password": "x".repeat(2 * 1024 * 1024)});
    let r = app.post("/v1/auth/register", big, None).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "file_too_large");
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn login_rate_limit_headers_and_retry_after(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let body = json!({"email": "nobody@example.com", "password": "wrongpass1"});
    let first = app.post("/v1/auth/login", body.clone(), None).await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED);
    assert_eq!(first.header("ratelimit-limit"), Some("20"));
    assert_eq!(first.header("ratelimit-remaining"), Some("19"));
    assert!(
        first
            .header("ratelimit-reset")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            <= 300
    );
    for _ in 0..19 {
        app.post("/v1/auth/login", body.clone(), None).await;
    }
    let r = app.post("/v1/auth/login", body.clone(), None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    // Another client address has its own bucket.
    let req = json_request(Method::POST, "/v1/auth/login", Some(body), None, &[]);
    let other = app.send_from("127.0.0.2", req).await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn forwarded_for_is_believed_only_from_trusted_proxies(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let body = json!({"email": "nobody@example.com", "password": "wrongpass1"});
    // Through the trusted proxy (10.255.255.1 in the test config) each forwarded client counts alone.
    for i in 0..3 {
        let xff = format!("203.0.113.{i}");
        let req = json_request(
            Method::POST,
            "/v1/auth/login",
            Some(body.clone()),
            None,
            &[("x-forwarded-for", &xff)],
        );
        let r = app.send_from("10.255.255.1", req).await;
        assert_eq!(r.header("ratelimit-remaining"), Some("19"), "client {xff}");
    }
    // From an untrusted peer the header is ignored: all requests share the peer's bucket.
    for (i, expect) in ["19", "18"].iter().enumerate() {
        let xff = format!("198.51.100.{i}");
        let req = json_request(
            Method::POST,
            "/v1/auth/login",
            Some(body.clone()),
            None,
            &[("x-forwarded-for", &xff)],
        );
        let r = app.send_from("192.0.2.9", req).await;
        assert_eq!(r.header("ratelimit-remaining"), Some(*expect));
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn openapi_lists_every_route(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/v1/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/v1/health",
        "/v1/ready",
        "/v1/config",
        "/v1/auth/register",
        "/v1/auth/login",
        "/v1/auth/token",
        "/v1/auth/refresh",
        "/v1/auth/logout",
        "/v1/auth/me",
        "/v1/auth/verify-email",
        "/v1/auth/email-otp/verify",
        "/v1/auth/github/login",
        "/v1/auth/github/callback",
        "/v1/auth/github/exchange",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    assert_eq!(doc["servers"][0]["url"], "/api");
}

/// Client generators (the web's TypeScript types) refuse duplicate operation ids and need every
/// path parameter to be in the path; query parameters must say so.
#[sqlx::test(migrations = "../../migrations")]
async fn openapi_operations_are_unique_and_parameters_placed(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = app.get("/v1/openapi.json", None).await.json();
    let mut ids = std::collections::HashSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            assert!(
                ids.insert(id.clone()),
                "duplicate operationId {id} ({method} {path})"
            );
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().unwrap();
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is not in the path"
                    );
                }
            }
        }
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn edge_limit_per_client_address(pool: PgPool) {
    let app =
        TestApp::with_overrides(pool, &[("EDGE_BURST", "3"), ("EDGE_RATE_PER_SECOND", "1")]).await;
    for _ in 0..3 {
        assert_eq!(app.get("/v1/health", None).await.status, StatusCode::OK);
    }
    let r = app.get("/v1/health", None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");
    assert!(r.header("retry-after").is_some());
    let other = app
        .send_from(
            "127.0.0.9",
            Request::get("/v1/health").body(Body::empty()).unwrap(),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
}
