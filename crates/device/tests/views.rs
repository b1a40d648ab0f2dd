//! View events over MQTT (acks) and HTTPS (outcomes) against real PostgreSQL and Redis (§3.8,
//! check 27): the checks in order, dedup, the 5 s limit, own posts, the daily View, storage.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod presence_support;

use chrono::Utc;
use device::views::{daily_view_key, on_view, record_http_view, ViewOutcome};
use device::Ctx;
use presence_support::{ctx, player, post, user};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

fn view(key: Uuid, post_id: i64, ts: &str, intent: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "post_id": post_id, "timestamp": ts, "timezone": "", "intent": intent,
        "play_order": 1, "channel": "all", "player_key": key,
        "channel_user_sqid": null, "channel_hashtag": null, "request_ack": true
    }))
    .unwrap()
}

fn code(ack: &Option<Value>) -> &str {
    ack.as_ref().unwrap()["error_code"].as_str().unwrap_or("")
}

/// (view_type, source, device, player_id, channel, viewer) of every stored event.
async fn stored(pool: &PgPool) -> Vec<(String, String, String, Uuid, String, i32)> {
    sqlx::query_as(
        "select view_type, source, device, player_id, channel, viewer_user_id
         from view_events order by id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

struct World {
    ctx: Ctx,
    viewer: i32,
    artist_post: i64,
    own_post: i64,
}

async fn world(pool: &PgPool) -> World {
    let viewer = user(pool, "viewer").await;
    let artist = user(pool, "artist").await;
    World {
        ctx: ctx(pool.clone()).await,
        viewer,
        artist_post: post(pool, artist).await,
        own_post: post(pool, viewer).await,
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn channel_view_then_duplicate_then_rate_limit(pool: PgPool) {
    let w = world(&pool).await;
    let (pid, key) = player(&pool, Some(w.viewer)).await;
    let first = view(key, w.artist_post, "2026-03-01T10:00:00Z", "channel");

    let ack = on_view(&w.ctx, key, &first).await;
    assert_eq!(ack, Some(json!({"success": true})));
    assert_eq!(
        stored(&pool).await,
        vec![(
            "impression".into(),
            "player".into(),
            "player".into(),
            pid,
            "all".into(),
            w.viewer
        )]
    );

    // The identical resend is a duplicate (checked before the rate limit).
    let again = on_view(&w.ctx, key, &first).await;
    assert_eq!(
        again,
        Some(json!({"success": false, "error": "Duplicate view event", "error_code": "duplicate"}))
    );

    // A new event within 5 s is rate limited, with the wait as a float.
    let next = on_view(
        &w.ctx,
        key,
        &view(key, w.artist_post, "2026-03-01T10:00:03Z", "channel"),
    )
    .await;
    assert_eq!(code(&next), "rate_limited");
    let text = next.as_ref().unwrap()["error"].as_str().unwrap();
    let secs: f64 = text
        .strip_prefix("Rate limited, retry after ")
        .and_then(|s| s.strip_suffix('s'))
        .unwrap()
        .parse()
        .unwrap();
    assert!((1.0..=5.0).contains(&secs), "{text}");
    assert!(text.contains('.'), "{text}");
    assert_eq!(stored(&pool).await.len(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn identity_checks_come_first(pool: PgPool) {
    let w = world(&pool).await;
    let (_, key) = player(&pool, Some(w.viewer)).await;
    let ts = "2026-03-01T10:00:00Z";

    // Payload key differs from the topic (also by case alone).
    let other = on_view(
        &w.ctx,
        key,
        &view(Uuid::new_v4(), w.artist_post, ts, "channel"),
    )
    .await;
    assert_eq!(
        other,
        Some(
            json!({"success": false, "error_code": "player_key_mismatch",
                    "error": "player_key mismatch between topic and payload"})
        )
    );
    let mut upper: Value =
        serde_json::from_slice(&view(key, w.artist_post, ts, "channel")).unwrap();
    upper["player_key"] = json!(key.to_string().to_uppercase());
    let ack = on_view(&w.ctx, key, &serde_json::to_vec(&upper).unwrap()).await;
    assert_eq!(code(&ack), "player_key_mismatch");

    let (_, pending) = player(&pool, None).await;
    let ack = on_view(
        &w.ctx,
        pending,
        &view(pending, w.artist_post, ts, "channel"),
    )
    .await;
    assert_eq!(code(&ack), "player_not_registered");
    let stranger = Uuid::new_v4();
    let ack = on_view(
        &w.ctx,
        stranger,
        &view(stranger, w.artist_post, ts, "channel"),
    )
    .await;
    assert_eq!(code(&ack), "player_not_registered");

    let banned = user(&pool, "banned").await;
    sqlx::query("update users set banned_until = now() + interval '1 day' where id = $1")
        .bind(banned)
        .execute(&pool)
        .await
        .unwrap();
    let (_, bkey) = player(&pool, Some(banned)).await;
    let ack = on_view(&w.ctx, bkey, &view(bkey, w.artist_post, ts, "channel")).await;
    assert_eq!(code(&ack), "owner_not_permitted");
    let gone = user(&pool, "gone").await;
    sqlx::query("update users set deactivated = true where id = $1")
        .bind(gone)
        .execute(&pool)
        .await
        .unwrap();
    let (_, gkey) = player(&pool, Some(gone)).await;
    let ack = on_view(&w.ctx, gkey, &view(gkey, w.artist_post, ts, "channel")).await;
    assert_eq!(code(&ack), "owner_not_permitted");

    assert!(stored(&pool).await.is_empty());
    // None of these used up the player's own 5 s budget.
    let ack = on_view(&w.ctx, key, &view(key, w.artist_post, ts, "channel")).await;
    assert_eq!(ack, Some(json!({"success": true})));
}

#[sqlx::test(migrations = "../../migrations")]
async fn unknown_and_own_posts(pool: PgPool) {
    let w = world(&pool).await;
    let ts = "2026-03-01T10:00:00Z";
    let (_, k1) = player(&pool, Some(w.viewer)).await;
    let ack = on_view(&w.ctx, k1, &view(k1, 987_654_321, ts, "channel")).await;
    assert_eq!(
        ack,
        Some(json!({"success": false, "error": "Post not found", "error_code": "post_not_found"}))
    );
    let (_, k2) = player(&pool, Some(w.viewer)).await;
    let ack = on_view(&w.ctx, k2, &view(k2, w.own_post, ts, "artwork")).await;
    assert_eq!(ack, Some(json!({"success": true})));
    assert!(stored(&pool).await.is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn artwork_views_count_once_per_owner_post_and_day(pool: PgPool) {
    let w = world(&pool).await;
    let (_, k1) = player(&pool, Some(w.viewer)).await;
    let (_, k2) = player(&pool, Some(w.viewer)).await;
    let ack = on_view(
        &w.ctx,
        k1,
        &view(k1, w.artist_post, "2026-03-01T10:00:00Z", "artwork"),
    )
    .await;
    assert_eq!(ack, Some(json!({"success": true})));
    // The owner's second player, same post, same day: already counted.
    let ack = on_view(
        &w.ctx,
        k2,
        &view(k2, w.artist_post, "2026-03-01T11:00:00Z", "artwork"),
    )
    .await;
    assert_eq!(code(&ack), "duplicate");
    let rows = stored(&pool).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "view");

    // A View the owner already made on the web today counts too (shared key).
    let third = post(&pool, user(&pool, "third").await).await;
    w.ctx
        .kv
        .set_nx_ex(&daily_view_key(w.viewer, third, Utc::now()), "1", 60)
        .await
        .unwrap();
    let (_, k3) = player(&pool, Some(w.viewer)).await;
    let ack = on_view(
        &w.ctx,
        k3,
        &view(k3, third, "2026-03-01T10:00:00Z", "artwork"),
    )
    .await;
    assert_eq!(code(&ack), "duplicate");

    // Impressions are not limited per day.
    let (_, k4) = player(&pool, Some(w.viewer)).await;
    let ack = on_view(
        &w.ctx,
        k4,
        &view(k4, w.artist_post, "2026-03-01T12:00:00Z", "channel"),
    )
    .await;
    assert_eq!(ack, Some(json!({"success": true})));
    assert_eq!(stored(&pool).await.len(), 2);
}

#[sqlx::test(migrations = "../../migrations")]
async fn acks_only_when_asked_and_never_for_bad_payloads(pool: PgPool) {
    let w = world(&pool).await;
    let (_, key) = player(&pool, Some(w.viewer)).await;
    let mut quiet: Value =
        serde_json::from_slice(&view(key, w.artist_post, "2026-03-01T10:00:00Z", "channel"))
            .unwrap();
    quiet["request_ack"] = json!(false);
    assert_eq!(
        on_view(&w.ctx, key, &serde_json::to_vec(&quiet).unwrap()).await,
        None
    );
    assert_eq!(stored(&pool).await.len(), 1, "recorded without an ack");

    let (_, k2) = player(&pool, Some(w.viewer)).await;
    let mut bad: Value =
        serde_json::from_slice(&view(k2, w.artist_post, "2026-03-01T10:00:00Z", "channel"))
            .unwrap();
    bad["play_order"] = json!(7);
    assert_eq!(
        on_view(&w.ctx, k2, &serde_json::to_vec(&bad).unwrap()).await,
        None
    );
    assert_eq!(on_view(&w.ctx, k2, b"{\"request_ack\":true}").await, None);
    assert_eq!(on_view(&w.ctx, k2, b"garbage").await, None);
    // Dropped events cost no budget: k2's first real event is accepted.
    let ack = on_view(
        &w.ctx,
        k2,
        &view(k2, w.artist_post, "2026-03-01T10:00:09Z", "channel"),
    )
    .await;
    assert_eq!(ack, Some(json!({"success": true})));
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_storage_failure_acks_processing_error_and_frees_the_day(pool: PgPool) {
    let w = world(&pool).await;
    let (_, key) = player(&pool, Some(w.viewer)).await;
    sqlx::query("alter table view_events rename to view_events_gone")
        .execute(&pool)
        .await
        .unwrap();
    let ack = on_view(
        &w.ctx,
        key,
        &view(key, w.artist_post, "2026-03-01T10:00:00Z", "artwork"),
    )
    .await;
    assert_eq!(code(&ack), "processing_error");
    assert_eq!(ack.as_ref().unwrap()["success"], json!(false));
    let day = daily_view_key(w.viewer, w.artist_post, Utc::now());
    assert!(!w.ctx.kv.exists(&day).await.unwrap());
}

#[sqlx::test(migrations = "../../migrations")]
async fn http_outcomes(pool: PgPool) {
    let w = world(&pool).await;
    let (_, key) = player(&pool, Some(w.viewer)).await;
    let active = db::players::find_active_by_key(&pool, key)
        .await
        .unwrap()
        .unwrap();
    let body = |post_id: i64, ts: &str| {
        let raw = serde_json::to_vec(&json!({"post_id": post_id, "timestamp": ts,
            "timezone": "", "intent": "channel", "play_order": 2, "channel": "by_user",
            "channel_user_sqid": "abc"}))
        .unwrap();
        protocol::view::parse_http(&raw, &key).unwrap()
    };
    let first = body(w.artist_post, "2026-03-01T10:00:00Z");
    assert_eq!(
        record_http_view(&w.ctx, &active, first.clone())
            .await
            .unwrap(),
        ViewOutcome::Recorded
    );
    assert_eq!(
        record_http_view(&w.ctx, &active, first).await.unwrap(),
        ViewOutcome::Duplicate
    );
    match record_http_view(&w.ctx, &active, body(w.artist_post, "2026-03-01T10:00:01Z"))
        .await
        .unwrap()
    {
        ViewOutcome::RateLimited { retry_after_secs } => {
            assert!((1..=5).contains(&retry_after_secs))
        }
        other => panic!("expected rate limit, got {other:?}"),
    }
    // The limit is the player's, whichever transport: MQTT is limited now too.
    let ack = on_view(
        &w.ctx,
        key,
        &view(key, w.artist_post, "2026-03-01T10:00:02Z", "channel"),
    )
    .await;
    assert_eq!(code(&ack), "rate_limited");

    let (_, k2) = player(&pool, Some(w.viewer)).await;
    let p2 = db::players::find_active_by_key(&pool, k2)
        .await
        .unwrap()
        .unwrap();
    let ev = protocol::view::parse_http(
        &serde_json::to_vec(
            &json!({"post_id": 987_654_321, "timestamp": "2026-03-01T10:00:00Z",
            "timezone": "", "intent": "channel", "play_order": 0, "channel": "all"}),
        )
        .unwrap(),
        &k2,
    )
    .unwrap();
    assert_eq!(
        record_http_view(&w.ctx, &p2, ev).await.unwrap(),
        ViewOutcome::PostNotFound
    );
    let (_, k3) = player(&pool, Some(w.viewer)).await;
    let p3 = db::players::find_active_by_key(&pool, k3)
        .await
        .unwrap()
        .unwrap();
    let mut own = body(w.own_post, "2026-03-01T10:00:00Z");
    own.player_key = k3.to_string();
    assert_eq!(
        record_http_view(&w.ctx, &p3, own).await.unwrap(),
        ViewOutcome::OwnPost
    );
    assert_eq!(stored(&pool).await.len(), 1);
}
