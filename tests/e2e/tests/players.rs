//! End-to-end: the whole life of a p3a through the local stack (player-protocol.md §1, §3, §4,
//! the checks of §6). A simulated p3a provisions, its owner registers the code on the web, the
//! device downloads its credentials, connects over mTLS, walks channels, downloads every
//! artwork from the vault URL it computes itself, reacts, reports views and status, and obeys
//! commands sent from the web; deleting it drops its session and refuses its reconnect.
//! ACL isolation, certificate refusal and CRL mechanics are in tests/broker.rs. Needs
//! `scripts/stack up`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::time::{Duration, Instant};

use e2e::players::{fresh_hashtag, Member};
use e2e::reqwest::{Method, StatusCode};
use e2e::{json, Stack, Value};
use test_support::player_sim::{
    Credentials, DeviceHttp, PlayerSim, SimConfig, WalkEnd, WalkOptions,
};

/// Everything a journey needs: an artist with two public posts, the owner of the player.
struct World {
    stack: Stack,
    artist: Member,
    owner: Member,
    posts: Vec<(i64, String)>,
    hashtag: String,
    device: DeviceHttp,
}

async fn world() -> World {
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
    let device = DeviceHttp::new(&stack.api(""));
    World {
        stack,
        artist,
        owner,
        posts,
        hashtag,
        device,
    }
}

fn is_code(c: &str) -> bool {
    c.len() == 6
        && c.bytes().all(
            |b| matches!(b, b'A'..=b'H' | b'J' | b'K' | b'M' | b'N' | b'P'..=b'Z' | b'2'..=b'9'),
        )
}

/// §6.1–6.4: provision, register by code (lowercased), download credentials twice.
async fn onboard(w: &World) -> (String, Credentials, uuid::Uuid) {
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

fn sim_config(w: &World, key: uuid::Uuid, creds: &Credentials) -> SimConfig {
    let mut cfg = SimConfig::from_credentials(key, creds);
    // The broker names the client by its certificate; the username it sends is irrelevant.
    cfg.username = "not-the-player-key".into();
    cfg.vault_base_url = w.stack.get("VAULT_PUBLIC_BASE_URL").to_string();
    cfg.auto_ack_opc = true;
    // No heartbeat during the test: it would overwrite the status the test publishes.
    cfg.status_interval = Duration::from_secs(600);
    cfg
}

async fn ok(sim: &PlayerSim, t: &str, fields: Value) -> Value {
    let r = sim.request(t, fields.clone()).await.unwrap();
    assert_eq!(r["success"], true, "{t} {fields}: {r}");
    r
}

async fn fails(sim: &PlayerSim, t: &str, fields: Value, code: &str) -> Value {
    let r = sim.request(t, fields.clone()).await.unwrap();
    assert_eq!(r["success"], false, "{t} {fields}: {r}");
    assert_eq!(r["error_code"], code, "{t} {fields}: {r}");
    r
}

/// §6.8–6.18: channels, paging, fields, errors; then every artwork downloaded from the URL the
/// device recomputes (§4.2), exact `Content-Length`.
async fn walk_and_download(w: &World, sim: &PlayerSim) {
    let r = ok(sim, "query_posts", json!({"channel": "all", "limit": 5})).await;
    let posts = r["posts"].as_array().unwrap();
    assert!(!posts.is_empty() && posts.len() <= 5);
    assert!(r["has_more"].is_boolean());
    let ids: Vec<i64> = posts
        .iter()
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    for p in posts {
        assert!(uuid::Uuid::parse_str(p["storage_key"].as_str().unwrap()).is_ok());
        for f in ["kind", "created_at", "art_url", "storage_shard"] {
            assert!(p.get(f).is_some(), "{f} missing from {p}");
        }
        assert!(
            p.get("width").is_none() && p.get("owner_handle").is_none(),
            "{p}"
        );
    }

    let tag = json!({"hashtag": format!("  {} ", w.hashtag.to_uppercase())});
    let first = ok(
        sim,
        "query_posts",
        json!({"channel": "hashtag", "limit": 2, "hashtag": tag["hashtag"]}),
    )
    .await;
    assert_eq!(first["has_more"], true);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = ok(
        sim,
        "query_posts",
        json!({"channel": "hashtag", "limit": 2, "hashtag": w.hashtag, "cursor": cursor}),
    )
    .await;
    assert_eq!(second["has_more"], false);
    assert!(second.get("next_cursor").is_none(), "{second}");
    let paged: Vec<i64> = first["posts"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["posts"].as_array().unwrap())
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect();
    let mine: Vec<i64> = w.posts.iter().map(|p| p.0).collect();
    assert_eq!(paged, mine, "two pages, no overlap, newest first");

    fails(
        sim,
        "query_posts",
        json!({"channel": "all", "limit": 51}),
        "invalid_request",
    )
    .await;
    let r = ok(
        sim,
        "query_posts",
        json!({"channel": "hashtag", "hashtag": w.hashtag, "include_fields": ["width", "height", "bogus"]}),
    )
    .await;
    for p in r["posts"].as_array().unwrap() {
        assert_eq!(p["width"], 32, "{p}");
        assert_eq!(p["height"], 32, "{p}");
        assert!(p.get("bogus").is_none());
    }
    fails(
        sim,
        "query_posts",
        json!({"channel": "by_user"}),
        "missing_user_identifier",
    )
    .await;
    fails(
        sim,
        "query_posts",
        json!({"channel": "by_user", "user_sqid": "zzzzzzzzzz"}),
        "user_not_found",
    )
    .await;
    fails(
        sim,
        "query_posts",
        json!({"channel": "hashtag"}),
        "missing_hashtag",
    )
    .await;
    fails(
        sim,
        "query_posts",
        json!({"channel": "hashtag", "hashtag": "   "}),
        "invalid_hashtag",
    )
    .await;
    fails(sim, "get_post", json!({"post_id": i64::MAX}), "not_found").await;
    let r = ok(sim, "get_post", json!({"post_id": mine[0]})).await;
    assert_eq!(r["post"]["post_id"], mine[0]);

    // The artist's channel, walked as the p3a does; every file downloaded from the vault.
    let walk = sim
        .walk_channel(
            "by_user",
            json!({"user_sqid": w.artist.sqid}),
            &WalkOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(walk.end, WalkEnd::Complete);
    let walked: Vec<i64> = walk
        .posts
        .iter()
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect();
    assert_eq!(walked, mine);
    let all = sim
        .walk_channel("all", json!({}), &WalkOptions::default())
        .await
        .unwrap();
    assert_eq!(all.end, WalkEnd::Complete);
    for id in &mine {
        assert!(
            all.posts.iter().any(|p| p["post_id"] == *id),
            "post {id} not in `all`"
        );
    }
    let http = w.stack.client(e2e::fresh_client_ip(), false);
    for p in &walk.posts {
        let url = sim.download_url(p).unwrap();
        assert_eq!(
            url,
            p["art_url"].as_str().unwrap(),
            "the vault layout the p3a assumes"
        );
        let resp = http.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{url}");
        let len = resp.content_length().expect("Content-Length");
        let bytes = resp.bytes().await.unwrap();
        assert_eq!(bytes.len() as u64, len);
        assert!(bytes.len() >= 12 && bytes.starts_with(b"GIF8"), "{url}");
    }
}

/// §6.19–6.25: reactions, playsets, framing errors, echo.
async fn social_and_errors(w: &World, sim: &PlayerSim) {
    let post = w.posts[0].0;
    let r = ok(
        sim,
        "submit_reaction",
        json!({"post_id": post, "emoji": "👍"}),
    )
    .await;
    assert_eq!(r["error"], Value::Null);
    assert!(r.get("error_code").is_none(), "{r}");
    ok(
        sim,
        "submit_reaction",
        json!({"post_id": post, "emoji": "👍"}),
    )
    .await;
    for e in ["🔥", "🎨", "✨", "💯"] {
        ok(sim, "submit_reaction", json!({"post_id": post, "emoji": e})).await;
    }
    fails(
        sim,
        "submit_reaction",
        json!({"post_id": post, "emoji": "🐱"}),
        "reaction_limit_exceeded",
    )
    .await;
    ok(
        sim,
        "revoke_reaction",
        json!({"post_id": post, "emoji": "🐱"}),
    )
    .await;
    fails(
        sim,
        "submit_reaction",
        json!({"post_id": post, "emoji": "   "}),
        "invalid_emoji",
    )
    .await;
    // The owner's reactions, seen from the web: exactly the five.
    let (status, body) = w
        .owner
        .call(
            &w.stack,
            Method::GET,
            &format!("/v1/post/{post}/reactions"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.to_string().contains("🔥"), "{body}");

    let r = ok(
        sim,
        "get_playset",
        json!({"playset_name": "followed_artists"}),
    )
    .await;
    assert_eq!(r["exposure_mode"], "equal");
    assert_eq!(r["pick_mode"], "random");
    let want = json!({"type": "user", "identifier": w.artist.sqid, "display_name": format!("@{}", w.artist.handle)});
    assert!(
        r["channels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["identifier"] == want["identifier"]
                && c["display_name"] == want["display_name"]
                && c["type"] == "user"),
        "{r}"
    );
    let r = fails(
        sim,
        "get_playset",
        json!({"playset_name": "nope"}),
        "playset_not_found",
    )
    .await;
    assert_eq!(r["channels"], json!([]));

    fails(sim, "frobnicate", json!({}), "unknown_request_type").await;
    let rid = test_support::player_sim::new_request_id();
    let r = sim
        .request_as(
            &rid,
            &json!({"request_id": rid, "player_key": sim.player_key()}),
            1,
        )
        .await
        .unwrap();
    assert_eq!(r["error_code"], "invalid_request", "{r}");
    let topic = format!(
        "makapix/player/{}/request/{}",
        sim.player_key(),
        test_support::player_sim::new_request_id()
    );
    sim.publish_raw(&topic, "not json {", false).await.unwrap();
    let r = sim
        .recv_unmatched(Duration::from_secs(10))
        .await
        .expect("a reply on response/unknown");
    assert_eq!(r["error_code"], "invalid_json", "{r}");

    let r = ok(sim, "echo", json!({"echo_data": "hi"})).await;
    assert_eq!(r["echo_data"], "hi");
    assert!(r["received_at"].is_string());
}

/// §6.27: views with acks, in the order the server checks them.
async fn views(w: &World, sim: &PlayerSim) {
    let post = w.posts[1].0;
    let mut ev = sim.view_event(post, "channel", "all");
    ev["request_ack"] = json!(true);
    sim.send_view(&ev).await.unwrap();
    let ack = sim
        .recv_view_ack(Duration::from_secs(10))
        .await
        .expect("view ack");
    assert_eq!(ack, json!({"success": true}));

    sim.send_view(&ev).await.unwrap();
    let ack = sim.recv_view_ack(Duration::from_secs(10)).await.unwrap();
    assert_eq!(ack["error_code"], "duplicate", "{ack}");

    let mut next = ev.clone();
    next["timestamp"] = json!("2026-01-01T00:00:01Z");
    sim.send_view(&next).await.unwrap();
    let ack = sim.recv_view_ack(Duration::from_secs(10)).await.unwrap();
    assert_eq!(ack["error_code"], "rate_limited", "{ack}");
    assert!(
        ack["error"]
            .as_str()
            .unwrap()
            .starts_with("Rate limited, retry after "),
        "{ack}"
    );

    let mut forged = ev.clone();
    forged["player_key"] = json!(uuid::Uuid::new_v4().to_string());
    sim.send_view(&forged).await.unwrap();
    let ack = sim.recv_view_ack(Duration::from_secs(10)).await.unwrap();
    assert_eq!(ack["error_code"], "player_key_mismatch", "{ack}");

    tokio::time::sleep(Duration::from_secs(6)).await;
    let mut unknown = sim.view_event(i64::MAX, "channel", "all");
    unknown["request_ack"] = json!(true);
    sim.send_view(&unknown).await.unwrap();
    let ack = sim.recv_view_ack(Duration::from_secs(10)).await.unwrap();
    assert_eq!(ack["error_code"], "post_not_found", "{ack}");
}

/// §6.28–6.29 and `execute_playset`: commands from the web reach the device; OPC acks land in
/// the command log; state reaches the web.
async fn commands(w: &World, sim: &PlayerSim, player_id: &str) {
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

    walk_and_download(&w, &sim).await;
    social_and_errors(&w, &sim).await;
    views(&w, &sim).await;
    commands(&w, &sim, &player_id).await;

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
    let device = DeviceHttp::new(&stack.api(""));
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

    // Banned from the database (no moderation round trip needed for this check).
    let db = sqlx::PgPool::connect(stack.get("DATABASE_URL"))
        .await
        .unwrap();
    sqlx::query("update users set banned_until = now() + interval '1 day' where id = $1")
        .bind(i32::try_from(owner.user_id).unwrap())
        .execute(&db)
        .await
        .unwrap();
    // An authorization cache, if any, may keep the old answer for a few seconds.
    let deadline = Instant::now() + Duration::from_secs(30);
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
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
