//! A player's whole first day, as the p3a lives it: provision over HTTP, wait for the owner to
//! register the code, download credentials, connect over mutual TLS with the api-minted
//! certificate, and talk to the bridge.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::time::Duration;

use common::Rig;
use serde_json::json;
use test_support::player_sim::{DeviceHttp, PlayerSim, SimConfig};

#[sqlx::test(migrations = "../../migrations")]
async fn provision_register_download_connect_and_request(pool: db::PgPool) {
    let rig = Rig::new(pool).await;
    let _bridge = rig.bridge().await;
    let http = DeviceHttp::new(&rig.serve_api().await);

    let p = http.provision("p3a", "1.1.1").await.unwrap();
    assert!(p.body_len < 2048, "the p3a's provisioning buffer");
    assert_eq!(p.body["mqtt_broker"]["port"], rig.broker.tls_port);
    assert!(http.credentials(&p.player_key).await.unwrap().is_none());

    let (_, token) = rig.app.user_with_token("owner").await;
    let body = json!({"registration_code": p.registration_code.to_lowercase(), "name": "Frame"});
    let r = rig.app.post("/player/register", body, Some(&token)).await;
    assert_eq!(r.status, 201, "{:?}", r.json());

    let creds = http
        .poll_credentials(&p.player_key, Duration::from_millis(100), 50)
        .await
        .unwrap();
    assert!(creds.api_token.as_deref().unwrap().starts_with("mpx_live_"));
    for pem in [&creds.ca_pem, &creds.cert_pem, &creds.key_pem] {
        assert!(pem.len() < 4096);
    }
    let again = http.credentials(&p.player_key).await.unwrap().unwrap();
    assert_eq!(again.cert_pem, creds.cert_pem);
    assert_eq!(again.api_token, None);

    let mut cfg = SimConfig::from_credentials(p.player_key, &creds);
    // The broker takes the identity from the certificate, whatever username is sent.
    cfg.username = "bogus".into();
    let sim = PlayerSim::connect(cfg).await.unwrap();
    let r = sim
        .request("echo", json!({"echo_data": "first"}))
        .await
        .unwrap();
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["echo_data"], "first");
}
