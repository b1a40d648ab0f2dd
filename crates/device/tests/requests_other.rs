//! Comments, playsets, echo and the dispatcher against real PostgreSQL and Redis: malformed
//! requests, authentication and the error codes other transports map (§6 checks 21–25).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod support;

use std::time::Duration;

use serde_json::{json, Value};
use sqlx::PgPool;
use support::*;

async fn comment(pool: &PgPool, post: i64, author: i32, depth: i16, age_mins: i32) -> uuid::Uuid {
    sqlx::query_scalar(
        "insert into comments (post_id, author_id, depth, body, created_at)
         values ($1, $2, $3, 'hi', now() - make_interval(mins => $4)) returning id",
    )
    .bind(post)
    .bind(author)
    .bind(depth)
    .bind(age_mins)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn comments_page_oldest_first(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let p = plain(&pool, owner).await;
    let c1 = comment(&pool, p, owner, 0, 50).await;
    let c2 = comment(&pool, p, owner, 1, 40).await;
    let c3 = comment(&pool, p, owner, 2, 30).await;
    let hidden = comment(&pool, p, owner, 0, 20).await;
    sqlx::query("update comments set hidden_by_mod = true where id = $1")
        .bind(hidden)
        .execute(&pool)
        .await
        .unwrap();
    let deleted = comment(&pool, p, owner, 0, 10).await;
    sqlx::query("update comments set deleted_by_owner = true where id = $1")
        .bind(deleted)
        .execute(&pool)
        .await
        .unwrap();

    let r = request(&ctx, key, "get_comments", json!({"post_id": p, "limit": 2})).await;
    assert_eq!(r["success"], json!(true));
    assert_eq!(r["error"], Value::Null);
    assert_eq!(r["has_more"], json!(true));
    assert_eq!(r["next_cursor"], json!("2"));
    let got: Vec<&str> = r["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comment_id"].as_str().unwrap())
        .collect();
    assert_eq!(got, vec![c1.to_string(), c2.to_string()]);
    let c = &r["comments"][1];
    assert_eq!(c["depth"], json!(1));
    assert_eq!(c["deleted"], json!(false));
    assert_eq!(c["author_handle"], json!("alice"));
    assert_eq!(c["post_id"], json!(p));
    assert!(c["parent_id"].is_null());
    // The next page: c3, then the deleted one is dropped after paging (a short page).
    let r = request(
        &ctx,
        key,
        "get_comments",
        json!({"post_id": p, "limit": 2, "cursor": "2"}),
    )
    .await;
    assert_eq!(r["comments"].as_array().unwrap().len(), 1);
    assert_eq!(r["comments"][0]["comment_id"], json!(c3.to_string()));
    assert_eq!(r["has_more"], json!(false));
    assert_eq!(r["next_cursor"], Value::Null);

    let r = request(
        &ctx,
        key,
        "get_comments",
        json!({"post_id": p, "limit": 201}),
    )
    .await;
    assert_error(&r, "invalid_request");
    let r = request(&ctx, key, "get_comments", json!({"post_id": 999_999})).await;
    assert_eq!(r["comments"], json!([]));
}

#[sqlx::test(migrations = "../../migrations")]
async fn followed_artists_playset(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let me = user(&pool, "me").await;
    let key = player(&pool, me).await;
    let early = user(&pool, "early").await;
    let late = user(&pool, "late").await;
    let banned = user(&pool, "banned").await;
    set_user(&pool, banned, "banned_until = now() + interval '1 day'").await;
    let unverified = user(&pool, "unverified").await;
    set_user(&pool, unverified, "email_verified = false").await;
    for (who, age) in [(early, 60), (late, 1), (banned, 5), (unverified, 5)] {
        sqlx::query(
            "insert into follows (follower_id, following_id, created_at)
             values ($1, $2, now() - make_interval(mins => $3))",
        )
        .bind(me)
        .bind(who)
        .bind(age)
        .execute(&pool)
        .await
        .unwrap();
    }
    let r = request(
        &ctx,
        key,
        "get_playset",
        json!({"playset_name": "followed_artists"}),
    )
    .await;
    assert_eq!(r["success"], json!(true));
    assert_eq!(r["playset_name"], json!("followed_artists"));
    assert_eq!(r["exposure_mode"], json!("equal"));
    assert_eq!(r["pick_mode"], json!("random"));
    assert_eq!(
        r["channels"],
        json!([
            {"type": "user", "identifier": "s-late", "display_name": "@late"},
            {"type": "user", "identifier": "s-early", "display_name": "@early"}
        ])
    );
    let r = request(&ctx, key, "get_playset", json!({"playset_name": "nope"})).await;
    assert_error(&r, "playset_not_found");
    assert_eq!(r["channels"], json!([]));
    assert_eq!(r["error"], json!("Playset 'nope' not found"));
}

#[sqlx::test(migrations = "../../migrations")]
async fn echo_is_limited_to_ten_a_minute(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    for _ in 0..10 {
        let r = request(&ctx, key, "echo", json!({"echo_data": "hi"})).await;
        assert_eq!(r["success"], json!(true));
        assert_eq!(r["echo_data"], json!("hi"));
        assert_eq!(r["error"], Value::Null);
        let at = r["received_at"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    }
    let r = request(&ctx, key, "echo", json!({"echo_data": "hi"})).await;
    assert_error(&r, "rate_limit_exceeded");
    // Per player: another player of the same owner is not limited.
    let other = player(&pool, owner).await;
    let r = request(&ctx, other, "echo", json!({"echo_data": "x"})).await;
    assert_eq!(r["success"], json!(true));
}

#[sqlx::test(migrations = "../../migrations")]
async fn malformed_requests_get_codes_and_the_right_reply_topic(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let r = request(&ctx, key, "frobnicate", json!({})).await;
    assert_error(&r, "unknown_request_type");
    assert_eq!(r["error"], json!("Unknown request type: frobnicate"));

    let (id, body) = raw(&ctx, key, br#"{"request_id":"r1","player_key":"x"}"#).await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(id, "r1");
    assert_error(&v, "invalid_request");

    let (id, body) = raw(&ctx, key, b"this is not json").await;
    assert_eq!(id, "unknown");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_error(&v, "invalid_json");
    assert_eq!(v["request_id"], json!("unknown"));

    let (id, _) = raw(&ctx, key, br#"{"request_type":"echo","echo_data":"x"}"#).await;
    assert_eq!(id, "unknown");
}

#[sqlx::test(migrations = "../../migrations")]
async fn only_active_players_are_answered(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let r = request(&ctx, key, "echo", json!({"echo_data": "x"})).await;
    assert_eq!(r["success"], json!(true));

    // A found player is remembered under the `players` generation: a ban written behind the
    // api's back goes unseen until that generation moves, as the api moves it on every ban.
    set_user(&pool, owner, "banned_until = now() + interval '1 hour'").await;
    let r = request(&ctx, key, "echo", json!({"echo_data": "x"})).await;
    assert_eq!(r["success"], json!(true));
    players_changed(&ctx).await;
    let r = request(&ctx, key, "echo", json!({"echo_data": "x"})).await;
    assert_error(&r, "authentication_failed");
    // Even a malformed request of an unknown player says so, on its own id.
    let r = request(&ctx, key, "frobnicate", json!({})).await;
    assert_error(&r, "authentication_failed");

    // Not-found players are never remembered: lifting the ban counts at once.
    set_user(&pool, owner, "banned_until = null").await;
    let r = request(&ctx, key, "echo", json!({"echo_data": "x"})).await;
    assert_eq!(r["success"], json!(true));

    set_user(&pool, owner, "deactivated = true").await;
    players_changed(&ctx).await;
    let r = request(&ctx, key, "echo", json!({"echo_data": "x"})).await;
    assert_error(&r, "authentication_failed");

    let unknown = uuid::Uuid::new_v4();
    let r = request(&ctx, unknown, "query_posts", json!({})).await;
    assert_error(&r, "authentication_failed");

    // A pending (unregistered) player.
    let pending = uuid::Uuid::new_v4();
    sqlx::query("insert into players (player_key) values ($1)")
        .bind(pending)
        .execute(&pool)
        .await
        .unwrap();
    let r = request(&ctx, pending, "echo", json!({"echo_data": "x"})).await;
    assert_error(&r, "authentication_failed");
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_service_reports_error_codes_to_other_transports(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let player = db::players::find_active_by_key(&pool, key)
        .await
        .unwrap()
        .unwrap();
    let req = protocol::request::parse(
        br#"{"request_id":"r","request_type":"get_post","post_id":12345}"#,
    )
    .unwrap();
    let reply = device::requests::handle(&ctx, &player, req).await;
    assert_eq!(reply.request_id, "r");
    assert_eq!(reply.error_code, Some("not_found"));
    assert_eq!(reply.value()["error_code"], json!("not_found"));
    let req =
        protocol::request::parse(br#"{"request_id":"r","request_type":"echo","echo_data":""}"#)
            .unwrap();
    let reply = device::requests::handle(&ctx, &player, req).await;
    assert_eq!(reply.error_code, None);
}

/// What the api does after a ban, a deletion or a role change, then long enough for this
/// process's mirror of the generation to lapse.
async fn players_changed(ctx: &device::Ctx) {
    ctx.kv.bump_generation(kv::cache::PLAYERS).await.unwrap();
    tokio::time::sleep(device::requests::cache::GENERATION_TTL + Duration::from_millis(50)).await;
}
