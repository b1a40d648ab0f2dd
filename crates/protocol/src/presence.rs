//! The status / heartbeat / LWT message (§3.6): `{player_key, status, current_post_id,
//! firmware_version}`, extra keys (the p3a's `timestamp`) ignored. The topic names the player;
//! a payload naming another key is to be ignored whole.
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionStatus {
    Online,
    Offline,
}

impl ConnectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Online => "online",
            ConnectionStatus::Offline => "offline",
        }
    }
}

/// What to do with `players.current_post_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrentPost {
    /// The key is absent: leave the column as it is.
    Keep,
    /// `null`, `0` or not a positive whole number: nothing known is shown.
    Clear,
    Post(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// The payload's `player_key` as sent; `None` when absent or null.
    pub player_key: Option<Value>,
    pub status: ConnectionStatus,
    pub current_post: CurrentPost,
    /// Only a non-empty string counts; anything else leaves the stored version alone.
    pub firmware_version: Option<String>,
}

impl StatusMessage {
    /// True when the payload names a key other than the topic's: the message must change
    /// nothing. A key that is not a UUID string names no player, so it also disagrees.
    pub fn names_other_player(&self, topic_key: &Uuid) -> bool {
        match &self.player_key {
            None => false,
            Some(Value::String(s)) => Uuid::parse_str(s) != Ok(*topic_key),
            Some(_) => true,
        }
    }
}

/// Parses a status payload; `None` unless it is a JSON object.
pub fn parse_status(payload: &[u8]) -> Option<StatusMessage> {
    let v: Value = serde_json::from_slice(payload).ok()?;
    let obj = v.as_object()?;
    // Anything but an explicit "offline" means the player is talking to us, so it is online
    // (the original defaulted to online and stored whatever string came; the column holds two).
    let status = match obj.get("status").and_then(Value::as_str) {
        Some(s) if s.eq_ignore_ascii_case("offline") => ConnectionStatus::Offline,
        _ => ConnectionStatus::Online,
    };
    let current_post = match obj.get("current_post_id") {
        None => CurrentPost::Keep,
        Some(v) => match v.as_i64() {
            Some(id) if id > 0 => CurrentPost::Post(id),
            _ => CurrentPost::Clear,
        },
    };
    let firmware_version = obj
        .get("firmware_version")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string);
    Some(StatusMessage {
        player_key: obj.get("player_key").filter(|v| !v.is_null()).cloned(),
        status,
        current_post,
        firmware_version,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const KEY: &str = "0b7e4c1e-5a4f-4d0e-9a53-2b0a7c2f9e11";

    #[test]
    fn full_heartbeat() {
        let m = parse_status(
            format!(
                r#"{{"player_key":"{KEY}","status":"online","current_post_id":7,
                   "firmware_version":"1.1.1","timestamp":"2026-01-01T00:00:00Z"}}"#
            )
            .as_bytes(),
        )
        .unwrap();
        assert_eq!(m.status, ConnectionStatus::Online);
        assert_eq!(m.current_post, CurrentPost::Post(7));
        assert_eq!(m.firmware_version.as_deref(), Some("1.1.1"));
        let key = Uuid::parse_str(KEY).unwrap();
        assert!(!m.names_other_player(&key));
        assert!(m.names_other_player(&Uuid::new_v4()));
    }

    #[test]
    fn offline_lwt_and_defaults() {
        let m = parse_status(br#"{"status":"offline"}"#).unwrap();
        assert_eq!(m.status, ConnectionStatus::Offline);
        assert_eq!(m.current_post, CurrentPost::Keep);
        assert_eq!(m.firmware_version, None);
        assert!(!m.names_other_player(&Uuid::new_v4()));

        let m = parse_status(br#"{"status":"sleeping","firmware_version":""}"#).unwrap();
        assert_eq!(m.status, ConnectionStatus::Online);
        assert_eq!(m.firmware_version, None);
        assert_eq!(ConnectionStatus::Offline.as_str(), "offline");
    }

    #[test]
    fn zero_null_and_junk_post_ids_clear() {
        for raw in [r#"null"#, "0", "-3", r#""12""#, "1.5"] {
            let m = parse_status(format!(r#"{{"current_post_id":{raw}}}"#).as_bytes()).unwrap();
            assert_eq!(m.current_post, CurrentPost::Clear, "{raw}");
        }
    }

    #[test]
    fn key_must_be_the_topic_uuid() {
        let key = Uuid::parse_str(KEY).unwrap();
        let upper =
            parse_status(format!(r#"{{"player_key":"{}"}}"#, KEY.to_uppercase()).as_bytes())
                .unwrap();
        assert!(!upper.names_other_player(&key));
        let junk = parse_status(br#"{"player_key":"nope"}"#).unwrap();
        assert!(junk.names_other_player(&key));
        let number = parse_status(br#"{"player_key":5}"#).unwrap();
        assert!(number.names_other_player(&key));
        let null = parse_status(br#"{"player_key":null}"#).unwrap();
        assert!(!null.names_other_player(&key));
    }

    #[test]
    fn non_objects_are_ignored() {
        assert_eq!(parse_status(b""), None);
        assert_eq!(parse_status(b"online"), None);
        assert_eq!(parse_status(b"[]"), None);
    }
}
