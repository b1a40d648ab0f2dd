//! The bridge in-process against a private broker and a test database, with simulated p3a
//! players: request/reply, presence, state, views, command acks, several bridges in one group,
//! a broker restart, the offline sweep and a graceful shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::time::Duration;

use common::{Rig, WAIT};
use serde_json::json;
use test_support::player_sim::{vault_url, PlayerSim, WalkEnd, WalkOptions};
use uuid::Uuid;

#[sqlx::test(migrations = "../../migrations")]
async fn requests_are_answered_on_the_response_topic(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let bridge = rig.bridge().await;
    let (_, key) = rig.registered_player("alice").await;
    let sim = rig.sim(key).await;

    let r = sim
        .request("echo", json!({"echo_data": "hi"}))
        .await
        .unwrap();
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["echo_data"], "hi");
    assert!(r["received_at"].is_string());
    let r = sim
        .request("query_posts", json!({"channel": "all", "limit": 5}))
        .await
        .unwrap();
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["posts"], json!([]));
    assert_eq!(r["has_more"], false);
    let r = sim.request("frobnicate", json!({})).await.unwrap();
    assert_eq!(r["success"], false);
    assert_eq!(r["error_code"], "unknown_request_type");

    // Non-JSON is answered on response/unknown, which no pending request claims.
    let topic = protocol::topic::request(&key, "abc");
    sim.publish_raw(&topic, "not json", false).await.unwrap();
    let r = sim.recv_unmatched(WAIT).await.expect("invalid_json reply");
    assert_eq!(r["request_id"], "unknown");
    assert_eq!(r["error_code"], "invalid_json");
    bridge.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../../migrations")]
async fn an_unregistered_player_is_refused(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let _bridge = rig.bridge().await;
    // A valid certificate, but no registered row behind the key.
    let sim = rig.sim(Uuid::new_v4()).await;
    let r = sim
        .request("echo", json!({"echo_data": "x"}))
        .await
        .unwrap();
    assert_eq!(r["success"], false);
    assert_eq!(r["error_code"], "authentication_failed");
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_channel_walk_follows_cursors_and_urls_match_the_vault(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let _bridge = rig.bridge().await;
    let (_, token) = test_support::art::artist(&rig.app, "painter", true).await;
    for seed in 0..5 {
        test_support::art::upload_png(&rig.app, &token, seed).await;
    }
    let (_, key) = rig.registered_player("viewer").await;
    let sim = rig.sim(key).await;
    let opts = WalkOptions {
        limit: 2,
        ..WalkOptions::default()
    };
    let walk = sim.walk_channel("all", json!({}), &opts).await.unwrap();
    assert_eq!(walk.end, WalkEnd::Complete);
    assert_eq!(walk.pages, 3);
    assert_eq!(walk.posts.len(), 5);
    let ids: Vec<i64> = walk
        .posts
        .iter()
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, no overlap: {ids:?}"
    );
    for p in &walk.posts {
        let key = p["storage_key"].as_str().unwrap();
        let art_url = p["art_url"].as_str().unwrap();
        // What the p3a downloads is exactly what the server advertises for a PNG.
        assert_eq!(sim.download_url(p).unwrap(), art_url);
        assert_eq!(vault_url("http://127.0.0.1:8081", key, art_url), art_url);
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn status_and_the_last_will_drive_presence(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let _bridge = rig.bridge().await;
    let (id, key) = rig.registered_player("alice").await;
    let sim = rig.sim(key).await;
    rig.eventually("online", || async { rig.presence(id).await.0 == "online" })
        .await;
    assert!(rig.presence(id).await.1, "last_seen_at set");
    sim.kill();
    rig.eventually("offline after the LWT", || async {
        rig.presence(id).await.0 == "offline"
    })
    .await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn state_changes_are_applied_in_order(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let _bridge = rig.bridge().await;
    let (id, key) = rig.registered_player("alice").await;
    let sim = rig.sim(key).await;
    rig.eventually("connect state stored", || async {
        rig.presence(id).await.2 == Some(50)
    })
    .await;
    for v in 1..=40 {
        sim.publish_state(json!({"brightness": v})).await.unwrap();
    }
    rig.eventually("last brightness", || async {
        rig.presence(id).await.2 == Some(40)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rig.presence(id).await.2, Some(40));
}

#[sqlx::test(migrations = "../../migrations")]
async fn views_with_request_ack_are_acked(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let _bridge = rig.bridge().await;
    let (_, key) = rig.registered_player("alice").await;
    let sim = rig.sim(key).await;
    let mut view = sim.view_event(999_999_999, "channel", "all");
    view["request_ack"] = json!(true);
    sim.send_view(&view).await.unwrap();
    let ack = sim.recv_view_ack(WAIT).await.expect("ack");
    assert_eq!(ack["success"], false);
    assert_eq!(ack["error_code"], "post_not_found");

    let mut other = sim.view_event(1, "channel", "all");
    other["request_ack"] = json!(true);
    other["player_key"] = json!(Uuid::new_v4().to_string());
    sim.send_view(&other).await.unwrap();
    let ack = sim.recv_view_ack(WAIT).await.expect("ack");
    assert_eq!(ack["error_code"], "player_key_mismatch");

    // Without request_ack nothing comes back.
    sim.send_view(&sim.view_event(999_999_998, "channel", "all"))
        .await
        .unwrap();
    assert!(sim
        .recv_view_ack(Duration::from_millis(800))
        .await
        .is_none());
}

#[sqlx::test(migrations = "../../migrations")]
async fn command_acks_are_recorded(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let _bridge = rig.bridge().await;
    let (id, key) = rig.registered_player("alice").await;
    let command_id = Uuid::new_v4();
    sqlx::query(
        "insert into player_command_logs (id, player_id, command_type, payload)
         values ($1, $2, 'set_brightness', '{\"value\": 10}')",
    )
    .bind(command_id)
    .bind(id)
    .execute(&rig.app.state.db)
    .await
    .unwrap();
    let sim = rig.sim(key).await;
    sim.ack_command(&command_id.to_string(), "ok", None)
        .await
        .unwrap();
    rig.eventually("ack stored", || async {
        let s: Option<String> =
            sqlx::query_scalar("select ack_status from player_command_logs where id = $1")
                .bind(command_id)
                .fetch_one(&rig.app.state.db)
                .await
                .unwrap();
        s.as_deref() == Some("ok")
    })
    .await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn two_bridges_in_one_group_answer_each_request_once(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    // Separate Redis prefixes, so the in-flight dedup cannot hide a second answer: only the
    // shared subscription keeps each request to one bridge.
    let a = rig.bridge().await;
    let b = rig
        .bridge_on(rig.settings(), rig.ctx_with_own_redis().await)
        .await;
    let (_, key) = rig.registered_player("alice").await;
    let sim = rig.sim(key).await;
    let n = 20;
    for i in 0..n {
        let r = sim
            .request("get_post", json!({"post_id": 1_000_000 + i}))
            .await
            .unwrap();
        assert_eq!(r["error_code"], "not_found", "{r}");
    }
    assert!(sim.recv_unmatched(Duration::from_secs(1)).await.is_none());
    assert_eq!(sim.replies_received(), n as u64);
    a.shutdown().await.unwrap();
    // The group survives one member leaving.
    let r = sim
        .request("get_post", json!({"post_id": 1}))
        .await
        .unwrap();
    assert_eq!(r["error_code"], "not_found");
    b.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_retry_of_a_request_in_progress_is_not_processed_again(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    // One-second claims, so that lapsing and renewal can be watched.
    let in_flight = mqtt_bridge::dedup::InFlight::new(rig.app.state.kv.clone(), 1);
    let key = Uuid::new_v4();
    assert!(in_flight.claim(&key, "r1").await);
    assert!(
        !in_flight.claim(&key, "r1").await,
        "second copy while the first runs"
    );
    assert!(
        in_flight.claim(&key, "r2").await,
        "other ids are independent"
    );
    assert!(
        in_flight.claim(&Uuid::new_v4(), "r1").await,
        "other players too"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(
        in_flight.claim(&key, "r1").await,
        "a retry after the claim lapsed (the reply was lost) is processed"
    );
    // A request worked on for longer than a claim lives keeps its claim until it ends.
    assert!(in_flight.claim(&key, "slow").await);
    let probe = in_flight.clone();
    let work = async {
        tokio::time::sleep(Duration::from_millis(1600)).await;
        let taken = !probe.claim(&key, "slow").await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        taken && !probe.claim(&key, "slow").await
    };
    assert!(
        in_flight.held_while(&key, "slow", work).await,
        "the claim was renewed while the request ran"
    );
    assert!(
        in_flight.claim(&key, "slow").await,
        "and a request that outlived its first claim releases it when done"
    );

    // Through the bridge: a claimed id is dropped, so only the unclaimed copy is answered.
    let _bridge = rig.bridge().await;
    let (_, player) = rig.registered_player("alice").await;
    let sim = rig.sim(player).await;
    assert!(in_flight.claim(&player, "taken").await);
    let body = |id: &str| json!({"request_id": id, "request_type": "get_post", "player_key": player, "post_id": 5});
    let err = sim
        .request_as("taken", &body("taken"), 1)
        .await
        .expect_err("a copy of a request in progress gets no reply");
    assert!(matches!(
        err,
        test_support::player_sim::SimError::Timeout(_)
    ));
    let r = sim.request_as("free", &body("free"), 1).await.unwrap();
    assert_eq!(r["error_code"], "not_found");
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_bridge_reconnects_and_resubscribes_after_a_broker_restart(pool: db::PgPool) {
    let mut rig = Rig::new(pool).await;
    let bridge = rig.bridge().await;
    let (_, key) = rig.registered_player("alice").await;
    let mut cfg = rig.sim_config(key);
    cfg.reconnect_after = Some(Duration::from_millis(200));
    cfg.retry_pauses = vec![Duration::from_secs(1), Duration::from_secs(2)];
    let sim = PlayerSim::connect(cfg).await.unwrap();
    assert_eq!(
        sim.request("get_post", json!({"post_id": 7}))
            .await
            .unwrap()["error_code"],
        "not_found"
    );

    rig.broker.restart().await;
    assert!(
        bridge.wait_subscribed(Duration::from_secs(40)).await,
        "bridge back"
    );
    assert!(sim.wait_connected(WAIT).await, "player back");
    let r = sim
        .request("get_post", json!({"post_id": 7}))
        .await
        .unwrap();
    assert_eq!(r["error_code"], "not_found");
    bridge.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_sweep_marks_silent_players_offline(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let (silent, _) = rig.registered_player("alice").await;
    let (fresh, _) = rig.registered_player("bob").await;
    for (id, ago) in [(silent, 10 * 60), (fresh, 10)] {
        sqlx::query(
            "update players set connection_status = 'online',
                    last_seen_at = now() - make_interval(secs => $2) where id = $1",
        )
        .bind(id)
        .bind(f64::from(ago))
        .execute(&rig.app.state.db)
        .await
        .unwrap();
    }
    let mut s = rig.settings();
    s.sweep_interval = Duration::from_millis(200);
    let _bridge = rig.bridge_with(s).await;
    rig.eventually("silent player offline", || async {
        rig.presence(silent).await.0 == "offline"
    })
    .await;
    assert_eq!(rig.presence(fresh).await.0, "online");
}

#[sqlx::test(migrations = "../../migrations")]
async fn shutdown_answers_what_was_taken_and_leaves_the_group(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let bridge = rig.bridge().await;
    let (_, key) = rig.registered_player("alice").await;
    let sim = std::sync::Arc::new(rig.sim(key).await);
    let s = sim.clone();
    let asked = tokio::spawn(async move { s.request("get_post", json!({"post_id": 3})).await });
    tokio::time::sleep(Duration::from_millis(20)).await;
    tokio::time::timeout(Duration::from_secs(15), bridge.shutdown())
        .await
        .expect("shutdown in time")
        .unwrap();
    // Either the request was taken before the unsubscribe and answered, or it never reached
    // the bridge; it must not be left half-done.
    match asked.await.unwrap() {
        Ok(r) => assert_eq!(r["error_code"], "not_found"),
        Err(e) => assert!(matches!(e, test_support::player_sim::SimError::Timeout(_))),
    }
    // Nobody is subscribed any more: a new request goes unanswered.
    let err = sim.request("get_post", json!({"post_id": 3})).await;
    assert!(err.is_err());
}
