//! How a simulator connects and behaves: the p3a's defaults (§4.1, §4.2) and its MQTT options
//! (client id `p3a-{key}`, username = key, empty password, keepalive 60, clean session, LWT).
use std::time::Duration;

use rumqttc::{LastWill, MqttOptions, QoS};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{tls, Credentials, SimError};

/// The p3a's default OPC manifest (it declares no mirror).
pub fn p3a_capabilities(firmware_version: &str) -> Value {
    json!({
        "firmware_version": firmware_version,
        "features": {
            "pause": {},
            "brightness": {"min": 0, "max": 100, "step": 1},
            "rotation": {"values": [0, 90, 180, 270]},
        }
    })
}

/// The player's OPC state as it reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimState {
    pub is_paused: bool,
    pub brightness: i64,
    pub rotation: i64,
}

impl SimState {
    pub fn to_json(self) -> Value {
        json!({"is_paused": self.is_paused, "brightness": self.brightness, "rotation": self.rotation})
    }
}

/// How a simulator connects and behaves; [`SimConfig::new`] gives the p3a's defaults.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub host: String,
    pub port: u16,
    pub player_key: Uuid,
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
    /// False to connect without a client certificate (the broker must refuse it).
    pub present_client_cert: bool,
    /// Default `p3a-{key}`.
    pub client_id: String,
    /// Default the key; the broker takes the identity from the certificate CN anyway.
    pub username: String,
    pub firmware_version: String,
    pub capabilities: Value,
    pub initial_state: SimState,
    /// The p3a sends status every 30 s; tests shorten it.
    pub status_interval: Duration,
    pub request_timeout: Duration,
    /// Pauses before the 2nd and 3rd tries (1 s, 2 s); empty means one try.
    pub retry_pauses: Vec<Duration>,
    /// How long [`PlayerSim::connect`] waits for CONNACK and SUBACK (the p3a's network timeout).
    pub connect_timeout: Duration,
    /// `None`: stay down after a drop (to observe a kick). `Some(d)`: reconnect after `d`.
    pub reconnect_after: Option<Duration>,
    /// Apply and ack OPC commands (set_paused/brightness/rotation/mirror) as the p3a does.
    pub auto_ack_opc: bool,
    /// Base of recomputed download URLs (the p3a hard-codes `https://vault.makapix.club`).
    pub vault_base_url: String,
}

impl SimConfig {
    pub fn new(
        host: &str,
        port: u16,
        player_key: Uuid,
        ca_pem: &str,
        cert_pem: &str,
        key_pem: &str,
    ) -> Self {
        Self {
            host: host.to_string(),
            port,
            player_key,
            ca_pem: ca_pem.to_string(),
            cert_pem: cert_pem.to_string(),
            key_pem: key_pem.to_string(),
            present_client_cert: true,
            client_id: format!("p3a-{player_key}"),
            username: player_key.to_string(),
            firmware_version: "1.1.1".to_string(),
            capabilities: p3a_capabilities("1.1.1"),
            initial_state: SimState {
                is_paused: false,
                brightness: 50,
                rotation: 0,
            },
            status_interval: Duration::from_secs(30),
            request_timeout: Duration::from_secs(10),
            retry_pauses: vec![Duration::from_secs(1), Duration::from_secs(2)],
            connect_timeout: Duration::from_secs(10),
            reconnect_after: None,
            auto_ack_opc: false,
            vault_base_url: "https://vault.makapix.club".to_string(),
        }
    }

    /// From downloaded credentials, using the broker address they name.
    pub fn from_credentials(player_key: Uuid, c: &Credentials) -> Self {
        Self::new(
            &c.broker_host,
            c.broker_port,
            player_key,
            &c.ca_pem,
            &c.cert_pem,
            &c.key_pem,
        )
    }

    pub(super) fn mqtt_options(&self) -> Result<MqttOptions, SimError> {
        let mut o = MqttOptions::new(&self.client_id, &self.host, self.port);
        o.set_credentials(&self.username, "");
        o.set_keep_alive(Duration::from_secs(60));
        o.set_clean_session(true);
        o.set_max_packet_size(256 * 1024, 64 * 1024);
        let will = json!({"player_key": self.player_key, "status": "offline"}).to_string();
        o.set_last_will(LastWill::new(
            protocol::topic::status(&self.player_key),
            will,
            QoS::AtLeastOnce,
            false,
        ));
        o.set_transport(tls::transport(self)?);
        Ok(o)
    }
}
