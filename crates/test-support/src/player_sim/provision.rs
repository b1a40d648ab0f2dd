//! The p3a's HTTPS side of onboarding (§1.1, §1.3, §1.4): provision, then poll for credentials
//! until the owner has registered the code.
use std::time::Duration;

use serde_json::{json, Value};
use uuid::Uuid;

use super::SimError;

/// The device-plane HTTP client. `base` is where `/player/...` lives: the api directly
/// (`http://127.0.0.1:8000`) or through Caddy (`http://127.0.0.1:8080/api`).
#[derive(Clone)]
pub struct DeviceHttp {
    http: reqwest::Client,
    base: String,
}

/// The provisioning answer (201).
#[derive(Debug, Clone)]
pub struct Provisioned {
    pub player_key: Uuid,
    pub registration_code: String,
    /// The whole body, for checks on its other fields and size.
    pub body: Value,
    pub body_len: usize,
}

/// The credentials bundle (200 from `/player/{key}/credentials`).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
    pub broker_host: String,
    pub broker_port: u16,
    /// Only on the first fetch.
    pub api_token: Option<String>,
    pub body: Value,
}

impl DeviceHttp {
    /// Like [`DeviceHttp::new`], sending from `local` (a loopback address of its own keeps the
    /// per-address limits of one test apart from another's).
    pub fn from_address(base: &str, local: std::net::IpAddr) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .local_address(local)
                .build()
                .unwrap_or_default(),
            base: base.trim_end_matches('/').to_string(),
        }
    }

    pub fn new(base: &str) -> Self {
        Self {
            // The p3a's provisioning timeout.
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap_or_default(),
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// `POST /player/provision` with the p3a's body; anything but 201 is an error.
    pub async fn provision(
        &self,
        device_model: &str,
        firmware_version: &str,
    ) -> Result<Provisioned, SimError> {
        let resp = self
            .http
            .post(format!("{}/player/provision", self.base))
            .json(&json!({"device_model": device_model, "firmware_version": firmware_version}))
            .send()
            .await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        if status != 201 {
            return Err(SimError::Status { status, body: text });
        }
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let key = body["player_key"]
            .as_str()
            .and_then(protocol::topic::parse_key);
        let code = body["registration_code"].as_str();
        match (key, code) {
            (Some(player_key), Some(code)) => Ok(Provisioned {
                player_key,
                registration_code: code.to_string(),
                body_len: text.len(),
                body,
            }),
            _ => Err(SimError::Reply(body)),
        }
    }

    /// One `GET /player/{key}/credentials`: `None` on 404 (not registered yet).
    pub async fn credentials(&self, key: &Uuid) -> Result<Option<Credentials>, SimError> {
        let resp = self
            .http
            .get(format!("{}/player/{key}/credentials", self.base))
            .send()
            .await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        match status {
            404 => return Ok(None),
            200 => {}
            _ => return Err(SimError::Status { status, body: text }),
        }
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let s = |k: &str| body[k].as_str().map(str::to_string);
        let port = body["broker"]["port"]
            .as_u64()
            .and_then(|p| u16::try_from(p).ok());
        match (s("ca_pem"), s("cert_pem"), s("key_pem"), port) {
            (Some(ca_pem), Some(cert_pem), Some(key_pem), Some(broker_port)) => {
                Ok(Some(Credentials {
                    ca_pem,
                    cert_pem,
                    key_pem,
                    broker_host: body["broker"]["host"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    broker_port,
                    api_token: s("api_token"),
                    body,
                }))
            }
            _ => Err(SimError::Reply(body)),
        }
    }

    /// Polls like the p3a (it uses 3 s and 300 polls), ignoring 404 and 5xx.
    pub async fn poll_credentials(
        &self,
        key: &Uuid,
        every: Duration,
        max_polls: u32,
    ) -> Result<Credentials, SimError> {
        for _ in 0..max_polls {
            match self.credentials(key).await {
                Ok(Some(c)) => return Ok(c),
                Ok(None) => {}
                Err(SimError::Status { status, .. }) if status >= 500 => {}
                Err(e) => return Err(e),
            }
            tokio::time::sleep(every).await;
        }
        Err(SimError::Timeout(format!("credentials of {key}")))
    }
}
