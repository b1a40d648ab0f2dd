//! §6.28–6.29 and `execute_playset`: commands from the web, OPC acks and state.
use std::time::{Duration, Instant};

use e2e::reqwest::{Method, StatusCode};
use e2e::{json, Value};
use test_support::player_sim::PlayerSim;

use super::World;

/// §6.28–6.29 and `execute_playset`: commands from the web reach the device; OPC acks land in
/// the command log; state reaches the web.
pub async fn commands(w: &World, sim: &PlayerSim, player_id: &str) {
    let path = w.owner.players_path(&format!("/{player_id}/command"));
    let send = |body: Value| {
        let path = path.clone();
        async move {
            let (status, r) = w
                .owner
                .call(&w.stack, Method::POST, &path, Some(body))
                .await;
            assert_eq!(status, StatusCode::OK, "{r}");
            assert_eq!(r["status"], "sent");
            r["command_id"].as_str().unwrap().to_string()
        }
    };
    let next = |want: &'static str| async move {
        loop {
            let c = sim
                .recv_command(Duration::from_secs(10))
                .await
                .expect("a command");
            if c["command_type"] == want {
                return c;
            }
        }
    };
    let id = send(json!({"command_type": "swap_next"})).await;
    let c = next("swap_next").await;
    assert_eq!(c["command_id"], id.as_str());
    assert_eq!(c["payload"], json!({}));
    assert!(c["timestamp"].is_string());

    send(json!({"command_type": "show_artwork", "post_id": w.posts[0].0})).await;
    let c = next("show_artwork").await;
    for f in [
        "post_id",
        "title",
        "storage_key",
        "storage_shard",
        "native_format",
        "width",
        "height",
    ] {
        assert!(c["payload"].get(f).is_some(), "{f} missing: {c}");
    }
    assert_eq!(c["payload"]["storage_key"], w.posts[0].1.as_str());

    send(json!({"command_type": "play_channel", "user_sqid": w.artist.sqid})).await;
    let c = next("play_channel").await;
    assert_eq!(
        c["payload"],
        json!({"channel_name": "by_user", "user_sqid": w.artist.sqid, "user_handle": w.artist.handle})
    );

    send(json!({"command_type": "play_playset", "playset_name": "followed_artists"})).await;
    let c = next("execute_playset").await;
    assert_eq!(c["payload"]["name"], "followed_artists", "{c}");
    assert!(
        !c["payload"]["channels"].as_array().unwrap().is_empty(),
        "{c}"
    );

    // OPC: the simulator applies and acks; the log records the ack, the web sees the state.
    let opc = |what: &str| w.owner.players_path(&format!("/{player_id}/{what}"));
    let (status, r) = w
        .owner
        .call(
            &w.stack,
            Method::POST,
            &opc("brightness"),
            Some(json!({"value": 50})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let c = next("set_brightness").await;
    assert_eq!(c["payload"], json!({"value": 50}));
    let command_id: uuid::Uuid = c["command_id"].as_str().unwrap().parse().unwrap();
    let db = sqlx::PgPool::connect(w.stack.get("DATABASE_URL"))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ack: Option<String> =
            sqlx::query_scalar("select ack_status from player_command_logs where id = $1")
                .bind(command_id)
                .fetch_optional(&db)
                .await
                .unwrap()
                .flatten();
        if ack.as_deref() == Some("ok") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the ack never reached the command log: {ack:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, r) = w
        .owner
        .call(
            &w.stack,
            Method::POST,
            &opc("brightness"),
            Some(json!({"value": 150})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(r["detail"]["code"], "invalid_value", "{r}");
    let (status, r) = w
        .owner
        .call(
            &w.stack,
            Method::POST,
            &opc("mirror"),
            Some(json!({"value": "horizontal"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(r["detail"]["code"], "unsupported_command", "{r}");
    sim.publish_state(json!({"brightness": 42})).await.unwrap();
    w.owner
        .wait_player(&w.stack, player_id, Duration::from_secs(10), |p| {
            p["brightness"] == 42
        })
        .await;
}
