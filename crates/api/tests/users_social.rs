//! Follows and blocks: idempotency, counts, lists, the block rules and the block cap.
// Test helpers outside #[test] fns panic on purpose, like the assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod users_support;

use db::users::UserRow;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::{TestApp, TestResponse};
use users_support::{hide, urlencode, user_with_roles};

async fn follow(app: &TestApp, target: &UserRow, token: &str) -> TestResponse {
    let path = format!("/v1/user/u/{}/follow", target.public_sqid);
    app.call(Method::POST, &path, None, Some(token)).await
}

async fn unfollow(app: &TestApp, target: &UserRow, token: &str) -> TestResponse {
    let path = format!("/v1/user/u/{}/follow", target.public_sqid);
    app.call(Method::DELETE, &path, None, Some(token)).await
}

async fn block(app: &TestApp, target: &UserRow, token: &str) -> TestResponse {
    let path = format!("/v1/user/u/{}/block", target.public_sqid);
    app.call(Method::POST, &path, None, Some(token)).await
}

async fn unblock(app: &TestApp, target: &UserRow, token: &str) -> TestResponse {
    let path = format!("/v1/user/u/{}/block", target.public_sqid);
    app.call(Method::DELETE, &path, None, Some(token)).await
}

fn handles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["handle"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test(migrations = "../../migrations")]
async fn follow_is_idempotent_and_counts(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (_bob, bob_t) = app.user_with_token("bob").await;
    let (_cid, cid_t) = app.user_with_token("cid").await;

    for _ in 0..2 {
        let r = follow(&app, &alice, &bob_t).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json(), json!({"following": true, "follower_count": 1}));
    }
    assert_eq!(
        follow(&app, &alice, &cid_t).await.json()["follower_count"],
        2
    );
    for _ in 0..2 {
        let r = unfollow(&app, &alice, &bob_t).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json(), json!({"following": false, "follower_count": 1}));
    }

    let r = follow(&app, &alice, &alice_t).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let ghost = app.state.sqids.encode(77_777);
    let r = app
        .call(
            Method::POST,
            &format!("/v1/user/u/{ghost}/follow"),
            None,
            Some(&bob_t),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let unverified = app.create_user("u@example.com", "unverified", false).await;
    assert_eq!(
        follow(&app, &unverified, &bob_t).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .call(
            Method::POST,
            &format!("/v1/user/u/{}/follow", alice.public_sqid),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn follower_and_following_lists_page_by_follow_time(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, _) = app.user_with_token("alice").await;
    let mut tokens = Vec::new();
    for h in ["bob", "cid", "dee"] {
        let (u, t) = app.user_with_token(h).await;
        assert_eq!(follow(&app, &alice, &t).await.status, StatusCode::OK);
        tokens.push((u, t));
    }
    let base = format!("/v1/user/u/{}/followers", alice.public_sqid);
    let first = app.get(&format!("{base}?limit=2"), None).await.json();
    assert_eq!(handles(&first), ["dee", "cid"]);
    assert_eq!(first["total"], 3);
    let cursor = urlencode(first["next_cursor"].as_str().unwrap());
    let second = app
        .get(&format!("{base}?limit=2&cursor={cursor}"), None)
        .await
        .json();
    assert_eq!(handles(&second), ["bob"]);
    assert_eq!(second["next_cursor"], Value::Null);
    // An undecodable cursor is ignored.
    let again = app
        .get(&format!("{base}?limit=2&cursor=zzz"), None)
        .await
        .json();
    assert_eq!(handles(&again), ["dee", "cid"]);

    let (bob, bob_t) = &tokens[0];
    assert_eq!(
        follow(&app, &tokens[1].0, bob_t).await.status,
        StatusCode::OK
    );
    let following = app
        .get(&format!("/v1/user/u/{}/following", bob.public_sqid), None)
        .await
        .json();
    assert_eq!(handles(&following), ["cid", "alice"]);
    assert_eq!(following["total"], 2);

    // A hidden follower is left out for others but shown to moderators.
    hide(&app, &tokens[2].0).await;
    let page = app.get(&base, None).await.json();
    assert_eq!(
        (handles(&page), page["total"].clone()),
        (vec!["cid".to_string(), "bob".into()], json!(2))
    );
    let (_m, m_t) = user_with_roles(&app, "mod", &["moderator"]).await;
    let page = app.get(&base, Some(&m_t)).await.json();
    assert_eq!(page["total"], 3);

    let unverified = app.create_user("u@example.com", "unverified", false).await;
    let r = app
        .get(
            &format!("/v1/user/u/{}/followers", unverified.public_sqid),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.get(&format!("{base}?limit=500"), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../../migrations")]
async fn block_ends_follows_and_stops_them_both_ways(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    assert_eq!(follow(&app, &alice, &bob_t).await.status, StatusCode::OK);
    assert_eq!(follow(&app, &bob, &alice_t).await.status, StatusCode::OK);

    let followers = format!("/v1/user/u/{}/followers", alice.public_sqid);
    assert_eq!(app.get(&followers, None).await.json()["total"], 1);
    for _ in 0..2 {
        let r = block(&app, &bob, &alice_t).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(r.body.is_empty());
    }
    // Follows are gone in both directions, and neither side can follow again.
    for u in [&alice, &bob] {
        let page = app
            .get(&format!("/v1/user/u/{}/followers", u.public_sqid), None)
            .await
            .json();
        assert_eq!(page["total"], 0);
        let page = app
            .get(&format!("/v1/user/u/{}/following", u.public_sqid), None)
            .await
            .json();
        assert_eq!(page["total"], 0);
    }
    for (target, token) in [(&alice, &bob_t), (&bob, &alice_t)] {
        let r = follow(&app, target, token).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "blocked".into())
        );
    }

    let blocks = app.get("/v1/me/blocks", Some(&alice_t)).await.json();
    assert_eq!(blocks["items"].as_array().unwrap().len(), 1);
    let item = &blocks["items"][0];
    assert_eq!(
        (item["public_sqid"].as_str(), item["handle"].as_str()),
        (Some(bob.public_sqid.as_str()), Some("bob"))
    );
    assert!(item["blocked_at"].is_string() && item.get("avatar_url").is_some());
    assert_eq!(blocks["next_cursor"], Value::Null);
    assert_eq!(
        app.get("/v1/me/blocks", Some(&bob_t)).await.json()["items"],
        json!([])
    );

    let r = block(&app, &alice, &alice_t).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let ghost = app.state.sqids.encode(55_555);
    let r = app
        .call(
            Method::POST,
            &format!("/v1/user/u/{ghost}/block"),
            None,
            Some(&alice_t),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    assert_eq!(
        app.get("/v1/me/blocks", None).await.status,
        StatusCode::UNAUTHORIZED
    );

    for _ in 0..2 {
        assert_eq!(
            unblock(&app, &bob, &alice_t).await.status,
            StatusCode::NO_CONTENT
        );
    }
    assert_eq!(follow(&app, &alice, &bob_t).await.json()["following"], true);
    assert_eq!(
        app.get("/v1/me/blocks", Some(&alice_t)).await.json()["items"],
        json!([])
    );
}

/// Creates `n` verified users straight through the db layer (no password hashing).
async fn bulk_users(app: &TestApp, n: usize) -> Vec<i32> {
    let mut tx = app.state.db.begin().await.unwrap();
    let roles = vec!["user".to_string()];
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let id = db::users::next_id(&mut tx).await.unwrap();
        let sqid = app.state.sqids.encode(i64::from(id));
        let (handle, email) = (format!("bulk{i}"), format!("bulk{i}@example.com"));
        let new = db::users::NewUser {
            id,
            public_sqid: &sqid,
            handle: &handle,
            handle_normalized: &handle,
            email: &email,
            email_normalized: &email,
            password_hash: None,
            email_verified: true,
            roles: &roles,
        };
        db::users::insert(&mut tx, new).await.unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    ids
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_thousand_and_first_block_is_refused(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let ids = bulk_users(&app, 1000).await;
    let mut tx = app.state.db.begin().await.unwrap();
    for id in &ids {
        assert!(db::social::insert_block(&mut tx, alice.id, *id)
            .await
            .unwrap());
    }
    tx.commit().await.unwrap();

    let (extra, _) = app.user_with_token("extra").await;
    let r = block(&app, &extra, &alice_t).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "block_cap_reached".into())
    );
    // Repeating an existing block is still fine at the cap.
    let first = db::users::find_by_id(&app.state.db, ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        block(&app, &first, &alice_t).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        unblock(&app, &first, &alice_t).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        block(&app, &extra, &alice_t).await.status,
        StatusCode::NO_CONTENT
    );

    // The list pages through all of them without repeats.
    let mut seen = std::collections::HashSet::new();
    let mut path = "/v1/me/blocks?limit=200".to_string();
    loop {
        let page = app.get(&path, Some(&alice_t)).await.json();
        for item in page["items"].as_array().unwrap() {
            assert!(seen.insert(item["public_sqid"].as_str().unwrap().to_string()));
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/me/blocks?limit=200&cursor={}", urlencode(c)),
            None => break,
        }
    }
    assert_eq!(seen.len(), 1000);
}
