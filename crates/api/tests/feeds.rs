//! Feeds and the listing cache: promoted (with `fields`), following, hashtag posts; the cache
//! serving until a change bumps its generation; per-viewer filters after the cache; and the
//! API answering, uncached, while Redis is down.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::art::{artist, ids, png, upload};
use test_support::TestApp;

async fn post_png(app: &TestApp, token: &str, seed: u8, tags: &str) -> i64 {
    let r = upload(
        app,
        token,
        "a.png",
        &png(64, 64, seed),
        &[("hashtags", tags)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    r.json()["post"]["id"].as_i64().unwrap()
}

async fn set_title(app: &TestApp, id: i64, title: &str) {
    sqlx::query("update posts set title = $2 where id = $1")
        .bind(id)
        .bind(title)
        .execute(&app.state.db)
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../../migrations")]
async fn recent_is_served_from_cache_until_the_post_changes(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = artist(&app, "painter", true).await;
    let id = post_png(&app, &token, 1, "").await;
    let first = app.get("/v1/post/recent", None).await.json();
    assert_eq!(first["items"][0]["title"], "My art");

    // A write that skips invalidation is invisible: proof the page came from the cache, for
    // anonymous (in-process copy) and signed-in (Redis copy) viewers alike.
    set_title(&app, id, "Renamed").await;
    assert_eq!(
        app.get("/v1/post/recent", None).await.json()["items"][0]["title"],
        "My art"
    );
    assert_eq!(
        app.get("/v1/post/recent", Some(&token)).await.json()["items"][0]["title"],
        "My art"
    );

    api::cache::post_changed(&app.state, id).await;
    assert_eq!(
        app.get("/v1/post/recent", None).await.json()["items"][0]["title"],
        "Renamed"
    );
    assert_eq!(
        app.get("/v1/post/recent", Some(&token)).await.json()["items"][0]["title"],
        "Renamed"
    );

    // An upload is such a change: the new post shows at once.
    let newer = post_png(&app, &token, 2, "").await;
    assert_eq!(
        ids(&app.get("/v1/post/recent", None).await.json())[0],
        newer
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn blocks_and_monitored_hashtags_apply_after_the_cache(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (bob, bob_token) = artist(&app, "bob", true).await;
    let (_, carol_token) = artist(&app, "carol", true).await;
    let plain = post_png(&app, &bob_token, 1, "").await;
    let spicy = post_png(&app, &carol_token, 2, "nsfw").await;
    let (alice, alice_token) = app.user_with_token("alice").await;

    // Anonymous: monitored tags never; everything else yes.
    assert_eq!(
        ids(&app.get("/v1/post/recent", None).await.json()),
        vec![plain]
    );
    // Alice blocks Bob: his post disappears for her only, from the same cached page.
    let r = app
        .post(
            &format!("/v1/user/u/{}/block", bob.public_sqid),
            json!({}),
            Some(&alice_token),
        )
        .await;
    assert!(r.status.is_success(), "{:?}", r.json());
    assert!(ids(&app.get("/v1/post/recent", Some(&alice_token)).await.json()).is_empty());
    assert_eq!(
        ids(&app.get("/v1/post/recent", Some(&carol_token)).await.json()),
        vec![spicy, plain]
    );
    // Opting into the tag shows it; the author always sees their own.
    sqlx::query("update users set approved_hashtags = '{nsfw}' where id = $1")
        .bind(alice.id)
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        ids(&app.get("/v1/post/recent", Some(&alice_token)).await.json()),
        vec![spicy]
    );
    // user_has_liked is per viewer even though the page is shared.
    sqlx::query("insert into reactions (post_id, user_id, emoji) values ($1, $2, 'x')")
        .bind(spicy)
        .bind(alice.id)
        .execute(&app.state.db)
        .await
        .unwrap();
    let page = app.get("/v1/post/recent", Some(&alice_token)).await.json();
    assert_eq!(page["items"][0]["user_has_liked"], true);
    let page = app.get("/v1/post/recent", Some(&carol_token)).await.json();
    assert_eq!(page["items"][0]["user_has_liked"], false);
}

#[sqlx::test(migrations = "../../migrations")]
async fn promoted_feed_and_field_projection(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = artist(&app, "painter", true).await;
    let a = post_png(&app, &token, 1, "").await;
    let _b = post_png(&app, &token, 2, "").await;
    sqlx::query("update posts set promoted = true, promoted_category = 'frontpage' where id = $1")
        .bind(a)
        .execute(&app.state.db)
        .await
        .unwrap();
    api::cache::post_changed(&app.state, a).await;
    assert_eq!(
        ids(&app.get("/v1/feed/promoted", None).await.json()),
        vec![a]
    );
    let r = app
        .get("/v1/feed/promoted?fields=id,art_url,width", None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let item = r.json()["items"][0].clone();
    let keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 3, "{item}");
    assert_eq!(item["id"], a);
    assert!(item["art_url"].as_str().unwrap().ends_with(".png"));
    let bad = app
        .get("/v1/feed/promoted?fields=id,password_hash", None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.code(), "validation_error");
}

#[sqlx::test(migrations = "../../migrations")]
async fn following_feed_and_hashtag_posts(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (bob, bob_token) = artist(&app, "bob", true).await;
    let (_, carol_token) = artist(&app, "carol", true).await;
    let b = post_png(&app, &bob_token, 1, "sunset").await;
    let c = post_png(&app, &carol_token, 2, "sunset,sea").await;
    let (_, me) = app.user_with_token("reader").await;
    assert_eq!(
        app.get("/v1/feed/following", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(ids(&app.get("/v1/feed/following", Some(&me)).await.json()).is_empty());
    let r = app
        .post(
            &format!("/v1/user/u/{}/follow", bob.public_sqid),
            json!({}),
            Some(&me),
        )
        .await;
    assert!(r.status.is_success(), "{:?}", r.json());
    let feed = app
        .get("/v1/feed/following?limit=1", Some(&me))
        .await
        .json();
    assert_eq!(ids(&feed), vec![b]);
    assert_eq!(feed["next_cursor"], Value::Null);

    assert_eq!(
        ids(&app.get("/v1/hashtags/sunset/posts", None).await.json()),
        vec![c, b]
    );
    assert_eq!(
        ids(&app.get("/v1/hashtags/SEA/posts", None).await.json()),
        vec![c]
    );
    let page = app
        .get("/v1/hashtags/sunset/posts?limit=1", None)
        .await
        .json();
    assert_eq!(ids(&page), vec![c]);
    let cursor: String =
        url::form_urlencoded::byte_serialize(page["next_cursor"].as_str().unwrap().as_bytes())
            .collect();
    let page2 = app
        .get(
            &format!("/v1/hashtags/sunset/posts?limit=1&cursor={cursor}"),
            None,
        )
        .await
        .json();
    assert_eq!(ids(&page2), vec![b]);
    assert_eq!(page2["next_cursor"], Value::Null);
}

/// A throwaway Redis the test can kill.
struct Redis(Child);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[sqlx::test(migrations = "../../migrations")]
async fn listings_keep_working_while_redis_is_down(pool: PgPool) {
    let port = free_port();
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server is installed");
    let mut redis = Redis(child);
    let url = format!("redis://127.0.0.1:{port}/0");
    let mut app = None;
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            app = Some(TestApp::with_overrides(pool.clone(), &[("REDIS_URL", &url)]).await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let app = app.expect("redis came up");
    let (_, token) = artist(&app, "painter", true).await;
    let id = post_png(&app, &token, 1, "").await;
    assert_eq!(
        ids(&app.get("/v1/post/recent", None).await.json()),
        vec![id]
    );

    let _ = redis.0.kill();
    let _ = redis.0.wait();
    set_title(&app, id, "Fresh from the database").await;
    for path in [
        "/v1/post/recent",
        "/v1/post?sort=width",
        "/v1/hashtags/x/posts",
    ] {
        let r = app
            .send(test_support::json_request(
                Method::GET,
                path,
                None,
                None,
                &[],
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
    }
    let page = app.get("/v1/post/recent", Some(&token)).await.json();
    assert_eq!(page["items"][0]["title"], "Fresh from the database");
    let r = app
        .get(
            &format!(
                "/v1/p/{}",
                page["items"][0]["public_sqid"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../../migrations")]
async fn permalinks_are_cached_until_their_post_changes(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = artist(&app, "painter", true).await;
    let id = post_png(&app, &token, 1, "").await;
    let other = post_png(&app, &token, 2, "").await;
    let sqid = app.state.sqids.encode(id);
    let path = format!("/v1/p/{sqid}");
    assert_eq!(app.get(&path, None).await.json()["title"], "My art");
    set_title(&app, id, "Renamed").await;
    assert_eq!(app.get(&path, None).await.json()["title"], "My art");
    assert_eq!(app.get(&path, Some(&token)).await.json()["title"], "My art");
    // Another post's change leaves this one's cache alone; its own change refreshes it.
    api::cache::post_changed(&app.state, other).await;
    assert_eq!(app.get(&path, None).await.json()["title"], "My art");
    api::cache::post_changed(&app.state, id).await;
    assert_eq!(app.get(&path, None).await.json()["title"], "Renamed");
    assert_eq!(
        app.get(&path, Some(&token)).await.json()["title"],
        "Renamed"
    );
}
