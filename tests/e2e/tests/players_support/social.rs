//! §6.19–6.25 and §6.27: reactions, playsets, framing errors, echo and view events.
use std::time::Duration;

use e2e::reqwest::{Method, StatusCode};
use e2e::{json, Value};
use test_support::player_sim::PlayerSim;

use super::{fails, ok, World};

/// §6.19–6.25: reactions, playsets, framing errors, echo.
pub async fn social_and_errors(w: &World, sim: &PlayerSim) {
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
    // The player's reactions are the owner's, and the web sees them.
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
pub async fn views(w: &World, sim: &PlayerSim) {
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
