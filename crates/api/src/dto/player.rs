//! `PlayerPublic` (http-api.md §2.9): what an owner sees of a player. Never the certificate,
//! the key, the registration code or any token.
use chrono::{DateTime, Utc};
use db::players::PlayerRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlayerPublic {
    pub id: Uuid,
    pub player_key: Uuid,
    pub name: Option<String>,
    pub device_model: Option<String>,
    pub firmware_version: Option<String>,
    /// `pending` or `registered`.
    pub registration_status: String,
    /// `online` or `offline`.
    pub connection_status: String,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub current_post_id: Option<i64>,
    pub cert_expires_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// What the device declared (retained `capabilities` message), as it sent it.
    #[schema(value_type = Option<Object>)]
    pub capabilities: Option<serde_json::Value>,
    pub is_paused: Option<bool>,
    pub brightness: Option<i32>,
    pub rotation: Option<i32>,
    pub mirror: Option<String>,
}

impl From<PlayerRow> for PlayerPublic {
    fn from(p: PlayerRow) -> Self {
        Self {
            id: p.id,
            player_key: p.player_key,
            name: p.name,
            device_model: p.device_model,
            firmware_version: p.firmware_version,
            registration_status: p.registration_status,
            connection_status: p.connection_status,
            last_seen_at: p.last_seen_at,
            current_post_id: p.current_post_id,
            cert_expires_at: p.cert_expires_at,
            registered_at: p.registered_at,
            created_at: p.created_at,
            capabilities: p.capabilities,
            is_paused: p.is_paused,
            brightness: p.brightness,
            rotation: p.rotation,
            mirror: p.mirror,
        }
    }
}

/// `{"items": [PlayerPublic]}`: the owner's players, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlayerList {
    pub items: Vec<PlayerPublic>,
}

/// Where the device reaches the broker (the mTLS listener).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BrokerInfo {
    pub host: String,
    pub port: u16,
}

/// Where the device reaches the HTTPS API, and how it authenticates (`bearer`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HttpsApiInfo {
    pub base_url: String,
    pub auth: String,
}
