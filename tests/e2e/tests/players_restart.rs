//! End-to-end: the stack's Mosquitto restarts under a connected player; the mqtt-bridge (same
//! process, not restarted) and the api reconnect on their own, so a request is answered and a
//! command from the web is delivered afterwards. The broker is stopped by its pid file and
//! started again by `scripts/stack up`, the stack's own mechanism. .config/nextest.toml puts this
//! binary in the `stack-broker` test group with the other tests that use the stack's broker, so
//! none of them runs during the blip. Needs `scripts/stack up`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use e2e::players::Member;
use e2e::reqwest::{Method, StatusCode};
use e2e::{json, Stack};
use test_support::player_sim::{DeviceHttp, PlayerSim, SimConfig};

fn pid_of(root: &Path, service: &str) -> u32 {
    let text = std::fs::read_to_string(root.join(format!(".stack/pids/{service}.pid"))).unwrap();
    text.trim().parse().unwrap()
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// The profile the stack was started with, read from the api binary it runs.
fn stack_profile(root: &Path) -> &'static str {
    let exe = std::fs::read_to_string(root.join(".stack/pids/api.exe")).unwrap_or_default();
    if exe.contains("/debug/") {
        "dev"
    } else {
        "release"
    }
}

fn restart_mosquitto(stack: &Stack) {
    let pid = pid_of(&stack.root, "mosquitto");
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "could not stop Mosquitto (pid {pid})");
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(
            Instant::now() < deadline,
            "Mosquitto (pid {pid}) did not stop"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // scripts/test exports DATABASE_URL for the `#[sqlx::test]` databases; the stack would take
    // it as an override and restart every service on that database.
    let out = Command::new(stack.root.join("scripts/stack"))
        .arg("up")
        .env_remove("DATABASE_URL")
        .env("STACK_PROFILE", stack_profile(&stack.root))
        .current_dir(&stack.root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/stack up failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(
        pid_of(&stack.root, "mosquitto"),
        pid,
        "Mosquitto was not restarted"
    );
}

#[tokio::test]
async fn the_bridge_answers_again_after_a_mosquitto_restart() {
    let stack = Stack::load();
    let owner = Member::sign_up(&stack).await;
    let device = DeviceHttp::from_address(&stack.api(""), e2e::fresh_client_ip());
    let prov = device.provision("p3a", "1.1.1").await.unwrap();
    let (status, player) = owner
        .register_player(&stack, &prov.registration_code, "Restart frame")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{player}");
    let player_id = player["id"].as_str().unwrap().to_string();
    let creds = device.credentials(&prov.player_key).await.unwrap().unwrap();
    let mut cfg = SimConfig::from_credentials(prov.player_key, &creds);
    // The p3a reconnects on its own; a short delay keeps the test quick.
    cfg.reconnect_after = Some(Duration::from_secs(1));
    let sim = PlayerSim::connect(cfg).await.unwrap();
    let q = json!({"channel": "all", "limit": 1});
    let r = sim.request("query_posts", q.clone()).await.unwrap();
    assert_eq!(r["success"], true, "{r}");

    let bridge = pid_of(&stack.root, "mqtt-bridge");
    tokio::task::spawn_blocking({
        let stack = Stack::load();
        move || restart_mosquitto(&stack)
    })
    .await
    .unwrap();
    assert_eq!(
        pid_of(&stack.root, "mqtt-bridge"),
        bridge,
        "scripts/stack up restarted the bridge too (its build changed?): this proves nothing; rerun"
    );
    assert!(alive(bridge));

    assert!(
        sim.wait_connected(Duration::from_secs(30)).await,
        "the player never reconnected: {:?}",
        sim.last_error()
    );
    assert!(sim.connect_count() >= 2);
    // The bridge reconnects and resubscribes on its own schedule: give it a minute.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match sim.request("query_posts", q.clone()).await {
            Ok(r) if r["success"] == true => break,
            other => assert!(
                Instant::now() < deadline,
                "no answer a minute after the restart: {other:?}"
            ),
        }
    }

    // The api's publisher reconnected too: a command from the web reaches the player.
    let path = owner.players_path(&format!("/{player_id}/command"));
    let deadline = Instant::now() + Duration::from_secs(30);
    let id = loop {
        let (status, r) = owner
            .call(
                &stack,
                Method::POST,
                &path,
                Some(json!({"command_type": "swap_next"})),
            )
            .await;
        if status == StatusCode::OK {
            break r["command_id"].as_str().unwrap().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "the api still cannot publish: {status} {r}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let c = sim
        .recv_command(Duration::from_secs(10))
        .await
        .expect("the command after the restart");
    assert_eq!(c["command_id"], id.as_str());
    sim.disconnect().await;
}
