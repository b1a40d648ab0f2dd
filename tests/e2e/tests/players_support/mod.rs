//! Shared parts of the player journey (tests/players.rs): the world it runs in (an artist with
//! three public posts, a member who owns the player), onboarding (§6.1–6.5) and request helpers.
use std::time::Duration;

use e2e::players::{fresh_hashtag, Member};
use e2e::reqwest::StatusCode;
use e2e::{json, Stack, Value};
use test_support::player_sim::{Credentials, DeviceHttp, PlayerSim, SimConfig};

pub mod channels;
pub mod commands;
pub mod social;

/// Everything a journey needs: an artist with three public posts, the owner of the player.
pub struct World {
    pub stack: Stack,
    pub artist: Member,
    pub owner: Member,
    pub posts: Vec<(i64, String)>,
    pub hashtag: String,
    pub device: DeviceHttp,
}

pub async fn world() -> World {
    let stack = Stack::load();
    let (artist, owner, site) = tokio::join!(
        Member::sign_up(&stack),
        Member::sign_up(&stack),
        Member::site_owner(&stack)
    );
    let hashtag = fresh_hashtag();
    let mut posts = Vec::new();
    for i in 0..3 {
        let p = artist
            .upload_gif(&stack, &format!("Frame {i}"), &hashtag)
            .await;
        site.approve(&stack, p.0).await;
        posts.push(p);
    }
    // Newest first, as the channels list them.
    posts.reverse();
    let device = DeviceHttp::from_address(&stack.api(""), e2e::fresh_client_ip());
    World {
        stack,
        artist,
        owner,
        posts,
        hashtag,
        device,
    }
}

pub fn is_code(c: &str) -> bool {
    c.len() == 6
        && c.bytes().all(
            |b| matches!(b, b'A'..=b'H' | b'J' | b'K' | b'M' | b'N' | b'P'..=b'Z' | b'2'..=b'9'),
        )
}

/// §6.1–6.4: provision, register by code (lowercased), download credentials twice.
pub async fn onboard(w: &World) -> (String, Credentials, uuid::Uuid) {
    let prov = w.device.provision("p3a", "1.1.1").await.unwrap();
    assert!(
        prov.body_len < 2048,
        "provisioning body {} B",
        prov.body_len
    );
    let key_text = prov.body["player_key"].as_str().unwrap();
    assert_eq!(key_text, key_text.to_lowercase());
    assert!(
        is_code(&prov.registration_code),
        "{}",
        prov.registration_code
    );
    let expires: chrono::DateTime<chrono::Utc> = prov.body["registration_code_expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let left = expires - chrono::Utc::now();
    assert!(left > chrono::Duration::minutes(14) && left <= chrono::Duration::minutes(15));
    assert!(!prov.body["mqtt_broker"]["host"]
        .as_str()
        .unwrap()
        .is_empty());
    assert!(prov.body["mqtt_broker"]["port"].as_u64().unwrap() > 0);
    let key = prov.player_key;

    assert!(
        w.device.credentials(&key).await.unwrap().is_none(),
        "credentials before registration"
    );

    let lower = prov.registration_code.to_lowercase();
    let (status, player) = w
        .owner
        .register_player(&w.stack, &lower, "Kitchen frame")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{player}");
    assert_eq!(player["registration_status"], "registered");
    assert_eq!(player["player_key"], json!(key));
    let (status, _) = w.owner.register_player(&w.stack, &lower, "Again").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a code is single use");
    let (status, _) = w.owner.register_player(&w.stack, "ABCDE", "Short").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let creds = w
        .device
        .poll_credentials(&key, Duration::from_millis(300), 20)
        .await
        .unwrap();
    for pem in [&creds.ca_pem, &creds.cert_pem, &creds.key_pem] {
        assert!(pem.len() < 4096, "a PEM of {} B", pem.len());
    }
    assert!(creds.key_pem.contains("BEGIN PRIVATE KEY"), "PKCS#8");
    assert!(creds.api_token.as_deref().unwrap().starts_with("mpx_live_"));
    let again = w.device.credentials(&key).await.unwrap().unwrap();
    assert_eq!(again.cert_pem, creds.cert_pem);
    assert_eq!(again.api_token, None, "the token is minted once");
    let info = pki::cert_info(&creds.cert_pem).unwrap();
    assert!(
        info.subject_alt_names.contains(&format!("player-{key}")),
        "{:?}",
        info.subject_alt_names
    );
    let days = (info.not_after - chrono::Utc::now()).num_days();
    assert!((1093..=1095).contains(&days), "lifetime {days} days");

    (player["id"].as_str().unwrap().to_string(), creds, key)
}

pub fn sim_config(w: &World, key: uuid::Uuid, creds: &Credentials) -> SimConfig {
    let mut cfg = SimConfig::from_credentials(key, creds);
    // The broker names the client by its certificate; the username it sends is irrelevant.
    cfg.username = "not-the-player-key".into();
    cfg.vault_base_url = w.stack.get("VAULT_PUBLIC_BASE_URL").to_string();
    cfg.auto_ack_opc = true;
    // No heartbeat during the test: it would overwrite the status the test publishes.
    cfg.status_interval = Duration::from_secs(600);
    cfg
}

pub async fn ok(sim: &PlayerSim, t: &str, fields: Value) -> Value {
    let r = sim.request(t, fields.clone()).await.unwrap();
    assert_eq!(r["success"], true, "{t} {fields}: {r}");
    r
}

pub async fn fails(sim: &PlayerSim, t: &str, fields: Value, code: &str) -> Value {
    let r = sim.request(t, fields.clone()).await.unwrap();
    assert_eq!(r["success"], false, "{t} {fields}: {r}");
    assert_eq!(r["error_code"], code, "{t} {fields}: {r}");
    r
}

/// Fixtures of tests/players_checks.rs; the journey in tests/players.rs does not use them.
#[allow(dead_code)]
pub mod fixtures;
