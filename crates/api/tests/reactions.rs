//! Reactions: add/remove idempotency, the five-emoji cap (also under concurrency), anonymous
//! reactors keyed by salted address hashes, direct-access 404s, blocks both ways, the
//! summaries, reaction-users, widget-data and the `reaction` notification.
// Test helpers outside #[test] fns panic on purpose, like the assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use db::users::UserRow;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::Digest;
use sqlx::PgPool;
use test_support::art::{artist, upload_png};
use test_support::{json_request, TestApp, TestResponse};
use tower::ServiceExt;

const IP1: &str = "203.0.113.7";
const IP2: &str = "198.51.100.23";
const FIRE: &str = "%F0%9F%94%A5";

fn hash(ip: &str) -> String {
    hex::encode(sha2::Sha256::digest(format!("test-salt{ip}").as_bytes()))
}

/// An artist and one of their posts.
async fn post_by(app: &TestApp, handle: &str, seed: u8) -> (UserRow, String, i64) {
    let (u, token) = artist(app, handle, true).await;
    let post = upload_png(app, &token, seed).await;
    (u, token, post["id"].as_i64().unwrap())
}

async fn react(
    app: &TestApp,
    method: Method,
    ip: &str,
    post: i64,
    emoji: &str,
    token: Option<&str>,
) -> TestResponse {
    let path = format!("/v1/post/{post}/reactions/{emoji}");
    app.send_from(ip, json_request(method, &path, None, token, &[]))
        .await
}

async fn put(app: &TestApp, post: i64, emoji: &str, token: Option<&str>) -> TestResponse {
    react(app, Method::PUT, IP1, post, emoji, token).await
}

async fn get_from(app: &TestApp, ip: &str, path: &str, token: Option<&str>) -> TestResponse {
    app.send_from(ip, json_request(Method::GET, path, None, token, &[]))
        .await
}

async fn block(app: &TestApp, target: &UserRow, token: &str) {
    let path = format!("/v1/user/u/{}/block", target.public_sqid);
    let r = app.call(Method::POST, &path, None, Some(token)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.json());
}

async fn rows(pool: &PgPool, post: i64) -> Vec<(Option<i32>, Option<String>, String)> {
    sqlx::query_as("select user_id, user_ip, emoji from reactions where post_id = $1 order by id")
        .bind(post)
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn reaction_count(pool: &PgPool, post: i64) -> i32 {
    sqlx::query_scalar("select reaction_count from posts where id = $1")
        .bind(post)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// (recipient, actor, emoji) of every `reaction` notification.
async fn reaction_notices(pool: &PgPool) -> Vec<(i32, Option<i32>, Option<String>, Option<i64>)> {
    sqlx::query_as(
        "select user_id, actor_id, emoji, post_id from social_notifications
         where notification_type = 'reaction' order by created_at",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn assert_error(r: &TestResponse, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{:?}", r.json());
    assert_eq!(r.code(), code);
}

#[sqlx::test(migrations = "../../migrations")]
async fn put_adds_once_and_the_summary_counts_it(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;

    for _ in 0..2 {
        let r = put(&app, post, FIRE, Some(&bob_t)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.json());
    }
    assert_eq!(
        rows(&pool, post).await,
        vec![(Some(bob.id), None, "🔥".into())]
    );
    assert_eq!(reaction_count(&pool, post).await, 1);

    let r = get_from(
        &app,
        IP1,
        &format!("/v1/post/{post}/reactions"),
        Some(&bob_t),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({"totals": {"🔥": 1}, "authenticated_totals": {"🔥": 1},
               "anonymous_totals": {}, "mine": ["🔥"]})
    );
    // Someone else (same address, signed out) has no reaction of their own.
    let r = get_from(&app, IP1, &format!("/v1/post/{post}/reactions"), None).await;
    assert_eq!(r.json()["mine"], json!([]));
    assert_eq!(r.json()["totals"], json!({"🔥": 1}));
}

#[sqlx::test(migrations = "../../migrations")]
async fn anonymous_reactors_are_keyed_by_salted_address_hash(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, _, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;

    for ip in [IP1, IP2, IP1] {
        let r = react(&app, Method::PUT, ip, post, "wow", None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.json());
    }
    put(&app, post, "wow", Some(&bob_t)).await;
    let stored = rows(&pool, post).await;
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[0], (None, Some(hash(IP1)), "wow".into()));
    assert_eq!(stored[1], (None, Some(hash(IP2)), "wow".into()));
    assert!(stored
        .iter()
        .all(|(_, ip, _)| !ip.as_deref().unwrap_or_default().contains("203.0.113")));

    let path = format!("/v1/post/{post}/reactions");
    let r = get_from(&app, IP1, &path, None).await.json();
    assert_eq!(r["totals"], json!({"wow": 3}));
    assert_eq!(r["authenticated_totals"], json!({"wow": 1}));
    assert_eq!(r["anonymous_totals"], json!({"wow": 2}));
    assert_eq!(r["mine"], json!(["wow"]));
    let r = get_from(&app, "192.0.2.99", &path, None).await.json();
    assert_eq!(r["mine"], json!([]));

    // One address removes only its own reaction.
    let r = react(&app, Method::DELETE, IP2, post, "wow", None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(rows(&pool, post).await.len(), 2);
    assert_eq!(reaction_count(&pool, post).await, 2);
    // Only the signed-in reaction notified the author.
    let notices = reaction_notices(&pool).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].0, author.id);
}

#[sqlx::test(migrations = "../../migrations")]
async fn emoji_must_be_1_to_20_characters(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token, post) = post_by(&app, "artist", 1).await;
    let long = "a".repeat(21);
    for bad in [long.as_str(), "%20", "%20%20"] {
        assert_error(
            &put(&app, post, bad, Some(&token)).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
        assert_error(
            &react(&app, Method::DELETE, IP1, post, bad, Some(&token)).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
    }
    let twenty = "a".repeat(20);
    assert_eq!(
        put(&app, post, &twenty, Some(&token)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(rows(&pool, post).await.len(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_sixth_distinct_emoji_is_refused(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    for e in ["a", "b", "c", "d", "e"] {
        assert_eq!(
            put(&app, post, e, Some(&bob_t)).await.status,
            StatusCode::NO_CONTENT
        );
    }
    assert_error(
        &put(&app, post, "f", Some(&bob_t)).await,
        StatusCode::CONFLICT,
        "reaction_cap_reached",
    );
    // Re-adding one of the five is still a no-op success.
    assert_eq!(
        put(&app, post, "c", Some(&bob_t)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(rows(&pool, post).await.len(), 5);
    // The cap is per reactor: a guest has its own five.
    for e in ["a", "b", "c", "d", "e"] {
        assert_eq!(
            put(&app, post, e, None).await.status,
            StatusCode::NO_CONTENT
        );
    }
    assert_error(
        &put(&app, post, "f", None).await,
        StatusCode::CONFLICT,
        "reaction_cap_reached",
    );
    // Removing one frees a place.
    react(&app, Method::DELETE, IP1, post, "a", Some(&bob_t)).await;
    assert_eq!(
        put(&app, post, "f", Some(&bob_t)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(rows(&pool, post).await.len(), 10);
}

/// Sends the same request from two tokio tasks at once.
async fn race(app: &TestApp, path: [String; 2], token: Option<&str>) -> Vec<StatusCode> {
    let mut tasks = Vec::new();
    for p in path {
        let router = app.router.clone();
        let mut req = json_request(Method::PUT, &p, None, token, &[]);
        let addr: SocketAddr = format!("{IP1}:40000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
        tasks.push(tokio::spawn(async move {
            router.oneshot(req).await.unwrap().status()
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out.sort();
    out
}

#[sqlx::test(migrations = "../../migrations")]
async fn racing_duplicate_puts_leave_one_row(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    for (i, token) in [Some(bob_t.as_str()), None].into_iter().enumerate() {
        for round in 0..5 {
            let emoji = format!("e{i}{round}");
            let p = format!("/v1/post/{post}/reactions/{emoji}");
            let statuses = race(&app, [p.clone(), p], token).await;
            assert_eq!(statuses, vec![StatusCode::NO_CONTENT; 2]);
            let n: i64 = sqlx::query_scalar(
                "select count(*) from reactions where post_id = $1 and emoji = $2",
            )
            .bind(post)
            .bind(&emoji)
            .fetch_one(&pool)
            .await
            .unwrap();
            assert_eq!(n, 1, "{emoji}");
        }
    }
    assert_eq!(reaction_count(&pool, post).await, 10);
}

#[sqlx::test(migrations = "../../migrations")]
async fn racing_for_the_last_place_under_the_cap_lets_one_win(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    for round in 0..10 {
        // Four emoji taken; two different ones race for the fifth place.
        sqlx::query("delete from reactions where user_id = $1")
            .bind(bob.id)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(
            "insert into reactions (post_id, user_id, emoji)
             select $1, $2, 'taken' || g from generate_series(1, 4) g",
        )
        .bind(post)
        .bind(bob.id)
        .execute(&pool)
        .await
        .unwrap();
        let a = format!("/v1/post/{post}/reactions/x{round}");
        let b = format!("/v1/post/{post}/reactions/y{round}");
        let statuses = race(&app, [a, b], Some(&bob_t)).await;
        assert_eq!(
            statuses,
            vec![StatusCode::NO_CONTENT, StatusCode::CONFLICT],
            "{round}"
        );
        let n: i64 = sqlx::query_scalar("select count(*) from reactions where user_id = $1")
            .bind(bob.id)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 5, "{round}");
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn delete_is_idempotent(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    let r = react(&app, Method::DELETE, IP1, post, "x", Some(&bob_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    put(&app, post, "x", Some(&bob_t)).await;
    assert_eq!(reaction_count(&pool, post).await, 1);
    for _ in 0..2 {
        let r = react(&app, Method::DELETE, IP1, post, "x", Some(&bob_t)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    }
    assert!(rows(&pool, post).await.is_empty());
    assert_eq!(reaction_count(&pool, post).await, 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn posts_the_caller_cannot_open_are_404(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, author_t, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    let r = app
        .call(
            Method::POST,
            &format!("/v1/post/{post}/hide"),
            None,
            Some(&author_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());

    let paths = [
        format!("/v1/post/{post}/reactions"),
        format!("/v1/post/{post}/reaction-users"),
        format!("/v1/post/{post}/widget-data"),
    ];
    for token in [Some(bob_t.as_str()), None] {
        let r = put(&app, post, "x", token).await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
        assert_eq!(r.json()["error"]["message"], "Post not found");
        let r = react(&app, Method::DELETE, IP1, post, "x", token).await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
        for p in &paths {
            assert_error(
                &get_from(&app, IP1, p, token).await,
                StatusCode::NOT_FOUND,
                "not_found",
            );
        }
    }
    // The author still reaches their hidden post.
    assert_eq!(
        put(&app, post, "x", Some(&author_t)).await.status,
        StatusCode::NO_CONTENT
    );
    for p in &paths {
        assert_eq!(
            get_from(&app, IP1, p, Some(&author_t)).await.status,
            StatusCode::OK
        );
    }
    // Unknown and malformed ids.
    for id in ["999999", "abc"] {
        let r = get_from(&app, IP1, &format!("/v1/post/{id}/reactions"), None).await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
        let r = app
            .send_from(
                IP1,
                json_request(
                    Method::PUT,
                    &format!("/v1/post/{id}/reactions/x"),
                    None,
                    None,
                    &[],
                ),
            )
            .await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn blocks_refuse_reactions_both_ways(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, author_t, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    let (_, cid_t) = app.user_with_token("cid").await;

    // The author blocked the reactor.
    block(&app, &bob, &author_t).await;
    assert_error(
        &put(&app, post, "x", Some(&bob_t)).await,
        StatusCode::FORBIDDEN,
        "blocked",
    );
    // The reactor blocked the author.
    block(&app, &author, &cid_t).await;
    assert_error(
        &put(&app, post, "x", Some(&cid_t)).await,
        StatusCode::FORBIDDEN,
        "blocked",
    );
    assert!(rows(&pool, post).await.is_empty());
    assert!(reaction_notices(&pool).await.is_empty());
    // Guests cannot be blocked.
    assert_eq!(
        put(&app, post, "x", None).await.status,
        StatusCode::NO_CONTENT
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_blocker_does_not_see_blocked_users_reactions(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    let (_, cid_t) = app.user_with_token("cid").await;
    let (_, viewer_t) = app.user_with_token("viewer").await;
    put(&app, post, "x", Some(&bob_t)).await;
    put(&app, post, "x", Some(&cid_t)).await;
    put(&app, post, "y", Some(&bob_t)).await;
    block(&app, &bob, &viewer_t).await;

    let r = get_from(
        &app,
        IP1,
        &format!("/v1/post/{post}/reactions"),
        Some(&viewer_t),
    )
    .await;
    assert_eq!(r.json()["totals"], json!({"x": 1}));
    let r = get_from(
        &app,
        IP1,
        &format!("/v1/post/{post}/reaction-users"),
        Some(&viewer_t),
    )
    .await;
    assert_eq!(r.json()["total"], 1);
    assert_eq!(r.json()["items"][0]["user_handle"], "cid");
    // Everyone else still counts them.
    let r = get_from(&app, IP2, &format!("/v1/post/{post}/reactions"), None).await;
    assert_eq!(r.json()["totals"], json!({"x": 2, "y": 1}));
}

#[sqlx::test(migrations = "../../migrations")]
async fn reactions_notify_the_author_but_not_for_own_posts(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, author_t, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    put(&app, post, FIRE, Some(&bob_t)).await;
    put(&app, post, FIRE, Some(&bob_t)).await; // a no-op: no second notice
    put(&app, post, "x", Some(&author_t)).await; // self
    put(&app, post, "y", None).await; // guest
    assert_eq!(
        reaction_notices(&pool).await,
        vec![(author.id, Some(bob.id), Some("🔥".into()), Some(post))]
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn reaction_users_lists_signed_in_reactors_newest_first(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    let (_, cid_t) = app.user_with_token("cid").await;
    put(&app, post, "x", Some(&bob_t)).await;
    put(&app, post, "y", None).await;
    put(&app, post, "z", Some(&cid_t)).await;

    let r = get_from(&app, IP1, &format!("/v1/post/{post}/reaction-users"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["total"], 2);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["emoji"], "z");
    assert_eq!(items[0]["user_handle"], "cid");
    assert_eq!(items[1]["user_handle"], "bob");
    assert_eq!(items[1]["user_public_sqid"], bob.public_sqid.as_str());
    assert!(items[1].get("user_avatar_url").is_some());
    assert!(items[1]["created_at"].is_string());

    // At most 200 are listed; the total counts them all.
    sqlx::query(
        "insert into reactions (post_id, user_id, emoji)
         select $1, $2, 'n' || g from generate_series(1, 205) g",
    )
    .bind(post)
    .bind(bob.id)
    .execute(&pool)
    .await
    .unwrap();
    let r = get_from(&app, IP1, &format!("/v1/post/{post}/reaction-users"), None).await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 200);
    assert_eq!(r.json()["total"], 207);
}

#[sqlx::test(migrations = "../../migrations")]
async fn widget_data_bundles_reactions_comments_and_views(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    put(&app, post, "x", Some(&bob_t)).await;
    let r = app
        .post(
            &format!("/v1/post/{post}/comments"),
            json!({"body": "nice"}),
            Some(&bob_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    sqlx::query("update posts set view_count = 7 where id = $1")
        .bind(post)
        .execute(&pool)
        .await
        .unwrap();

    let r = get_from(
        &app,
        IP1,
        &format!("/v1/post/{post}/widget-data"),
        Some(&bob_t),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let body: Value = r.json();
    assert_eq!(body["reactions"]["totals"], json!({"x": 1}));
    assert_eq!(body["reactions"]["mine"], json!(["x"]));
    assert_eq!(body["comments"].as_array().unwrap().len(), 1);
    assert_eq!(body["comments"][0]["body"], "nice");
    assert_eq!(body["views_count"], 7);
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_permalink_shows_new_counts_at_once(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let sqid: String = sqlx::query_scalar("select public_sqid from posts where id = $1")
        .bind(post)
        .fetch_one(&pool)
        .await
        .unwrap();
    let count = |r: TestResponse| r.json()["reaction_count"].as_i64().unwrap();
    // Read once anonymously so the permalink is cached.
    assert_eq!(count(app.get(&format!("/v1/p/{sqid}"), None).await), 0);
    put(&app, post, "x", None).await;
    assert_eq!(count(app.get(&format!("/v1/p/{sqid}"), None).await), 1);
    react(&app, Method::DELETE, IP1, post, "x", None).await;
    assert_eq!(count(app.get(&format!("/v1/p/{sqid}"), None).await), 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn openapi_documents_reaction_and_comment_routes(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = app.get("/v1/openapi.json", None).await.json();
    let paths = &doc["paths"];
    for (path, methods) in [
        ("/v1/post/{id}/reactions/{emoji}", &["put", "delete"][..]),
        ("/v1/post/{id}/reactions", &["get"]),
        ("/v1/post/{id}/reaction-users", &["get"]),
        ("/v1/post/{id}/widget-data", &["get"]),
        ("/v1/post/{id}/comments", &["get", "post"]),
        ("/v1/post/comments/{id}", &["patch", "delete"]),
        ("/v1/post/comments/{id}/like", &["put", "post", "delete"]),
        ("/v1/post/comments/{id}/hide", &["post", "delete"]),
    ] {
        for m in methods {
            assert!(paths[path][m].is_object(), "missing {m} {path}");
        }
    }
}
