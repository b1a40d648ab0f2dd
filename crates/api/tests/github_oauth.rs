//! GitHub sign-in against a local fake provider: web callback with the state cookie, native
//! apps with PKCE S256 and one-time codes, the exchange endpoint, and account linking rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use axum::body::Body;
use http::{Request, StatusCode};
use serde_json::json;
use sqlx::PgPool;
use test_support::github::{FakeGithub, FakeGithubUser};
use test_support::{TestApp, TestResponse};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const NATIVE: &str = "club.makapix.app://oauth/github";

async fn app_with_fake(pool: PgPool) -> (TestApp, FakeGithub) {
    let fake = FakeGithub::start().await;
    let owned = fake.overrides();
    let pairs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    (TestApp::with_overrides(pool, &pairs).await, fake)
}

fn gh(id: i64, login: &str, email: &str, verified: bool) -> FakeGithubUser {
    FakeGithubUser {
        id,
        login: login.into(),
        email: email.into(),
        verified,
    }
}

fn query_param(url: &str, name: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    u.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.to_string())
        .unwrap()
}

/// Starts a login and returns (state, nonce cookie).
async fn begin(app: &TestApp, query: &str) -> (String, String) {
    let r = app
        .get(&format!("/v1/auth/github/login{query}"), None)
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{:?}", r.json());
    let loc = r.header("location").unwrap().to_string();
    assert_eq!(query_param(&loc, "scope"), "user:email");
    let cookie = r.set_cookie("oauth_state").unwrap();
    assert!(
        cookie.contains("SameSite=None")
            && cookie.contains("Secure")
            && cookie.contains("HttpOnly")
    );
    let nonce = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    (query_param(&loc, "state"), nonce)
}

async fn callback(app: &TestApp, code: &str, state: &str, nonce: &str) -> TestResponse {
    let uri = format!("/v1/auth/github/callback?code={code}&state={state}");
    let req = Request::get(uri)
        .header("cookie", format!("oauth_state={nonce}"))
        .body(Body::empty())
        .unwrap();
    app.send(req).await
}

async fn refresh(app: &TestApp, resp: &TestResponse) -> TestResponse {
    let c = resp.set_cookie("refresh_token").expect("refresh cookie");
    let v = c.split(';').next().unwrap().to_string();
    let req = Request::post("/v1/auth/refresh")
        .header("cookie", v)
        .body(Body::empty())
        .unwrap();
    app.send(req).await
}

#[sqlx::test(migrations = "../../migrations")]
async fn web_sign_in_creates_then_reuses_the_account(pool: PgPool) {
    let (app, fake) = app_with_fake(pool).await;
    let (state, nonce) = begin(&app, "").await;
    let code = fake.issue_code(gh(101, "octocat", "octo@example.com", true));
    let r = callback(&app, &code, &state, &nonce).await;
    assert_eq!(r.status, StatusCode::OK);
    let me = refresh(&app, &r).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["user_handle"], "octocat");
    let first_id = me.json()["user_id"].clone();

    let (state, nonce) = begin(&app, "").await;
    let code = fake.issue_code(gh(101, "octocat", "octo@example.com", true));
    let again = refresh(&app, &callback(&app, &code, &state, &nonce).await).await;
    assert_eq!(again.json()["user_id"], first_id);
}

#[sqlx::test(migrations = "../../migrations")]
async fn callback_refuses_a_state_without_its_cookie(pool: PgPool) {
    let (app, fake) = app_with_fake(pool).await;
    let (state, _nonce) = begin(&app, "").await;
    let code = fake.issue_code(gh(7, "mallory", "m@example.com", true));
    let r = callback(&app, &code, &state, "forged-nonce").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&r.body).contains("Invalid OAuth state"));
    assert!(r.set_cookie("refresh_token").is_none());
}

#[sqlx::test(migrations = "../../migrations")]
async fn verified_email_links_and_unverified_collision_conflicts(pool: PgPool) {
    let (app, fake) = app_with_fake(pool).await;
    let existing = app.create_user("artist@example.com", "artist", true).await;
    let code = fake.issue_code(gh(202, "artist-gh", "artist@example.com", true));
    let redirect = "http://127.0.0.1:8080/api/v1/auth/github/callback";
    let r = app
        .post(
            "/v1/auth/github/exchange",
            json!({"code": code, "redirect_uri": redirect}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["user_id"], existing.id);
    assert!(r.set_cookie("refresh_token").is_some());

    app.create_user("other@example.com", "other", true).await;
    let code = fake.issue_code(gh(303, "sneaky", "other@example.com", false));
    let r = app
        .post(
            "/v1/auth/github/exchange",
            json!({"code": code, "redirect_uri": redirect}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    let r = app
        .post(
            "/v1/auth/github/exchange",
            json!({"code": "unknown", "redirect_uri": redirect}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "token_invalid");
    let r = app
        .post(
            "/v1/auth/github/exchange",
            json!({"code": "x", "redirect_uri": "https://evil.example/cb"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrations = "../../migrations")]
async fn native_flow_uses_pkce_and_single_use_codes(pool: PgPool) {
    let (app, fake) = app_with_fake(pool).await;
    let r = app
        .get(
            &format!("/v1/auth/github/login?redirect_uri={NATIVE}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "PKCE is required");
    let r = app
        .get(&format!("/v1/auth/github/login?redirect_uri=evil://x&code_challenge={CHALLENGE}&code_challenge_method=S256"), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "redirect must be allow-listed"
    );

    let q = format!(
        "?redirect_uri={NATIVE}&code_challenge={CHALLENGE}&code_challenge_method=S256&state=app123"
    );
    let (state, nonce) = begin(&app, &q).await;
    let code = fake.issue_code(gh(404, "pocket", "pocket@example.com", true));
    let r = callback(&app, &code, &state, &nonce).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let loc = r.header("location").unwrap().to_string();
    assert!(loc.starts_with(NATIVE));
    assert_eq!(query_param(&loc, "state"), "app123");
    let mpx = query_param(&loc, "code");

    let bad =
        json!({"grant_type": "authorization_code", "code": mpx, "code_verifier": "wrong-verifier"});
    let r = app.post("/v1/auth/token", bad, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "token_invalid");
    // A failed attempt burns the code, so a second try with the right verifier fails too.
    let good = json!({"grant_type": "authorization_code", "code": mpx, "code_verifier": VERIFIER});
    assert_eq!(
        app.post("/v1/auth/token", good, None).await.status,
        StatusCode::BAD_REQUEST
    );

    let (state, nonce) = begin(&app, &q).await;
    let code = fake.issue_code(gh(404, "pocket", "pocket@example.com", true));
    let loc = callback(&app, &code, &state, &nonce)
        .await
        .header("location")
        .unwrap()
        .to_string();
    let mpx = query_param(&loc, "code");
    let good = json!({"grant_type": "authorization_code", "code": mpx, "code_verifier": VERIFIER});
    let r = app.post("/v1/auth/token", good.clone(), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["user"]["handle"], "pocket");
    assert!(r.json()["refresh_token"].is_string());
    assert_eq!(
        app.post("/v1/auth/token", good, None).await.status,
        StatusCode::BAD_REQUEST,
        "single use"
    );
}
