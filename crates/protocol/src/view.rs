//! View events (§3.8): the `P3AViewEvent` a player publishes on `…/view` (or posts to
//! `/player/events/view`), its validation, and the bodies acked on `…/view/ack`.
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// What a clock that never synced reports; stored as no local time.
pub const UNSYNCED_TIMESTAMP: &str = "1970-01-01T00:00:00Z";
/// Longest channel name kept; the p3a's names are short words, and a device must not be able
/// to store arbitrary text.
pub const MAX_CHANNEL_CHARS: usize = 64;
const MAX_CONTEXT_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// The owner asked for this artwork (`show_artwork`): counted as a View.
    Artwork,
    /// Channel playback: counted as an Impression.
    Channel,
}

impl Intent {
    /// The `view_events.view_type` it is stored as.
    pub fn view_type(self) -> &'static str {
        match self {
            Intent::Artwork => "view",
            Intent::Channel => "impression",
        }
    }
}

/// A validated view event. `timestamp` is kept as sent: it is part of the dedup identity.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ViewEvent {
    pub post_id: i64,
    pub timestamp: String,
    pub timezone: String,
    pub intent: Intent,
    pub play_order: i64,
    pub channel: String,
    pub player_key: String,
    #[serde(default)]
    pub channel_user_sqid: Option<String>,
    #[serde(default)]
    pub channel_hashtag: Option<String>,
    #[serde(default, deserialize_with = "null_as_false")]
    pub request_ack: bool,
}

fn null_as_false<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    #[error("invalid view event: {0}")]
    Schema(String),
    #[error("timestamp must be an ISO-8601 UTC time like 2026-01-31T12:00:00Z")]
    Timestamp,
    #[error("play_order must be 0, 1 or 2")]
    PlayOrder,
    #[error("channel must be 1 to {MAX_CHANNEL_CHARS} characters")]
    Channel,
    #[error("channel context must be at most {MAX_CONTEXT_CHARS} characters")]
    Context,
}

impl ViewEvent {
    fn validate(self) -> Result<Self, ViewError> {
        if DateTime::parse_from_rfc3339(&self.timestamp).is_err() {
            return Err(ViewError::Timestamp);
        }
        if !(0..=2).contains(&self.play_order) {
            return Err(ViewError::PlayOrder);
        }
        let chars = self.channel.chars().count();
        if chars == 0 || chars > MAX_CHANNEL_CHARS {
            return Err(ViewError::Channel);
        }
        let too_long = |s: &Option<String>| {
            s.as_ref()
                .is_some_and(|s| s.chars().count() > MAX_CONTEXT_CHARS)
        };
        if too_long(&self.channel_user_sqid) || too_long(&self.channel_hashtag) {
            return Err(ViewError::Context);
        }
        Ok(self)
    }

    /// The payload names the topic's player: an exact, case-sensitive match of the canonical
    /// (lowercase) key, as the original compared strings.
    pub fn names_player(&self, key: &Uuid) -> bool {
        self.player_key == key.to_string()
    }

    /// The device's view time, `None` for an unsynced clock.
    pub fn device_time(&self) -> Option<DateTime<Utc>> {
        if self.timestamp == UNSYNCED_TIMESTAMP {
            return None;
        }
        DateTime::parse_from_rfc3339(&self.timestamp)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The user sqid or hashtag the channel was built from, where the channel has one.
    pub fn channel_context(&self) -> Option<&str> {
        match self.channel.as_str() {
            "by_user" | "reactions" => self.channel_user_sqid.as_deref(),
            "hashtag" => self.channel_hashtag.as_deref(),
            _ => None,
        }
        .filter(|s| !s.is_empty())
    }
}

/// Parses an MQTT view payload. Any error means: drop it, never ack.
pub fn parse(payload: &[u8]) -> Result<ViewEvent, ViewError> {
    let ev: ViewEvent =
        serde_json::from_slice(payload).map_err(|e| ViewError::Schema(e.to_string()))?;
    ev.validate()
}

/// Parses the body of `POST /player/events/view`: the bearer token names the player, so its
/// key replaces any `player_key` in the body, and there is no ack channel to ask for.
pub fn parse_http(body: &[u8], player_key: &Uuid) -> Result<ViewEvent, ViewError> {
    let mut v: Value =
        serde_json::from_slice(body).map_err(|e| ViewError::Schema(e.to_string()))?;
    let obj = v
        .as_object_mut()
        .ok_or_else(|| ViewError::Schema("expected a JSON object".into()))?;
    obj.insert("player_key".into(), Value::String(player_key.to_string()));
    obj.remove("request_ack");
    let ev: ViewEvent = serde_json::from_value(v).map_err(|e| ViewError::Schema(e.to_string()))?;
    ev.validate()
}

/// Why a view was not accepted, in the order the checks run (§3.8).
#[derive(Debug, Clone, PartialEq)]
pub enum ViewRejection {
    PlayerKeyMismatch,
    PlayerNotRegistered,
    PlayerNoOwner,
    OwnerNotPermitted,
    Duplicate,
    RateLimited { retry_after_secs: f64 },
    PostNotFound,
    ProcessingError,
}

impl ViewRejection {
    pub fn code(&self) -> &'static str {
        match self {
            ViewRejection::PlayerKeyMismatch => "player_key_mismatch",
            ViewRejection::PlayerNotRegistered => "player_not_registered",
            ViewRejection::PlayerNoOwner => "player_no_owner",
            ViewRejection::OwnerNotPermitted => "owner_not_permitted",
            ViewRejection::Duplicate => "duplicate",
            ViewRejection::RateLimited { .. } => "rate_limited",
            ViewRejection::PostNotFound => "post_not_found",
            ViewRejection::ProcessingError => "processing_error",
        }
    }

    pub fn message(&self) -> String {
        match self {
            ViewRejection::PlayerKeyMismatch => {
                "player_key mismatch between topic and payload".into()
            }
            ViewRejection::PlayerNotRegistered => "Player not registered".into(),
            ViewRejection::PlayerNoOwner => "Player has no owner".into(),
            ViewRejection::OwnerNotPermitted => "Owner not permitted".into(),
            ViewRejection::Duplicate => "Duplicate view event".into(),
            // `{:?}` prints 4.0 as "4.0", as the original's Python float did.
            ViewRejection::RateLimited { retry_after_secs } => {
                format!("Rate limited, retry after {retry_after_secs:?}s")
            }
            ViewRejection::PostNotFound => "Post not found".into(),
            ViewRejection::ProcessingError => "Internal error while recording the view".into(),
        }
    }
}

/// `{"success": true}`.
pub fn ack_ok() -> Value {
    json!({ "success": true })
}

/// `{"success": false, "error", "error_code"}`.
pub fn ack_rejected(r: &ViewRejection) -> Value {
    json!({ "success": false, "error": r.message(), "error_code": r.code() })
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
