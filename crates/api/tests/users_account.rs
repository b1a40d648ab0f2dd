//! Avatars, the user directory (browse) and account deletion.
// Test helpers outside #[test] fns panic on purpose, like the assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod users_support;

use axum::body::Body;
use db::users::UserRow;
use http::{Method, Request, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::{json_request, multipart_request, TestApp, TestResponse, PASSWORD};
use users_support::{ban, deactivate, hide, png, urlencode, user_with_roles};

fn multipart(method: Method, path: &str, token: &str, field: &str, bytes: &[u8]) -> Request<Body> {
    multipart_request(method, path, Some(token), &[(field, "a.png", bytes)], &[])
}

async fn upload(app: &TestApp, u: &UserRow, token: &str, bytes: &[u8]) -> TestResponse {
    let path = format!("/v1/user/{}/avatar", u.user_key);
    app.send(multipart(Method::POST, &path, token, "image", bytes))
        .await
}

/// The vault file an avatar URL points at.
fn vault_file(app: &TestApp, url: &str) -> std::path::PathBuf {
    let base = app.state.config.vault_public_base_url.trim_end_matches('/');
    let rel = url.strip_prefix(base).unwrap().trim_start_matches('/');
    app.state.vault.root().join(rel)
}

#[sqlx::test(migrations = "../../migrations")]
async fn avatar_round_trip(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let r = upload(&app, &alice, &alice_t, &png(16, 16)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let first = r.json()["avatar_url"].as_str().unwrap().to_string();
    assert!(first.starts_with(&app.state.config.vault_public_base_url));
    assert!(
        first.contains("/avatar/") && first.ends_with(".png"),
        "{first}"
    );
    assert_eq!(r.json()["email"], "alice@example.com");
    assert_eq!(
        std::fs::read(vault_file(&app, &first)).unwrap(),
        png(16, 16)
    );

    // A new upload gets a new name and the old file goes.
    let second = upload(&app, &alice, &alice_t, &png(8, 8)).await.json()["avatar_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second);
    assert!(!vault_file(&app, &first).exists());
    assert!(vault_file(&app, &second).exists());

    let path = format!("/v1/user/{}/avatar", alice.user_key);
    let r = app.call(Method::DELETE, &path, None, Some(&alice_t)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["avatar_url"], Value::Null);
    assert!(!vault_file(&app, &second).exists());
    let u = db::users::find_by_id(&app.state.db, alice.id)
        .await
        .unwrap()
        .unwrap();
    assert!(u.avatar_url.is_none() && u.avatar_storage_key.is_none());
    assert_eq!(
        app.call(Method::DELETE, &path, None, Some(&alice_t))
            .await
            .status,
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn avatar_refusals(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (_bob, bob_t) = app.user_with_token("bob").await;
    for garbage in [
        b"just some text".to_vec(),
        [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 40]].concat(),
    ] {
        let r = upload(&app, &alice, &alice_t, &garbage).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "bad_request".into())
        );
    }
    // One byte over 5 MiB (read by the handler), and far over (refused by the body limit).
    for size in [5 * 1024 * 1024 + 1, 7 * 1024 * 1024] {
        let mut big = png(4, 4);
        big.resize(size, 0);
        let r = upload(&app, &alice, &alice_t, &big).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large".into())
        );
    }
    let mut max = png(4, 4);
    max.resize(5 * 1024 * 1024, 0);
    assert_eq!(
        upload(&app, &alice, &alice_t, &max).await.status,
        StatusCode::CREATED
    );

    assert_eq!(
        upload(&app, &alice, &bob_t, &png(4, 4)).await.status,
        StatusCode::FORBIDDEN
    );
    let path = format!("/v1/user/{}/avatar", alice.user_key);
    let r = app
        .send(multipart(Method::POST, &path, &alice_t, "file", &png(4, 4)))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .send(json_request(
            Method::POST,
            &path,
            Some(json!({})),
            Some(&alice_t),
            &[],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // 20 uploads an hour per user; 7 were counted above (refusals by content count too).
    for _ in 0..13 {
        assert_eq!(
            upload(&app, &alice, &alice_t, &png(4, 4)).await.status,
            StatusCode::CREATED
        );
    }
    let r = upload(&app, &alice, &alice_t, &png(4, 4)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
}

/// Every page of a browse, following `next_cursor`; returns the handles in order.
async fn browse_all(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/user/browse?limit=2&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", urlencode(c)));
        }
        let r = app.get(&path, Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
        let page = r.json();
        out.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["handle"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn browse_lists_visible_users(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (viewer, viewer_t) = app.user_with_token("viewer").await;
    for h in ["bea", "Cid", "dot_x", "dotyx", "eve"] {
        app.user_with_token(h).await;
    }
    app.create_user("unv@example.com", "unverified", false)
        .await;
    let (hidden, _) = app.user_with_token("hidden").await;
    hide(&app, &hidden).await;
    let (gone, _) = app.user_with_token("gone").await;
    deactivate(&app, &gone).await;
    let (banned, _) = app.user_with_token("banned").await;
    ban(&app, &banned).await;
    let (owner, _) = app.user_with_token("siteowner").await;
    app.grant_roles(&owner, &["moderator", "owner"]).await;
    let (blocked, _) = app.user_with_token("blockedone").await;
    let r = app
        .post(
            &format!("/v1/user/u/{}/block", blocked.public_sqid),
            json!({}),
            Some(&viewer_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    let names = browse_all(&app, &viewer_t, "sort=alphabetical").await;
    assert_eq!(names, ["bea", "Cid", "dot_x", "dotyx", "eve", "viewer"]);
    let mut recent = browse_all(&app, &viewer_t, "sort=recent").await;
    assert_eq!(recent.first().map(String::as_str), Some("eve"));
    recent.sort();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(recent, sorted);
    assert_eq!(
        browse_all(&app, &viewer_t, "sort=reputation").await.len(),
        6
    );
    // `_` is a literal character in the search, not a wildcard.
    assert_eq!(browse_all(&app, &viewer_t, "q=DOT_").await, ["dot_x"]);
    // A cursor that does not decode gives the first page.
    let r = app
        .get("/v1/user/browse?limit=2&cursor=%%%garbage", Some(&viewer_t))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .get(
            "/v1/user/browse?limit=2&cursor=bm9wZQ%3D%3D",
            Some(&viewer_t),
        )
        .await;
    assert_eq!(r.json()["items"][0]["handle"], "bea");

    // Moderators also see hidden, banned and deactivated users, never unverified or the owner.
    let mod_u = app.grant_roles(&viewer, &["moderator"]).await;
    let all = browse_all(&app, &app.token_for(&mod_u), "sort=alphabetical").await;
    assert_eq!(
        all,
        ["banned", "bea", "Cid", "dot_x", "dotyx", "eve", "gone", "hidden", "viewer"]
    );

    assert_eq!(
        app.get("/v1/user/browse", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    for q in ["sort=popular", "limit=0", "limit=201", "limit=x"] {
        let r = app
            .get(&format!("/v1/user/browse?{q}"), Some(&viewer_t))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_error".into()),
            "{q}"
        );
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn delete_account_deactivates_at_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let alice = app.create_user("alice@example.com", "alice", true).await;
    let login = app
        .post(
            "/v1/auth/login",
            json!({"email": "alice@example.com", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    let token = login.json()["token"].as_str().unwrap().to_string();
    let cookie = login.set_cookie("refresh_token").unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();

    let r = app
        .post("/v1/user/delete-account", json!({}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(r.json()["status"], "accepted");
    assert!(r.json()["message"].is_string());

    let r = app.get("/v1/auth/me", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["message"], "Account deactivated");
    let refresh = json_request(
        Method::POST,
        "/v1/auth/refresh",
        None,
        None,
        &[("cookie", &cookie)],
    );
    assert_eq!(app.send(refresh).await.status, StatusCode::UNAUTHORIZED);
    let u = db::users::find_by_id(&app.state.db, alice.id)
        .await
        .unwrap()
        .unwrap();
    assert!(u.deactivated);
    let audits: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where action = 'delete_account' and actor_id = $1",
    )
    .bind(alice.id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audits, 1);

    let (_owner, owner_t) = user_with_roles(&app, "siteowner", &["moderator", "owner"]).await;
    let r = app
        .post("/v1/user/delete-account", json!({}), Some(&owner_t))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    assert_eq!(
        app.post("/v1/user/delete-account", json!({}), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}
