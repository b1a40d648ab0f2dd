//! End-to-end: the whole life of a p3a through the local stack (player-protocol.md §1, §3, §4,
//! the checks of §6). A simulated p3a provisions, its owner registers the code on the web, the
//! device downloads its credentials, connects over mTLS, walks channels, downloads every
//! artwork from the vault URL it computes itself, reacts, reports views and status, and obeys
//! commands sent from the web; deleting it drops its session and refuses its reconnect.
//! ACL isolation, certificate refusal and CRL mechanics are in tests/broker.rs. Needs
//! `scripts/stack up`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod players_support;

use std::time::{Duration, Instant};

use e2e::players::Member;
use e2e::reqwest::{Method, StatusCode};
use e2e::{json, Stack};
use players_support::{channels, commands, ok, onboard, sim_config, social, world};
use test_support::player_sim::{DeviceHttp, PlayerSim, SimConfig};

#[tokio::test]
async fn a_p3a_from_provisioning_to_deletion() {
    let w = world().await;
    // The owner follows the artist, so the followed_artists playset has a channel.
    let (status, body) = w
        .owner
        .call(
            &w.stack,
            Method::POST,
            &format!("/v1/user/u/{}/follow", w.artist.sqid),
            None,
        )
        .await;
    assert!(status.is_success(), "follow: {status} {body}");

    let (player_id, creds, key) = onboard(&w).await;
    let sim = PlayerSim::connect(sim_config(&w, key, &creds))
        .await
        .expect("mTLS connect");
    w.owner
        .wait_player(&w.stack, &player_id, Duration::from_secs(10), |p| {
            p["connection_status"] == "online" && p["capabilities"].get("brightness").is_some()
        })
        .await;

    channels::walk_and_download(&w, &sim).await;
    social::social_and_errors(&w, &sim).await;
    social::views(&w, &sim).await;
    commands::commands(&w, &sim, &player_id).await;

    // §6.26: status with a current post and firmware; then a power cut fires the LWT.
    let post = w.posts[2].0;
    let before = chrono::Utc::now();
    let topic = format!("makapix/player/{key}/status");
    // Status identity comes from the topic: a payload naming another key is rejected.
    let forged = json!({"player_key": uuid::Uuid::new_v4(), "status": "online", "firmware_version": "6.6.6"});
    sim.publish_raw(&topic, forged.to_string(), false)
        .await
        .unwrap();
    let status = json!({"player_key": key, "status": "online", "current_post_id": post, "firmware_version": "9.9.9"});
    sim.publish_raw(&topic, status.to_string(), false)
        .await
        .unwrap();
    let p = w
        .owner
        .wait_player(&w.stack, &player_id, Duration::from_secs(10), |p| {
            p["current_post_id"] == post && p["firmware_version"] == "9.9.9"
        })
        .await;
    let seen: chrono::DateTime<chrono::Utc> = p["last_seen_at"].as_str().unwrap().parse().unwrap();
    assert!(seen >= before - chrono::Duration::seconds(1), "{p}");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        w.owner.player(&w.stack, &player_id).await["firmware_version"],
        "9.9.9"
    );
    sim.kill();
    w.owner
        .wait_player(&w.stack, &player_id, Duration::from_secs(15), |p| {
            p["connection_status"] == "offline"
        })
        .await;

    // §6.30: renewal refused while far from expiry; delete; session dropped within 10 s;
    // reconnect, credentials, token rotation and renewal all refused afterwards.
    let sim = PlayerSim::connect(sim_config(&w, key, &creds))
        .await
        .expect("reconnect");
    let token = creds.api_token.clone().unwrap();
    let renew = w.stack.api("/player/renew-cert");
    let resp = w
        .owner
        .http
        .post(&renew)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::BAD_REQUEST,
        "renewal with >90 days left"
    );

    let (status, body) = w
        .owner
        .call(
            &w.stack,
            Method::DELETE,
            &w.owner.players_path(&format!("/{player_id}")),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert!(
        sim.wait_disconnected(Duration::from_secs(10)).await,
        "session still up 10 s after deletion"
    );
    let mut cfg = sim_config(&w, key, &creds);
    cfg.connect_timeout = Duration::from_secs(5);
    assert!(
        PlayerSim::connect(cfg).await.is_err(),
        "a deleted player reconnected"
    );
    assert!(w.device.credentials(&key).await.unwrap().is_none());
    let resp = w
        .owner
        .http
        .post(w.stack.api(&format!("/player/{key}/token/rotate")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = w
        .owner
        .http
        .post(&renew)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn requests_of_an_unregistered_or_banned_owner_fail_authentication() {
    let stack = Stack::load();
    let owner = Member::sign_up(&stack).await;
    let device = DeviceHttp::from_address(&stack.api(""), e2e::fresh_client_ip());
    let prov = device.provision("p3a", "1.1.1").await.unwrap();
    let (status, body) = owner
        .register_player(&stack, &prov.registration_code, "Frame")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let creds = device.credentials(&prov.player_key).await.unwrap().unwrap();
    let mut cfg = SimConfig::from_credentials(prov.player_key, &creds);
    cfg.vault_base_url = stack.get("VAULT_PUBLIC_BASE_URL").to_string();
    let sim = PlayerSim::connect(cfg).await.unwrap();
    ok(&sim, "echo", json!({"echo_data": "before"})).await;

    // Banned by a moderator through the api: the bridge's cache of authenticated players
    // follows the api's `players` generation, so the very next requests are refused.
    let db = sqlx::PgPool::connect(stack.get("DATABASE_URL"))
        .await
        .unwrap();
    let user_key: uuid::Uuid = sqlx::query_scalar("select user_key from users where id = $1")
        .bind(i32::try_from(owner.user_id).unwrap())
        .fetch_one(&db)
        .await
        .unwrap();
    let moderator = Member::site_owner(&stack).await;
    let (status, body) = moderator
        .call(
            &stack,
            reqwest::Method::POST,
            &format!("/v1/admin/user/{user_key}/ban"),
            Some(json!({"duration_days": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Only the generation's mirror in the bridge (200 ms) may keep the old answer.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let r = sim
            .request("query_posts", json!({"channel": "all", "limit": 1}))
            .await
            .unwrap();
        if r["error_code"] == "authentication_failed" {
            assert_eq!(r["success"], false);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "a banned owner's player is still answered: {r}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
