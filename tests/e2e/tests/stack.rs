//! End-to-end: the local stack through Caddy, as a browser sees it. Needs `scripts/stack up`
//! (scripts/test does it first).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::time::Duration;

use e2e::reqwest::{Response, StatusCode};
use e2e::{
    cookie_value, fresh_client_ip, fresh_email, json, set_cookie, six_digit_code, Stack, Value,
};

const VERIFY_SUBJECT: &str = "Your Makapix verification code";
const PASSWORD: &str = "pixel-art-42";

fn header<'a>(resp: &'a Response, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{name} missing from {} {}", resp.status(), resp.url()))
}

/// The hardening headers every api response carries, here seen through Caddy.
fn assert_api_headers(resp: &Response) {
    let id = header(resp, "x-request-id");
    assert!(
        id.len() == 8
            && id
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "X-Request-Id {id:?} is not 8 lowercase hex characters"
    );
    assert_eq!(header(resp, "x-frame-options"), "DENY");
    assert_eq!(header(resp, "x-content-type-options"), "nosniff");
}

async fn json_of(resp: Response) -> Value {
    let status = resp.status();
    let text = resp.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: not JSON: {text}"))
}

#[tokio::test]
async fn health_ready_and_routing_through_caddy() {
    let stack = Stack::load();
    let http = stack.client(fresh_client_ip(), false);

    let resp = http.get(stack.api("/v1/health")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_api_headers(&resp);
    assert_eq!(json_of(resp).await["status"], "ok");

    let resp = http.get(stack.api("/v1/ready")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "the api is not ready");
    assert_api_headers(&resp);
    let body = json_of(resp).await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["postgres"], "ok");
    assert_eq!(body["redis"], "ok");

    // /api is stripped: an unknown /api/v1 route is the api's own 404 envelope.
    let resp = http
        .get(stack.api("/v1/no-such-route"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_api_headers(&resp);
    assert_eq!(json_of(resp).await["error"]["code"], "not_found");
}

#[tokio::test]
async fn sign_up_verify_sign_in_refresh_and_sign_out() {
    let stack = Stack::load();
    let ip = fresh_client_ip();
    let http = stack.client(ip, true);
    let email = fresh_email();

    // Register with a password: 201 and a 6-digit code by mail.
    let resp = http
        .post(stack.api("/v1/auth/register"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_api_headers(&resp);
    // This client is new to the api: Caddy's view of the client address counts, not Caddy's.
    let limit: u32 = header(&resp, "ratelimit-limit").parse().unwrap();
    let remaining: u32 = header(&resp, "ratelimit-remaining").parse().unwrap();
    assert_eq!(
        remaining + 1,
        limit,
        "client {ip} was not seen as a fresh client"
    );
    let body = json_of(resp).await;
    assert_eq!(body["verification_method"], "otp");
    assert_eq!(body["email"], email.as_str());

    // Not verified yet: sign-in is refused before the password is checked.
    let resp = http
        .post(stack.api("/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let mail = stack
        .wait_for_mail(&email, VERIFY_SUBJECT, Duration::from_secs(30))
        .await;
    let code = six_digit_code(&mail.text)
        .unwrap_or_else(|| panic!("no 6-digit code in the mail: {}", mail.text));

    let resp = http
        .post(stack.api("/v1/auth/email-otp/verify"))
        .json(&json!({"email": email, "code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(json_of(resp).await["verified"], true);

    // Sign in: an access token in the body, the refresh token in an HttpOnly cookie.
    let resp = http
        .post(stack.api("/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = set_cookie(&resp, "refresh_token").expect("login sets the refresh_token cookie");
    for attr in ["HttpOnly", "Path=/", "SameSite=Lax", "Max-Age=2592000"] {
        assert!(
            cookie.split(';').any(|a| a.trim() == attr),
            "refresh cookie lacks {attr}: {cookie}"
        );
    }
    let first = cookie_value(&cookie);
    assert!(!first.is_empty());
    let body = json_of(resp).await;
    assert!(
        body["refresh_token"].is_null(),
        "the refresh token must not be in the body"
    );
    let token = body["token"].as_str().expect("access token").to_string();

    let resp = http
        .get(stack.api("/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(json_of(resp).await["user"]["email"], email.as_str());

    // Refresh with the cookie: a new access token and a rotated cookie.
    let resp = http
        .post(stack.api("/v1/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let rotated = set_cookie(&resp, "refresh_token").expect("refresh rotates the cookie");
    let latest = cookie_value(&rotated);
    assert!(!latest.is_empty());
    assert_ne!(latest, first, "refresh must issue a new refresh token");
    let token = json_of(resp).await["token"]
        .as_str()
        .expect("access token")
        .to_string();

    // Sign out: 204, and the latest refresh token is dead.
    let resp = http
        .post(stack.api("/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);

    let bare = stack.client(ip, false);
    let resp = bare
        .post(stack.api("/v1/auth/refresh"))
        .header("cookie", format!("refresh_token={latest}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_api_headers(&resp);
}

#[tokio::test]
async fn seeded_owner_signs_in() {
    let stack = Stack::load();
    let http = stack.client(fresh_client_ip(), true);
    let resp = http
        .post(stack.api("/v1/auth/login"))
        .json(&json!({
            "email": stack.get("MAKAPIX_OWNER_EMAIL"),
            "password": stack.get("MAKAPIX_OWNER_PASSWORD"),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "owner sign-in failed");
    assert_api_headers(&resp);
    let token = json_of(resp).await["token"]
        .as_str()
        .expect("access token")
        .to_string();
    let resp = http
        .get(stack.api("/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let roles = json_of(resp).await["roles"].clone();
    assert!(
        roles
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x == "owner")),
        "the seeded owner lacks the owner role: {roles}"
    );
}

#[tokio::test]
async fn vault_serves_static_immutable_files() {
    let stack = Stack::load();
    let vault_dir = {
        let d = std::path::Path::new(stack.get("VAULT_DIR"));
        if d.is_absolute() {
            d.to_path_buf()
        } else {
            stack.root.join(d)
        }
    };
    let name = format!("e2e-{}", e2e::uuid::Uuid::new_v4().simple());
    let dir = vault_dir.join("3f").join("00");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.png"));
    std::fs::write(&file, b"\x89PNG\r\n\x1a\nnot-really").unwrap();
    let base = stack
        .get("VAULT_PUBLIC_BASE_URL")
        .trim_end_matches('/')
        .to_string();
    let http = stack.client(fresh_client_ip(), false);

    let resp = http
        .get(format!("{base}/3f/00/{name}.png"))
        .send()
        .await
        .unwrap();
    std::fs::remove_file(&file).ok();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        header(&resp, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&resp, "access-control-allow-origin"), "*");
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    assert_eq!(header(&resp, "content-type"), "image/png");

    // No directory listings, and nothing cached as immutable that does not exist.
    let resp = http.get(format!("{base}/3f/00/")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = http
        .get(format!("{base}/3f/00/missing-{name}.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(resp.headers().get("cache-control").is_none());
}
