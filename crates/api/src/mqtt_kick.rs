//! Ends a revoked player's live MQTT session (architecture.md §6: within 10 s of deletion).
//!
//! Mosquitto checks the CRL only during a TLS handshake, and a reload (SIGHUP) leaves open
//! sessions alone. Client ids are global across listeners, though: a CONNECT on the internal
//! listener with the player's client id makes Mosquitto close the player's connection ("already
//! connected, closing old connection"), publishing its Last Will. Our TLS listener sets
//! `use_username_as_clientid`, so every session of a certificate has the client id
//! `{player_key}` whatever the device sent. So, after the new CRL is written: wait until
//! `watch-crl.sh` reports that Mosquitto loaded it, then connect as `svc_backend` with client id
//! `{key}` (and `p3a-{key}`, the p3a's own id, for a broker configured without that option),
//! wait for CONNACK and disconnect. The player's reconnect then fails its handshake.
//! docs/players-broker.md has the experiment behind this.
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long to wait for the broker to load the CRL (the watcher polls every second).
pub const RELOAD_WAIT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The client ids a player's session may have: the certificate identity our broker assigns, and
/// the p3a's `p3a-{key}` should the broker keep client ids as sent.
pub fn client_ids(player_key: &Uuid) -> [String; 2] {
    [format!("p3a-{player_key}"), player_key.to_string()]
}

/// Ends the player's session once Mosquitto refuses its certificate. Call it after
/// [`crate::pki_files::publish_crl`]. If the reload is not confirmed within [`RELOAD_WAIT`]
/// the session is still ended, and the error says that the player may get back in until the
/// broker reloads.
pub async fn drop_session(cfg: &config::Config, player_key: &Uuid) -> anyhow::Result<()> {
    let loaded = wait_crl_loaded(Path::new(&cfg.mqtt_crl_file), RELOAD_WAIT).await;
    let ids = client_ids(player_key);
    let (a, b) = tokio::join!(take_over(cfg, &ids[0]), take_over(cfg, &ids[1]));
    a?;
    b?;
    metrics::counter!("mqtt_sessions_dropped_total").increment(1);
    if !loaded {
        return Err(anyhow!(
            "session of player {player_key} ended, but the broker did not confirm loading the \
             new CRL within {RELOAD_WAIT:?} (is watch-crl.sh running?); it may reconnect"
        ));
    }
    tracing::info!(%player_key, "player MQTT session ended");
    Ok(())
}

/// Hex SHA-256 of a file, as `sha256sum` prints it.
async fn file_hash(path: &Path) -> Option<String> {
    tokio::fs::read(path)
        .await
        .ok()
        .map(|b| hex::encode(Sha256::digest(&b)))
}

/// Waits until `<crl>.loaded` (written by `watch-crl.sh` after it made Mosquitto reload) names
/// the CRL file's current content. False on timeout.
pub async fn wait_crl_loaded(crl: &Path, timeout: Duration) -> bool {
    let mut marker = crl.as_os_str().to_owned();
    marker.push(".loaded");
    let marker = std::path::PathBuf::from(marker);
    let deadline = Instant::now() + timeout;
    loop {
        let want = file_hash(crl).await;
        let have = tokio::fs::read_to_string(&marker)
            .await
            .ok()
            .map(|s| s.trim().to_string());
        if want.is_some() && want == have {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Connects on the internal listener with `client_id` (taking over any session of that id),
/// waits for CONNACK and disconnects cleanly.
async fn take_over(cfg: &config::Config, client_id: &str) -> anyhow::Result<()> {
    let mut opts = MqttOptions::new(client_id, &cfg.mqtt_broker_host, cfg.mqtt_broker_port);
    opts.set_credentials(&cfg.mqtt_username, cfg.mqtt_password.expose());
    opts.set_clean_session(true);
    opts.set_keep_alive(Duration::from_secs(10));
    let (client, mut eventloop) = AsyncClient::new(opts, 4);
    tokio::time::timeout(CONNECT_TIMEOUT, async {
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::ConnAck(_))) => return Ok(()),
                Ok(_) => {}
                Err(e) => return Err(anyhow::Error::from(e)),
            }
        }
    })
    .await
    .map_err(|_| anyhow!("no CONNACK within {CONNECT_TIMEOUT:?}"))?
    .with_context(|| format!("connecting to the broker as {client_id}"))?;
    // A clean DISCONNECT, so the broker does not publish a will or log an error for us.
    client.disconnect().await?;
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match eventloop.poll().await {
                Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    Ok(())
}
