//! Owner commands to players (player-protocol.md §3.4, §6 checks 28–29): what the REST
//! endpoints answer, what a simulated p3a connected over mTLS to a private Mosquitto receives,
//! and what the command log keeps. Observing through a real player connection (the ACL lets
//! only the player read its `command` topic) proves topic, QoS and payload at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod player_support;

use std::time::Duration;

use http::{Method, StatusCode};
use player_support::{detail, registered_player, set_features, Rig, WAIT};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::art::{artist, upload_png};
use test_support::TestApp;
use uuid::Uuid;

fn command_path(sqid: &str, player: Uuid) -> String {
    format!("/u/{sqid}/player/{player}/command")
}

async fn log_row(app: &TestApp, id: &str) -> db::player_commands::CommandLog {
    let id = Uuid::parse_str(id).unwrap();
    db::player_commands::find(&app.state.db, id)
        .await
        .unwrap()
        .expect("command logged")
}

#[sqlx::test(migrations = "../../migrations")]
async fn swap_next_reaches_the_player_with_the_logged_id(pool: PgPool) {
    let rig = Rig::new(pool).await;
    let app = &rig.app;
    let (me, token) = app.user_with_token("owner1").await;
    let player = registered_player(app, &me, "Kitchen").await;
    let sim = rig.sim(player.player_key).await;

    let r = app
        .post(
            &command_path(&me.public_sqid, player.id),
            json!({"command_type": "swap_next"}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["status"], "sent");
    let id = r.json()["command_id"].as_str().unwrap().to_string();

    let got = sim.recv_command(WAIT).await.expect("command received");
    assert_eq!(got["command_id"], id.as_str());
    assert_eq!(got["command_type"], "swap_next");
    assert_eq!(got["payload"], json!({}));
    let ts = got["timestamp"].as_str().unwrap();
    assert!(ts.ends_with("+00:00"), "{ts}");
    assert_eq!(got.as_object().unwrap().len(), 4, "{got}");

    let row = log_row(app, &id).await;
    assert_eq!(row.player_id, player.id);
    assert_eq!(row.user_id, Some(me.id));
    assert_eq!(row.command_type, "swap_next");
    assert_eq!(row.ack_status, None);

    // swap_back too; nothing else arrives.
    let r = app
        .post(
            &command_path(&me.public_sqid, player.id),
            json!({"command_type": "swap_back"}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(got["command_type"], "swap_back");
    assert!(sim.recv_command(Duration::from_millis(300)).await.is_none());
    let recent = db::player_commands::recent(&app.state.db, player.id, 10)
        .await
        .unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].command_type, "swap_back");
}

#[sqlx::test(migrations = "../../migrations")]
async fn show_artwork_and_play_channel_payloads(pool: PgPool) {
    let rig = Rig::new(pool).await;
    let app = &rig.app;
    let (me, token) = artist(app, "owner2", true).await;
    let (other, _) = app.user_with_token("painter").await;
    let post = upload_png(app, &token, 3).await;
    let post_id = post["id"].as_i64().unwrap();
    let player = registered_player(app, &me, "Hall").await;
    let sim = rig.sim(player.player_key).await;
    let path = command_path(&me.public_sqid, player.id);
    let send = |body: Value| {
        let (path, token) = (path.clone(), token.clone());
        async move { app.post(&path, body, Some(&token)).await }
    };

    let r = send(json!({"command_type": "show_artwork", "post_id": post_id})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(got["command_type"], "show_artwork");
    let p = &got["payload"];
    assert_eq!(p["post_id"], post_id);
    assert_eq!(p["title"], "My art");
    assert_eq!(p["storage_key"], post["storage_key"]);
    assert_eq!(p["storage_shard"].as_str().unwrap().len(), 5, "{p}");
    assert_eq!(p["native_format"], "png");
    assert_eq!(
        (p["width"].as_i64(), p["height"].as_i64()),
        (Some(64), Some(64))
    );

    let r = send(json!({"command_type": "play_channel", "user_sqid": other.public_sqid})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(
        got["payload"],
        json!({"channel_name": "by_user", "user_sqid": other.public_sqid, "user_handle": "painter"})
    );
    let r = send(
        json!({"command_type": "play_channel", "channel_name": "reactions",
                        "user_sqid": other.public_sqid, "user_handle": "given"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(got["payload"]["channel_name"], "reactions");
    assert_eq!(got["payload"]["user_handle"], "given");
    let r = send(json!({"command_type": "play_channel", "hashtag": "cats"})).await;
    assert_eq!(r.status, StatusCode::OK);
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(
        got["payload"],
        json!({"channel_name": "hashtag", "hashtag": "cats"})
    );
    let r = send(json!({"command_type": "play_channel", "channel_name": "promoted"})).await;
    assert_eq!(r.status, StatusCode::OK);
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(got["payload"], json!({"channel_name": "promoted"}));

    // Refusals publish nothing and log nothing.
    let before = db::player_commands::recent(&app.state.db, player.id, 100)
        .await
        .unwrap()
        .len();
    let r = send(json!({"command_type": "show_artwork"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(detail(&r), "post_id is required for show_artwork command");
    let r = send(json!({"command_type": "show_artwork", "post_id": 999_999})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(detail(&r), "Post not found");
    sqlx::query("update posts set hidden_by_mod = true where id = $1")
        .bind(post_id)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = send(json!({"command_type": "show_artwork", "post_id": post_id})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(json!({"command_type": "play_channel"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = send(
        json!({"command_type": "play_channel", "channel_name": "all",
                        "user_sqid": other.public_sqid}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = send(json!({"command_type": "play_channel", "user_sqid": "zzzzzzzz"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = send(json!({"command_type": "reboot"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = send(json!({"command_type": "set_paused", "paused": true})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sim.recv_command(Duration::from_millis(300)).await.is_none());
    let after = db::player_commands::recent(&app.state.db, player.id, 100)
        .await
        .unwrap()
        .len();
    assert_eq!(before, after);
}

#[sqlx::test(migrations = "../../migrations")]
async fn playsets_go_out_as_execute_playset(pool: PgPool) {
    let rig = Rig::new(pool).await;
    let app = &rig.app;
    let (me, token) = app.user_with_token("owner3").await;
    let (artist_a, _) = app.user_with_token("artista").await;
    let player = registered_player(app, &me, "Desk").await;
    let sim = rig.sim(player.player_key).await;
    let path = command_path(&me.public_sqid, player.id);

    // No follows: the p3a would reject a playset without channels, so none is sent.
    let body = json!({"command_type": "play_playset", "playset_name": "followed_artists"});
    let r = app.post(&path, body.clone(), Some(&token)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.json());
    let r = app
        .post(
            &path,
            json!({"command_type": "play_playset", "playset_name": "nope"}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(detail(&r), "Playset 'nope' not found");
    let r = app
        .post(&path, json!({"command_type": "play_playset"}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(sim.recv_command(Duration::from_millis(300)).await.is_none());

    sqlx::query("insert into follows (follower_id, following_id) values ($1, $2)")
        .bind(me.id)
        .bind(artist_a.id)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = app.post(&path, body, Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(got["command_type"], "execute_playset");
    assert_eq!(got["payload"]["name"], "followed_artists");
    let channels = got["payload"]["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 1);
    assert_eq!(channels[0]["type"], "user");
    assert_eq!(channels[0]["identifier"], artist_a.public_sqid.as_str());
    assert_eq!(channels[0]["display_name"], "@artista");
    let id = r.json()["command_id"].as_str().unwrap().to_string();
    assert_eq!(log_row(app, &id).await.command_type, "execute_playset");
}

#[sqlx::test(migrations = "../../migrations")]
async fn command_all_reaches_every_player(pool: PgPool) {
    let rig = Rig::new(pool).await;
    let app = &rig.app;
    let (me, token) = app.user_with_token("owner4").await;
    let path = format!("/u/{}/player/command/all", me.public_sqid);
    let body = json!({"command_type": "swap_next"});
    let r = app.post(&path, body.clone(), Some(&token)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(detail(&r), "No registered players found");

    let a = registered_player(app, &me, "A").await;
    let b = registered_player(app, &me, "B").await;
    let (sa, sb) = (rig.sim(a.player_key).await, rig.sim(b.player_key).await);
    let r = app.post(&path, body, Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["sent_count"], 2);
    let commands = r.json()["commands"].as_array().unwrap().clone();
    for (player, sim) in [(&a, &sa), (&b, &sb)] {
        let entry = commands
            .iter()
            .find(|c| c["player_id"] == player.id.to_string().as_str())
            .expect("an entry per player");
        let got = sim.recv_command(WAIT).await.unwrap();
        assert_eq!(got["command_id"], entry["command_id"]);
        assert_eq!(got["command_type"], "swap_next");
    }
    // Another user's sqid.
    let (_, other_token) = app.user_with_token("intruder").await;
    let r = app
        .post(
            &path,
            json!({"command_type": "swap_next"}),
            Some(&other_token),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../../migrations")]
async fn only_the_owner_commands_a_player(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (me, token) = app.user_with_token("owner5").await;
    let (other, other_token) = app.user_with_token("other5").await;
    let mine = registered_player(&app, &me, "Mine").await;
    let theirs = registered_player(&app, &other, "Theirs").await;
    let body = json!({"command_type": "swap_next"});

    let r = app
        .post(&command_path(&me.public_sqid, mine.id), body.clone(), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.json()["detail"].is_string(), "{:?}", r.json());
    let r = app
        .post(
            &command_path(&me.public_sqid, theirs.id),
            body.clone(),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(detail(&r), "Player not found");
    let r = app
        .post(
            &command_path(&me.public_sqid, Uuid::new_v4()),
            body.clone(),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .post(
            &command_path(&me.public_sqid, mine.id),
            body.clone(),
            Some(&other_token),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let brightness = format!("/u/{}/player/{}/brightness", me.public_sqid, theirs.id);
    let r = app
        .post(&brightness, json!({"value": 5}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../../migrations")]
async fn optional_commands_follow_the_declared_capabilities(pool: PgPool) {
    let rig = Rig::new(pool).await;
    let app = &rig.app;
    let (me, token) = app.user_with_token("owner6").await;
    let player = registered_player(app, &me, "Frame").await;
    let sim = rig.sim(player.player_key).await;
    let opc = |what: &str| format!("/u/{}/player/{}/{what}", me.public_sqid, player.id);

    // Nothing declared yet.
    let r = app
        .post(&opc("pause"), json!({"paused": true}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(detail(&r)["code"], "unsupported_command");
    assert_eq!(detail(&r)["feature"], "pause");

    set_features(
        app,
        player.id,
        json!({"pause": {}, "brightness": {"min": 0, "max": 100, "step": 1},
               "rotation": {"values": [0, 90, 180, 270]}}),
    )
    .await;
    let r = app
        .post(&opc("brightness"), json!({"value": 50}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let id = r.json()["command_id"].as_str().unwrap().to_string();
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(got["command_id"], id.as_str());
    assert_eq!(got["command_type"], "set_brightness");
    assert_eq!(got["payload"], json!({"value": 50}));
    let row = log_row(app, &id).await;
    assert_eq!(row.command_type, "set_brightness");
    assert_eq!(row.payload, json!({"value": 50}));

    // The player's ack finds the row by that id (what the bridge does with `command/ack`).
    let ctx = player_support::device_ctx(app);
    let ack = json!({"command_id": id, "status": "ok", "error": null}).to_string();
    device::presence::on_command_ack(&ctx, player.player_key, ack.as_bytes())
        .await
        .unwrap();
    assert_eq!(log_row(app, &id).await.ack_status.as_deref(), Some("ok"));

    let r = app
        .post(&opc("brightness"), json!({"value": 150}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(detail(&r)["code"], "invalid_value");
    assert_eq!(detail(&r)["feature"], "brightness");
    assert_eq!(
        (detail(&r)["min"].as_i64(), detail(&r)["max"].as_i64()),
        (Some(0), Some(100))
    );
    let r = app
        .post(&opc("mirror"), json!({"value": "horizontal"}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(detail(&r)["code"], "unsupported_command");
    assert_eq!(detail(&r)["feature"], "mirror");
    let r = app
        .post(&opc("rotation"), json!({"value": 45}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(detail(&r)["allowed"], json!([0, 90, 180, 270]));
    let r = app
        .post(&opc("rotation"), json!({"value": "90"}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sim.recv_command(Duration::from_millis(300)).await.is_none());

    let r = app
        .post(&opc("rotation"), json!({"value": 90}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(
        (got["command_type"].as_str(), &got["payload"]),
        (Some("set_rotation"), &json!({"value": 90}))
    );
    let r = app
        .post(&opc("pause"), json!({"paused": true}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(
        (got["command_type"].as_str(), &got["payload"]),
        (Some("set_paused"), &json!({"paused": true}))
    );

    set_features(
        app,
        player.id,
        json!({"mirror": {"values": ["none", "horizontal"]}}),
    )
    .await;
    let r = app
        .post(&opc("mirror"), json!({"value": "horizontal"}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let got = sim.recv_command(WAIT).await.unwrap();
    assert_eq!(
        (got["command_type"].as_str(), &got["payload"]),
        (Some("set_mirror"), &json!({"value": "horizontal"}))
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn an_unreachable_broker_is_503_and_nothing_is_logged(pool: PgPool) {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let app = TestApp::with_overrides(pool, &[("MQTT_BROKER_PORT", port.as_str())]).await;
    let (me, token) = app.user_with_token("owner7").await;
    let player = registered_player(&app, &me, "Offline").await;
    let r = app
        .post(
            &command_path(&me.public_sqid, player.id),
            json!({"command_type": "swap_next"}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(detail(&r)["code"], "broker_unavailable");
    let logged = db::player_commands::recent(&app.state.db, player.id, 10)
        .await
        .unwrap();
    assert!(logged.is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn command_limits_are_per_player_and_per_user(pool: PgPool) {
    let rig = Rig::new(pool).await;
    let app = &rig.app;
    let (me, token) = app.user_with_token("owner8").await;
    let a = registered_player(app, &me, "A").await;
    let b = registered_player(app, &me, "B").await;
    let body = json!({"command_type": "swap_next"});
    // Spend player A's minute (300) without publishing.
    for _ in 0..300 {
        app.state
            .kv
            .hit(api::limits::PLAYER_COMMAND_PLAYER, &a.id.to_string())
            .await
            .unwrap();
    }
    let r = app
        .post(
            &command_path(&me.public_sqid, a.id),
            body.clone(),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
    assert_eq!(r.header("ratelimit-limit"), Some("300"));
    let r = app
        .post(
            &command_path(&me.public_sqid, b.id),
            body.clone(),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    // command/all skips A and still reaches B.
    let r = app
        .post(
            &format!("/u/{}/player/command/all", me.public_sqid),
            body.clone(),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["sent_count"], 1);
    assert_eq!(
        r.json()["commands"][0]["player_id"],
        b.id.to_string().as_str()
    );
    for _ in 0..1000 {
        app.state
            .kv
            .hit(api::limits::PLAYER_COMMAND_USER, &me.id.to_string())
            .await
            .unwrap();
    }
    let r = app
        .post(&command_path(&me.public_sqid, b.id), body, Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_owner_stream_relays_player_events(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (me, token) = app.user_with_token("owner9").await;
    let (other, other_token) = app.user_with_token("other9").await;
    let ticket_path = format!("/u/{}/player/sse-ticket", me.public_sqid);
    let sse = |t: &str| format!("/u/{}/player/sse?ticket={t}", me.public_sqid);

    let r = app.call(Method::POST, &ticket_path, None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .call(Method::POST, &ticket_path, None, Some(&other_token))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for bad in [
        format!("/u/{}/player/sse", me.public_sqid),
        sse(""),
        sse("bogus"),
    ] {
        let r = player_support::open_sse(&app, &bad)
            .await
            .err()
            .expect("refused");
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bad}");
        assert!(r.json()["detail"].is_string());
    }

    let r = app
        .call(Method::POST, &ticket_path, None, Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["expires_in"], 30);
    let ticket = r.json()["ticket"].as_str().unwrap().to_string();
    let mut stream = player_support::open_sse(&app, &sse(&ticket))
        .await
        .unwrap_or_else(|r| panic!("stream refused: {r:?}"));
    assert!(stream.until(": connected", WAIT).await);

    let player_id = Uuid::new_v4();
    let publish = |user_id: i32, event: &str, data: Value| {
        let msg = json!({"user_id": user_id, "event": event, "data": data}).to_string();
        let kv = app.state.kv.clone();
        async move { kv.publish(kv::pubsub::PLAYER_EVENTS, &msg).await.unwrap() }
    };
    publish(other.id, "state", json!({"type": "state", "secret": true})).await;
    publish(
        me.id,
        "state",
        json!({"type": "state", "player_id": player_id, "state": {"brightness": 42}}),
    )
    .await;
    let want = format!(
        "event: state\ndata: {}\n\n",
        json!({"type": "state", "player_id": player_id, "state": {"brightness": 42}})
    );
    assert!(stream.until(&want, WAIT).await, "{}", stream.text);
    publish(
        me.id,
        "capabilities",
        json!({"type": "capabilities", "player_id": player_id}),
    )
    .await;
    assert!(
        stream.until("event: capabilities\n", WAIT).await,
        "{}",
        stream.text
    );
    assert!(!stream.text.contains("secret"), "{}", stream.text);

    // Single use, even while the first stream is open; and a ticket is for its owner's sqid.
    let r = player_support::open_sse(&app, &sse(&ticket))
        .await
        .err()
        .expect("reuse refused");
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .call(
            Method::POST,
            &format!("/u/{}/player/sse-ticket", other.public_sqid),
            None,
            Some(&other_token),
        )
        .await;
    let foreign = r.json()["ticket"].as_str().unwrap().to_string();
    let r = player_support::open_sse(&app, &sse(&foreign))
        .await
        .err()
        .expect("foreign refused");
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
