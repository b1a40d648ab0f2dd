//! `POST /v1/post/{id}/view`: daily view dedup per visitor, the impression cooldown, bots and
//! self-views, salted IP hashes (never raw addresses), and the direct-access 404.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use http::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::Digest;
use sqlx::PgPool;
use test_support::art::upload_png;
use test_support::{json_request, TestApp, TestResponse};

const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/130.0";

async fn view(
    app: &TestApp,
    ip: &str,
    id: i64,
    body: Option<Value>,
    token: Option<&str>,
    ua: &str,
) -> TestResponse {
    let headers: Vec<(&str, &str)> = if ua.is_empty() {
        vec![]
    } else {
        vec![("user-agent", ua)]
    };
    let req = json_request(
        Method::POST,
        &format!("/v1/post/{id}/view"),
        body,
        token,
        &headers,
    );
    app.send_from(ip, req).await
}

#[derive(Debug, sqlx::FromRow)]
struct Event {
    viewer_user_id: Option<i32>,
    viewer_ip_hash: Option<String>,
    view_type: String,
    source: String,
    device: Option<String>,
    channel: Option<String>,
}

async fn events(pool: &PgPool, id: i64) -> Vec<Event> {
    sqlx::query_as(
        "select viewer_user_id, viewer_ip_hash, view_type, source, device, channel
         from view_events where post_id = $1 order by id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn post_id(app: &TestApp, seed: u8) -> (i64, String) {
    let (_, token) = app.user_with_token(&format!("artist{seed}")).await;
    let post = upload_png(app, &token, seed).await;
    (post["id"].as_i64().unwrap(), token)
}

#[sqlx::test(migrations = "../../migrations")]
async fn first_view_of_the_day_counts_and_repeats_do_not(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (id, _) = post_id(&app, 1).await;
    let ip = "203.0.113.7";
    let r = view(&app, ip, id, None, None, BROWSER).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let r = view(&app, ip, id, None, None, BROWSER).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // A JSON body saying the same thing is deduplicated the same way.
    let r = view(&app, ip, id, Some(json!({"intent": "view"})), None, BROWSER).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    let ev = events(&pool, id).await;
    assert_eq!(ev.len(), 1);
    let expected = hex::encode(sha2::Sha256::digest(format!("test-salt{ip}").as_bytes()));
    assert_eq!(ev[0].viewer_ip_hash.as_deref(), Some(expected.as_str()));
    assert!(!ev[0].viewer_ip_hash.as_deref().unwrap().contains(ip));
    assert_eq!(ev[0].viewer_user_id, None);
    assert_eq!(ev[0].view_type, "view");
    assert_eq!(ev[0].source, "web");
    assert_eq!(ev[0].device.as_deref(), Some("desktop"));
    let raw: i64 = sqlx::query_scalar(
        "select count(*) from view_events where viewer_ip_hash like '%' || $1 || '%'",
    )
    .bind(ip)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(raw, 0, "the raw address is stored nowhere");
    let count: i64 = sqlx::query_scalar("select view_count from posts where id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0, "the counter is the rollup's job");

    // The day's slot is per post: another post counts.
    let (other, _) = post_id(&app, 2).await;
    assert_eq!(
        view(&app, ip, other, None, None, BROWSER).await.status,
        StatusCode::CREATED
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn self_views_and_bots_are_not_counted(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (id, author) = post_id(&app, 3).await;
    let r = view(&app, "203.0.113.8", id, None, Some(&author), BROWSER).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "self-view");
    let r = view(
        &app,
        "203.0.113.8",
        id,
        Some(json!({"intent": "impression"})),
        Some(&author),
        BROWSER,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "self-impression");
    for ua in [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "python-requests/2.31",
        "Mozilla/5.0 HeadlessChrome/120.0",
    ] {
        let r = view(&app, "203.0.113.9", id, None, None, ua).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{ua:?}");
    }
    assert!(events(&pool, id).await.is_empty());
    // The bot refusals did not use up the address's view of the day.
    let r = view(&app, "203.0.113.9", id, None, None, BROWSER).await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn impressions_are_limited_to_one_per_three_seconds(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (id, _) = post_id(&app, 4).await;
    let (viewer, token) = app.user_with_token("watcher").await;
    let body = json!({"intent": "impression", "channel": "promoted", "channel_context": {"tag": "x"}, "play_order": 2});
    let mobile = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148";
    let r = view(
        &app,
        "198.51.100.1",
        id,
        Some(body.clone()),
        Some(&token),
        mobile,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let r = view(
        &app,
        "198.51.100.1",
        id,
        Some(body.clone()),
        Some(&token),
        mobile,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3).contains(&retry));
    // The cooldown is per visitor, not per address: an anonymous visitor elsewhere is free.
    let r = view(&app, "198.51.100.2", id, Some(body.clone()), None, BROWSER).await;
    assert_eq!(r.status, StatusCode::CREATED);
    // Impressions do not use up the day's view.
    let r = view(&app, "198.51.100.1", id, None, Some(&token), mobile).await;
    assert_eq!(r.status, StatusCode::CREATED);

    let ev = events(&pool, id).await;
    assert_eq!(ev.len(), 3);
    assert_eq!(ev[0].view_type, "impression");
    assert_eq!(ev[0].viewer_user_id, Some(viewer.id));
    assert_eq!(ev[0].channel.as_deref(), Some("promoted"));
    assert_eq!(ev[0].device.as_deref(), Some("mobile"));
    assert_eq!(ev[1].viewer_user_id, None);
    assert_eq!(ev[2].view_type, "view");
}

#[sqlx::test(migrations = "../../migrations")]
async fn anonymous_and_signed_in_visitors_are_deduplicated_separately(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (id, _) = post_id(&app, 5).await;
    let (a, ta) = app.user_with_token("alice").await;
    let (b, tb) = app.user_with_token("bob").await;
    let ip = "192.0.2.44";
    for (token, want) in [
        (None, StatusCode::CREATED),
        (Some(ta.as_str()), StatusCode::CREATED),
        (Some(tb.as_str()), StatusCode::CREATED),
        (Some(ta.as_str()), StatusCode::NO_CONTENT),
        (None, StatusCode::NO_CONTENT),
    ] {
        let r = view(&app, ip, id, None, token, BROWSER).await;
        assert_eq!(r.status, want, "{token:?}");
    }
    // Alice from another address is still Alice.
    let r = view(&app, "192.0.2.45", id, None, Some(&ta), BROWSER).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let users: Vec<Option<i32>> = events(&pool, id)
        .await
        .into_iter()
        .map(|e| e.viewer_user_id)
        .collect();
    assert_eq!(users, vec![None, Some(a.id), Some(b.id)]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn views_follow_direct_access_and_validate_the_body(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (id, author) = post_id(&app, 6).await;
    let r = view(&app, "203.0.113.20", 999_999, None, None, BROWSER).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = view(
        &app,
        "203.0.113.20",
        id,
        Some(json!({"intent": "stare"})),
        None,
        BROWSER,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "validation_error");
    let long = "c".repeat(65);
    let r = view(
        &app,
        "203.0.113.20",
        id,
        Some(json!({"channel": long})),
        None,
        BROWSER,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    sqlx::query("update posts set hidden_by_user = true where id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let r = view(&app, "203.0.113.21", id, None, None, BROWSER).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["message"], "Post not found");
    let (_, other) = app.user_with_token("nosy").await;
    let r = view(&app, "203.0.113.21", id, None, Some(&other), BROWSER).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The author still passes direct access, and is a self-view.
    let r = view(&app, "203.0.113.21", id, None, Some(&author), BROWSER).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(events(&pool, id).await.is_empty());
}
