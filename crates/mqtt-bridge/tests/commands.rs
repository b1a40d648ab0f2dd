//! Commands end to end (§6 checks 28, 29): the owner's REST call, the api's publish through the
//! broker, the simulated p3a applying and acking it, and the bridge recording ack and state.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::time::Duration;

use common::{Rig, WAIT};
use serde_json::json;
use test_support::player_sim::PlayerSim;

#[sqlx::test(migrations = "../../migrations")]
async fn an_opc_command_is_applied_acked_and_reported_back(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let _bridge = rig.bridge().await;
    let o = rig.owned_player("owner").await;
    let mut cfg = rig.sim_config(o.key);
    cfg.auto_ack_opc = true;
    let sim = PlayerSim::connect(cfg).await.unwrap();
    rig.eventually("capabilities stored", || async {
        rig.presence(o.id).await.2 == Some(50)
    })
    .await;

    let base = format!("/u/{}/player/{}", o.sqid, o.id);
    let r = rig
        .app
        .post(
            &format!("{base}/brightness"),
            json!({"value": 70}),
            Some(&o.token),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.json());
    let command_id = r.json()["command_id"].as_str().unwrap().to_string();
    let cmd = sim.recv_command(WAIT).await.expect("command delivered");
    assert_eq!(cmd["command_id"], command_id);
    assert_eq!(cmd["command_type"], "set_brightness");
    assert_eq!(cmd["payload"], json!({"value": 70}));

    // The p3a's ack and its state update travel back through the bridge.
    rig.eventually("ack recorded", || async {
        let s: Option<String> =
            sqlx::query_scalar("select ack_status from player_command_logs where id = $1::uuid")
                .bind(&command_id)
                .fetch_one(&rig.app.state.db)
                .await
                .unwrap();
        s.as_deref() == Some("ok")
    })
    .await;
    rig.eventually("state stored", || async {
        rig.presence(o.id).await.2 == Some(70)
    })
    .await;

    let r = rig
        .app
        .post(
            &format!("{base}/brightness"),
            json!({"value": 150}),
            Some(&o.token),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = rig
        .app
        .post(
            &format!("{base}/mirror"),
            json!({"value": "horizontal"}),
            Some(&o.token),
        )
        .await;
    assert_eq!(r.status, 400);

    let r = rig
        .app
        .post(
            &format!("{base}/command"),
            json!({"command_type": "swap_next"}),
            Some(&o.token),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.json());
    let cmd = sim.recv_command(WAIT).await.expect("swap_next delivered");
    assert_eq!(cmd["command_type"], "swap_next");
    assert_eq!(cmd["command_id"], r.json()["command_id"]);
    assert_eq!(cmd["payload"], json!({}));
    // Refused commands never reached the player.
    assert!(sim.recv_command(Duration::from_millis(300)).await.is_none());
}
