//! Status, the offline sweep, capabilities, state and command acks against real PostgreSQL and
//! Redis (§3.5–§3.7, checks 26 and 29).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod presence_support;

use chrono::{Duration, Utc};
use device::presence::{on_capabilities, on_command_ack, on_state, on_status, sweep_offline};
use presence_support::{ctx, events, player, post, row, user};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

const P3A_CAPS: &str = r#"{"firmware_version":"1.1.1","features":{"pause":{},
    "brightness":{"min":0,"max":100,"step":1},"rotation":{"values":[0,90,180,270]}}}"#;

fn status(key: Uuid, extra: serde_json::Value) -> Vec<u8> {
    let mut v = json!({"player_key": key, "status": "online", "timestamp": "x"});
    for (k, val) in extra.as_object().unwrap() {
        v[k] = val.clone();
    }
    serde_json::to_vec(&v).unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn status_sets_presence_and_tells_the_owner(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let p = post(&pool, owner).await;
    let (id, key) = player(&pool, Some(owner)).await;
    let mut ev = events(&ctx).await;
    let before = Utc::now() - Duration::seconds(1);

    let msg = status(
        key,
        json!({"current_post_id": p, "firmware_version": "9.9.9"}),
    );
    on_status(&ctx, key, &msg).await.unwrap();
    let r = row(&pool, key).await;
    assert_eq!(r.connection_status, "online");
    assert!(r.last_seen_at.unwrap() > before);
    assert_eq!(r.current_post_id, Some(p));
    assert_eq!(r.firmware_version.as_deref(), Some("9.9.9"));
    let e = ev.next().await;
    assert_eq!(e["user_id"], json!(owner));
    assert_eq!(e["event"], "status");
    assert_eq!(e["data"]["player_id"], json!(id));
    assert_eq!(e["data"]["connection_status"], "online");
    assert_eq!(e["data"]["current_post_id"], json!(p));
    assert!(e["data"]["last_seen_at"].is_string());

    // The LWT: offline; absent post keeps the post, empty version keeps the version.
    let lwt = serde_json::to_vec(&json!({"player_key": key, "status": "offline",
                                          "firmware_version": ""}))
    .unwrap();
    on_status(&ctx, key, &lwt).await.unwrap();
    let r = row(&pool, key).await;
    assert_eq!(r.connection_status, "offline");
    assert_eq!(r.current_post_id, Some(p));
    assert_eq!(r.firmware_version.as_deref(), Some("9.9.9"));
    assert_eq!(ev.next().await["data"]["connection_status"], "offline");

    // No player_key at all: the topic names the player.
    on_status(&ctx, key, br#"{"status":"online","current_post_id":0}"#)
        .await
        .unwrap();
    let r = row(&pool, key).await;
    assert_eq!(r.connection_status, "online");
    assert_eq!(r.current_post_id, None);
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_payload_naming_another_player_changes_nothing(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let (_, key) = player(&pool, Some(owner)).await;
    let (_, other) = player(&pool, Some(owner)).await;
    let mut ev = events(&ctx).await;

    let msg = serde_json::to_vec(&json!({"player_key": other, "status": "online",
                                          "firmware_version": "6.6.6"}))
    .unwrap();
    on_status(&ctx, key, &msg).await.unwrap();
    on_status(
        &ctx,
        key,
        br#"{"player_key":"not-a-key","status":"online"}"#,
    )
    .await
    .unwrap();
    for k in [key, other] {
        let r = row(&pool, k).await;
        assert_eq!(r.connection_status, "offline");
        assert_eq!(r.last_seen_at, None);
        assert_eq!(r.firmware_version, None);
    }
    ev.none().await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn an_unknown_post_clears_the_post_but_keeps_the_heartbeat(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let p = post(&pool, owner).await;
    let (_, key) = player(&pool, Some(owner)).await;
    on_status(&ctx, key, &status(key, json!({"current_post_id": p})))
        .await
        .unwrap();
    let first = row(&pool, key).await.last_seen_at.unwrap();
    sqlx::query("update players set last_seen_at = now() - interval '1 minute', connection_status = 'offline' where player_key = $1")
        .bind(key)
        .execute(&pool)
        .await
        .unwrap();

    on_status(
        &ctx,
        key,
        &status(
            key,
            json!({"current_post_id": 987_654_321, "firmware_version": "2.0"}),
        ),
    )
    .await
    .unwrap();
    let r = row(&pool, key).await;
    assert_eq!(r.current_post_id, None);
    assert_eq!(r.connection_status, "online");
    assert!(r.last_seen_at.unwrap() >= first);
    assert_eq!(r.firmware_version.as_deref(), Some("2.0"));

    // A version longer than the column allows is ignored, not a failed update.
    on_status(
        &ctx,
        key,
        &status(key, json!({"firmware_version": "x".repeat(51)})),
    )
    .await
    .unwrap();
    assert_eq!(
        row(&pool, key).await.firmware_version.as_deref(),
        Some("2.0")
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn unregistered_and_unknown_keys_change_nothing(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let (_, pending) = player(&pool, None).await;
    let mut ev = events(&ctx).await;
    on_status(&ctx, pending, &status(pending, json!({})))
        .await
        .unwrap();
    on_capabilities(&ctx, pending, P3A_CAPS.as_bytes())
        .await
        .unwrap();
    let r = row(&pool, pending).await;
    assert_eq!(r.connection_status, "offline");
    assert_eq!(r.last_seen_at, None);
    assert_eq!(r.capabilities, None);

    let stranger = Uuid::new_v4();
    on_status(&ctx, stranger, &status(stranger, json!({})))
        .await
        .unwrap();
    on_state(&ctx, stranger, br#"{"brightness":1}"#)
        .await
        .unwrap();
    on_status(&ctx, pending, b"not json").await.unwrap();
    ev.none().await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn sweep_sets_silent_players_offline(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let (silent, silent_key) = player(&pool, Some(owner)).await;
    let (_, fresh_key) = player(&pool, Some(owner)).await;
    let (_, never_key) = player(&pool, Some(owner)).await;
    let set = |key: Uuid, ago: Option<i32>| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "update players set connection_status = 'online',
                        last_seen_at = now() - make_interval(secs => $2::int)
                 where player_key = $1",
            )
            .bind(key)
            .bind(ago)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    set(silent_key, Some(181)).await;
    set(fresh_key, Some(60)).await;
    set(never_key, None).await;
    let mut ev = events(&ctx).await;

    assert_eq!(sweep_offline(&ctx).await.unwrap(), 2);
    assert_eq!(row(&pool, silent_key).await.connection_status, "offline");
    assert_eq!(row(&pool, never_key).await.connection_status, "offline");
    assert_eq!(row(&pool, fresh_key).await.connection_status, "online");
    let mut told = [ev.next().await, ev.next().await];
    told.sort_by_key(|e| e["data"]["last_seen_at"].is_null());
    assert_eq!(told[0]["data"]["player_id"], json!(silent));
    assert_eq!(told[0]["data"]["connection_status"], "offline");
    assert_eq!(told[0]["user_id"], json!(owner));
    assert!(told[1]["data"]["last_seen_at"].is_null());

    assert_eq!(sweep_offline(&ctx).await.unwrap(), 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn capabilities_then_state(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let (id, key) = player(&pool, Some(owner)).await;
    let mut ev = events(&ctx).await;

    // State before any manifest: nothing is declared, so nothing is kept.
    on_state(&ctx, key, br#"{"brightness":42}"#).await.unwrap();
    assert_eq!(row(&pool, key).await.brightness, None);
    ev.none().await;

    on_capabilities(&ctx, key, P3A_CAPS.as_bytes())
        .await
        .unwrap();
    let r = row(&pool, key).await;
    let stored = json!({"pause":{},"brightness":{"min":0,"max":100,"step":1},
                        "rotation":{"values":[0,90,180,270]}});
    assert_eq!(r.capabilities, Some(stored.clone()));
    assert_eq!(r.firmware_version.as_deref(), Some("1.1.1"));
    let e = ev.next().await;
    assert_eq!(e["event"], "capabilities");
    assert_eq!(e["user_id"], json!(owner));
    assert_eq!(
        e["data"],
        json!({"type":"capabilities","player_id":id,"capabilities":stored,
               "firmware_version":"1.1.1"})
    );

    on_state(
        &ctx,
        key,
        br#"{"is_paused":true,"brightness":42,"rotation":90,"mirror":"h"}"#,
    )
    .await
    .unwrap();
    let r = row(&pool, key).await;
    assert_eq!(
        (r.is_paused, r.brightness, r.rotation, r.mirror),
        (Some(true), Some(42), Some(90), None)
    );
    let e = ev.next().await;
    assert_eq!(e["event"], "state");
    assert_eq!(
        e["data"],
        json!({"type":"state","player_id":id,
               "state":{"is_paused":true,"brightness":42,"rotation":90}})
    );

    // One field per change; out-of-range values are dropped and announce nothing.
    on_state(&ctx, key, br#"{"brightness":150}"#).await.unwrap();
    on_state(&ctx, key, br#"{"rotation":45}"#).await.unwrap();
    assert_eq!(row(&pool, key).await.brightness, Some(42));
    assert_eq!(row(&pool, key).await.rotation, Some(90));
    ev.none().await;
    on_state(&ctx, key, br#"{"brightness":7}"#).await.unwrap();
    assert_eq!(row(&pool, key).await.brightness, Some(7));
    assert_eq!(ev.next().await["data"]["state"], json!({"brightness": 7}));

    // A manifest without brightness clears its state; the rest stays.
    on_capabilities(
        &ctx,
        key,
        br#"{"features":{"pause":{},"rotation":{"values":[0,90]}}}"#,
    )
    .await
    .unwrap();
    let r = row(&pool, key).await;
    assert_eq!(
        (r.is_paused, r.brightness, r.rotation),
        (Some(true), None, Some(90))
    );
    assert_eq!(r.firmware_version.as_deref(), Some("1.1.1"));
    assert_eq!(ev.next().await["data"]["firmware_version"], "1.1.1");

    // A cleared retained message declares nothing: all state goes.
    on_capabilities(&ctx, key, b"").await.unwrap();
    let r = row(&pool, key).await;
    assert_eq!(r.capabilities, Some(json!({})));
    assert_eq!((r.is_paused, r.rotation), (None, None));
    assert_eq!(ev.next().await["data"]["capabilities"], json!({}));

    // Garbage changes nothing.
    on_capabilities(&ctx, key, b"[1,2]").await.unwrap();
    on_state(&ctx, key, b"oops").await.unwrap();
    assert_eq!(row(&pool, key).await.capabilities, Some(json!({})));
    ev.none().await;
}

async fn command(pool: &PgPool, player_id: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "insert into player_command_logs (id, player_id, command_type, payload)
         values ($1, $2, 'set_brightness', '{\"value\":50}')",
    )
    .bind(id)
    .bind(player_id)
    .execute(pool)
    .await
    .unwrap();
    id
}

async fn ack_of(pool: &PgPool, id: Uuid) -> (Option<String>, Option<String>, bool) {
    let (s, e, at): (
        Option<String>,
        Option<String>,
        Option<chrono::DateTime<Utc>>,
    ) = sqlx::query_as(
        "select ack_status, ack_error, acked_at from player_command_logs where id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap();
    (s, e, at.is_some())
}

#[sqlx::test(migrations = "../../migrations")]
async fn command_acks_belong_to_their_player(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let (a, key_a) = player(&pool, Some(owner)).await;
    let (_, key_b) = player(&pool, Some(owner)).await;
    let cmd = command(&pool, a).await;
    let ack = |status: &str, error: serde_json::Value| {
        serde_json::to_vec(&json!({"command_id": cmd, "status": status, "error": error})).unwrap()
    };

    // Another player cannot ack A's command; junk ids and statuses are ignored.
    on_command_ack(&ctx, key_b, &ack("ok", json!(null)))
        .await
        .unwrap();
    on_command_ack(&ctx, key_a, &ack("maybe", json!(null)))
        .await
        .unwrap();
    on_command_ack(
        &ctx,
        key_a,
        br#"{"command_id":"12","status":"ok","error":null}"#,
    )
    .await
    .unwrap();
    on_command_ack(&ctx, key_a, b"nope").await.unwrap();
    assert_eq!(ack_of(&pool, cmd).await, (None, None, false));

    on_command_ack(&ctx, key_a, &ack("error", json!("brightness out of range")))
        .await
        .unwrap();
    assert_eq!(
        ack_of(&pool, cmd).await,
        (
            Some("error".into()),
            Some("brightness out of range".into()),
            true
        )
    );
    on_command_ack(&ctx, key_a, &ack("ok", json!(null)))
        .await
        .unwrap();
    assert_eq!(ack_of(&pool, cmd).await, (Some("ok".into()), None, true));

    // An unknown command id is not an error.
    let unknown =
        serde_json::to_vec(&json!({"command_id": Uuid::new_v4(), "status": "ok"})).unwrap();
    on_command_ack(&ctx, key_a, &unknown).await.unwrap();
}
