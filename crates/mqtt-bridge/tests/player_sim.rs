//! The player simulator behaves like the p3a of player-protocol.md §4.1–§4.3, checked against
//! a private broker with a plain `svc_backend` client playing the server.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::time::Duration;

use common::broker::{Backend, Broker};
use serde_json::{json, Value};
use test_support::player_sim::{PlayerSim, SimError};
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(5);

fn is_request(topic: &str) -> bool {
    topic.contains("/request/")
}

fn body(p: &rumqttc::Publish) -> Value {
    serde_json::from_slice(&p.payload).unwrap()
}

#[tokio::test]
async fn connect_announces_capabilities_state_and_status_and_retains_two() {
    let broker = Broker::start().await;
    let mut server = Backend::connect(&broker, "server-live").await;
    for t in ["capabilities", "state", "status"] {
        server.subscribe(&format!("makapix/player/+/{t}")).await;
    }
    let key = Uuid::new_v4();
    let sim = PlayerSim::connect(broker.sim_config(key)).await.unwrap();
    assert!(sim.is_connected());
    assert_eq!(sim.connect_count(), 1);

    let caps = server.recv_on("/capabilities", WAIT).await.unwrap();
    assert_eq!(caps.topic, format!("makapix/player/{key}/capabilities"));
    let caps = body(&caps);
    assert_eq!(caps["firmware_version"], "1.1.1");
    assert_eq!(
        caps["features"]["brightness"],
        json!({"min": 0, "max": 100, "step": 1})
    );
    assert_eq!(
        caps["features"]["rotation"]["values"],
        json!([0, 90, 180, 270])
    );
    assert_eq!(caps["features"]["pause"], json!({}));
    assert!(caps["features"].get("mirror").is_none());
    let state = body(&server.recv_on("/state", WAIT).await.unwrap());
    assert_eq!(
        state,
        json!({"is_paused": false, "brightness": 50, "rotation": 0})
    );
    let status = body(&server.recv_on("/status", WAIT).await.unwrap());
    assert_eq!(status["status"], "online");
    assert_eq!(status["player_key"], key.to_string());
    assert_eq!(status["firmware_version"], "1.1.1");

    // A subscriber arriving later still gets capabilities and state: they are retained.
    let mut late = Backend::connect(&broker, "server-late").await;
    late.subscribe(&format!("makapix/player/{key}/capabilities"))
        .await;
    late.subscribe(&format!("makapix/player/{key}/state")).await;
    let c = late.recv_on("/capabilities", WAIT).await.unwrap();
    assert!(c.retain);
    let s = late.recv_on("/state", WAIT).await.unwrap();
    assert!(s.retain);
}

#[tokio::test]
async fn heartbeat_repeats_status() {
    let broker = Broker::start().await;
    let mut server = Backend::connect(&broker, "server").await;
    server.subscribe("makapix/player/+/status").await;
    let mut cfg = broker.sim_config(Uuid::new_v4());
    cfg.status_interval = Duration::from_millis(200);
    let _sim = PlayerSim::connect(cfg).await.unwrap();
    for _ in 0..3 {
        let s = server.recv_on("/status", WAIT).await.unwrap();
        assert_eq!(body(&s)["status"], "online");
    }
}

#[tokio::test]
async fn requests_retry_with_the_same_id_and_match_replies_by_payload_id() {
    let broker = Broker::start().await;
    let mut server = Backend::connect(&broker, "server").await;
    server.subscribe("makapix/player/+/request/+").await;
    let key = Uuid::new_v4();
    let mut cfg = broker.sim_config(key);
    cfg.request_timeout = Duration::from_millis(700);
    cfg.retry_pauses = vec![Duration::from_millis(100), Duration::from_millis(100)];
    let sim = std::sync::Arc::new(PlayerSim::connect(cfg).await.unwrap());

    let s = sim.clone();
    let pending = tokio::spawn(async move { s.request("echo", json!({"echo_data": "hi"})).await });
    // The first copy goes unanswered; the second is answered on a topic with another id, which
    // must not matter: the p3a matches on the JSON request_id only.
    let first = server.recv_matching(is_request, WAIT).await.unwrap();
    let second = server.recv_matching(is_request, WAIT).await.unwrap();
    assert_eq!(first.topic, second.topic);
    let req = body(&second);
    let rid = req["request_id"].as_str().unwrap().to_string();
    assert_eq!(rid.len(), 32);
    assert!(rid
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(first.topic, format!("makapix/player/{key}/request/{rid}"));
    assert_eq!(req["request_type"], "echo");
    assert_eq!(req["player_key"], key.to_string());
    assert_eq!(req["echo_data"], "hi");
    let stray = json!({"request_id": "someone-else", "success": true});
    server
        .publish(
            &format!("makapix/player/{key}/response/someone-else"),
            &stray,
        )
        .await;
    let reply = json!({"request_id": rid, "success": true, "echo_data": "hi"});
    server
        .publish(&format!("makapix/player/{key}/response/other"), &reply)
        .await;
    let got = pending.await.unwrap().unwrap();
    assert_eq!(got, reply);
    assert_eq!(sim.recv_unmatched(WAIT).await.unwrap(), stray);
    assert_eq!(sim.replies_received(), 2);
}

#[tokio::test]
async fn unanswered_request_gives_up_after_three_tries() {
    let broker = Broker::start().await;
    let mut server = Backend::connect(&broker, "server").await;
    server.subscribe("makapix/player/+/request/+").await;
    let mut cfg = broker.sim_config(Uuid::new_v4());
    cfg.request_timeout = Duration::from_millis(300);
    cfg.retry_pauses = vec![Duration::from_millis(50), Duration::from_millis(50)];
    let sim = PlayerSim::connect(cfg).await.unwrap();
    let err = sim.request("echo", json!({})).await.unwrap_err();
    assert!(matches!(err, SimError::Timeout(_)), "{err}");
    for _ in 0..3 {
        assert!(server.recv_matching(is_request, WAIT).await.is_some());
    }
    assert!(server
        .recv_matching(is_request, Duration::from_millis(300))
        .await
        .is_none());
}

#[tokio::test]
async fn kill_fires_the_last_will_and_disconnect_does_not() {
    let broker = Broker::start().await;
    let mut server = Backend::connect(&broker, "server").await;
    server.subscribe("makapix/player/+/status").await;

    let key = Uuid::new_v4();
    let sim = PlayerSim::connect(broker.sim_config(key)).await.unwrap();
    assert_eq!(
        body(&server.recv_on("/status", WAIT).await.unwrap())["status"],
        "online"
    );
    sim.kill();
    assert!(!sim.is_connected());
    let will = server.recv_on("/status", WAIT).await.unwrap();
    assert_eq!(will.topic, format!("makapix/player/{key}/status"));
    assert_eq!(
        body(&will),
        json!({"player_key": key.to_string(), "status": "offline"})
    );

    let sim = PlayerSim::connect(broker.sim_config(Uuid::new_v4()))
        .await
        .unwrap();
    assert_eq!(
        body(&server.recv_on("/status", WAIT).await.unwrap())["status"],
        "online"
    );
    sim.disconnect().await;
    assert!(!sim.is_connected());
    assert!(server
        .recv_on("/status", Duration::from_millis(800))
        .await
        .is_none());
}

#[tokio::test]
async fn commands_arrive_and_opc_commands_are_applied_and_acked() {
    let broker = Broker::start().await;
    let mut server = Backend::connect(&broker, "server").await;
    server.subscribe("makapix/player/+/command/ack").await;
    server.subscribe("makapix/player/+/state").await;
    let key = Uuid::new_v4();
    let mut cfg = broker.sim_config(key);
    cfg.auto_ack_opc = true;
    let sim = PlayerSim::connect(cfg).await.unwrap();
    server.recv_on("/state", WAIT).await.unwrap(); // the full state of the connect
    let topic = format!("makapix/player/{key}/command");
    let id = Uuid::new_v4().to_string();
    let cmd = json!({"command_id": id, "command_type": "set_brightness",
                     "payload": {"value": 150}, "timestamp": "2026-01-01T00:00:00+00:00"});
    server.publish(&topic, &cmd).await;

    assert_eq!(sim.recv_command(WAIT).await.unwrap(), cmd);
    let ack = body(&server.recv_on("/command/ack", WAIT).await.unwrap());
    assert_eq!(
        ack,
        json!({"command_id": id, "status": "ok", "error": null})
    );
    // Clamped to the manifest's range, and only the changed field is republished.
    assert_eq!(
        body(&server.recv_on("/state", WAIT).await.unwrap()),
        json!({"brightness": 100})
    );
    assert_eq!(sim.state().brightness, 100);

    for (kind, payload, status) in [
        ("set_rotation", json!({"value": 45}), "error"),
        ("set_mirror", json!({"value": "horizontal"}), "unsupported"),
    ] {
        let id = Uuid::new_v4().to_string();
        let cmd = json!({"command_id": id, "command_type": kind, "payload": payload});
        server.publish(&topic, &cmd).await;
        let ack = body(&server.recv_on("/command/ack", WAIT).await.unwrap());
        assert_eq!(ack["command_id"], id);
        assert_eq!(ack["status"], status, "{kind}");
    }
    // Non-OPC commands are delivered but never acked.
    let swap = json!({"command_id": Uuid::new_v4().to_string(), "command_type": "swap_next", "payload": {}});
    server.publish(&topic, &swap).await;
    let mut seen = Vec::new();
    while let Some(c) = sim.recv_command(Duration::from_millis(500)).await {
        seen.push(c["command_type"].as_str().unwrap().to_string());
    }
    assert_eq!(seen, ["set_rotation", "set_mirror", "swap_next"]);
    assert!(server
        .recv_on("/command/ack", Duration::from_millis(300))
        .await
        .is_none());
    sim.ack_command(&id, "error", Some("boom")).await.unwrap();
    let ack = body(&server.recv_on("/command/ack", WAIT).await.unwrap());
    assert_eq!(
        ack,
        json!({"command_id": id, "status": "error", "error": "boom"})
    );
}

#[tokio::test]
async fn views_and_view_acks_use_their_topics() {
    let broker = Broker::start().await;
    let mut server = Backend::connect(&broker, "server").await;
    server.subscribe("makapix/player/+/view").await;
    let key = Uuid::new_v4();
    let sim = PlayerSim::connect(broker.sim_config(key)).await.unwrap();
    let mut view = sim.view_event(42, "channel", "all");
    view["request_ack"] = json!(true);
    sim.send_view(&view).await.unwrap();
    let got = body(&server.recv_on("/view", WAIT).await.unwrap());
    assert_eq!(got["post_id"], 42);
    assert_eq!(got["player_key"], key.to_string());
    assert_eq!(got["play_order"], 1);
    let ts = got["timestamp"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%SZ").is_ok(),
        "{ts}"
    );
    server
        .publish(
            &format!("makapix/player/{key}/view/ack"),
            &json!({"success": true}),
        )
        .await;
    assert_eq!(
        sim.recv_view_ack(WAIT).await.unwrap(),
        json!({"success": true})
    );
}

#[tokio::test]
async fn no_client_certificate_no_session() {
    let broker = Broker::start().await;
    let mut cfg = broker.sim_config(Uuid::new_v4());
    cfg.present_client_cert = false;
    cfg.connect_timeout = Duration::from_secs(3);
    let err = PlayerSim::connect(cfg).await.err().expect("refused");
    assert!(matches!(err, SimError::Connect(_)), "{err}");
}

#[tokio::test]
async fn a_takeover_of_the_client_id_is_seen_as_a_kick() {
    let broker = Broker::start().await;
    let key = Uuid::new_v4();
    let sim = PlayerSim::connect(broker.sim_config(key)).await.unwrap();
    // The same client id on the internal listener replaces the player's session. The TLS
    // listener may rename the p3a's `p3a-{key}` to the certificate's username
    // (`use_username_as_clientid`), so both ids are taken over.
    let _kick_key = Backend::connect(&broker, &key.to_string()).await;
    let _kick_p3a = Backend::connect(&broker, &format!("p3a-{key}")).await;
    assert!(sim.wait_disconnected(WAIT).await);
    assert!(!sim.is_connected());
    assert!(sim.last_error().is_some());
}

#[tokio::test]
async fn reconnecting_simulator_comes_back_after_a_broker_restart() {
    let mut broker = Broker::start().await;
    let mut cfg = broker.sim_config(Uuid::new_v4());
    cfg.reconnect_after = Some(Duration::from_millis(200));
    let sim = PlayerSim::connect(cfg).await.unwrap();
    broker.restart().await;
    assert!(sim.wait_connected(WAIT).await);
    let deadline = tokio::time::Instant::now() + WAIT;
    while sim.connect_count() < 2 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Retained messages died with the broker; the reconnect announced them again.
    let mut late = Backend::connect(&broker, "server-late").await;
    late.subscribe("makapix/player/+/capabilities").await;
    assert!(late.recv_on("/capabilities", WAIT).await.unwrap().retain);
}
