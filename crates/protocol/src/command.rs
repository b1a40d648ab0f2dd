//! Commands the server sends to a player (player-protocol.md §3.4, §4.3): the envelope published
//! on `makapix/player/{key}/command`, the command types an owner may send, and their payloads.
//! The p3a ignores `play_playset`, so playsets always go out as `execute_playset {name,
//! channels}` (architecture.md §4), and never with zero channels, which the p3a rejects.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::response::PlaysetChannel;

/// What the owner's `POST …/command` accepts as `command_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandType {
    SwapNext,
    SwapBack,
    ShowArtwork,
    PlayChannel,
    /// Accepted for compatibility with the original web client; published as `execute_playset`.
    PlayPlayset,
    ExecutePlayset,
}

impl CommandType {
    /// The `command_type` the player receives (and the log row records).
    pub fn published(self) -> &'static str {
        match self {
            CommandType::SwapNext => "swap_next",
            CommandType::SwapBack => "swap_back",
            CommandType::ShowArtwork => "show_artwork",
            CommandType::PlayChannel => "play_channel",
            CommandType::PlayPlayset | CommandType::ExecutePlayset => "execute_playset",
        }
    }
}

/// A request the command builders refuse (all 400 at the REST edge).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("post_id is required for show_artwork command")]
    MissingPostId,
    #[error("play_channel requires one of: channel_name, hashtag, or user_sqid")]
    MissingChannel,
    #[error("user_sqid is only valid with channel_name 'by_user' or 'reactions'")]
    UserSqidWithOtherChannel,
    #[error("playset_name is required for play_playset command")]
    MissingPlaysetName,
    #[error("Playset '{0}' has no channels to play")]
    EmptyPlayset(String),
}

/// `2026-11-28T14:00:26.123456+00:00`: what the original's `datetime.isoformat()` printed
/// (microseconds, `+00:00` rather than `Z`).
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

/// One command as published.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub command_id: Uuid,
    pub command_type: &'static str,
    pub payload: Value,
    pub at: DateTime<Utc>,
}

impl Command {
    /// A new command with a fresh id, stamped now.
    pub fn new(command_type: &'static str, payload: Value) -> Self {
        Self {
            command_id: Uuid::new_v4(),
            command_type,
            payload,
            at: Utc::now(),
        }
    }

    /// `{command_id, command_type, payload, timestamp}`; a missing payload is `{}`.
    pub fn envelope(&self) -> Value {
        let payload = match &self.payload {
            Value::Null => json!({}),
            p => p.clone(),
        };
        json!({
            "command_id": self.command_id,
            "command_type": self.command_type,
            "payload": payload,
            "timestamp": timestamp(self.at),
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.envelope().to_string().into_bytes()
    }
}

/// The post fields `show_artwork` carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Artwork<'a> {
    pub post_id: i64,
    pub title: &'a str,
    pub storage_key: Uuid,
    pub storage_shard: Option<&'a str>,
    pub native_format: Option<&'a str>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// The FW needs string `storage_key`, `storage_shard` and `native_format` to build the URL, so
/// the last two fall back to `""` and `"png"` as the original did.
pub fn show_artwork(a: &Artwork<'_>) -> Value {
    json!({
        "post_id": a.post_id,
        "title": a.title,
        "storage_key": a.storage_key,
        "storage_shard": a.storage_shard.unwrap_or(""),
        "native_format": a.native_format.unwrap_or("png"),
        "width": a.width,
        "height": a.height,
    })
}

/// Which channel `play_channel` names, before a user sqid is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelChoice {
    /// `by_user` or `reactions` of a user (the sqid still has to resolve).
    User {
        channel_name: &'static str,
        user_sqid: String,
    },
    Hashtag(String),
    /// Any other name (`all`, `promoted`, …), passed through as given.
    Named(String),
}

fn present(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// §3.4 precedence: a user sqid first (with `by_user` unless `reactions` is named), then a
/// hashtag, then a plain channel name. Empty strings count as absent.
pub fn choose_channel(
    channel_name: Option<&str>,
    hashtag: Option<&str>,
    user_sqid: Option<&str>,
) -> Result<ChannelChoice, CommandError> {
    let channel_name = present(channel_name);
    if let Some(sqid) = present(user_sqid) {
        let channel_name = match channel_name {
            None | Some("by_user") => "by_user",
            Some("reactions") => "reactions",
            Some(_) => return Err(CommandError::UserSqidWithOtherChannel),
        };
        return Ok(ChannelChoice::User {
            channel_name,
            user_sqid: sqid.to_string(),
        });
    }
    if let Some(tag) = present(hashtag) {
        return Ok(ChannelChoice::Hashtag(tag.to_string()));
    }
    match channel_name {
        Some(name) => Ok(ChannelChoice::Named(name.to_string())),
        None => Err(CommandError::MissingChannel),
    }
}

/// The `play_channel` payload; `user_handle` is the resolved (or caller-given) handle and only
/// matters for the user channels.
pub fn play_channel(choice: &ChannelChoice, user_handle: &str) -> Value {
    match choice {
        ChannelChoice::User {
            channel_name,
            user_sqid,
        } => json!({
            "channel_name": channel_name,
            "user_sqid": user_sqid,
            "user_handle": user_handle,
        }),
        ChannelChoice::Hashtag(tag) => json!({ "channel_name": "hashtag", "hashtag": tag }),
        ChannelChoice::Named(name) => json!({ "channel_name": name }),
    }
}

/// `execute_playset {name, channels}`, the shape the p3a parses like a `get_playset` reply.
pub fn execute_playset(name: &str, channels: &[PlaysetChannel]) -> Result<Value, CommandError> {
    if channels.is_empty() {
        return Err(CommandError::EmptyPlayset(name.to_string()));
    }
    Ok(json!({ "name": name, "channels": channels }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_envelope_has_the_four_fields_and_a_plus_zero_timestamp() {
        let at = Utc.with_ymd_and_hms(2026, 11, 28, 14, 0, 26).unwrap();
        let cmd = Command {
            command_id: Uuid::nil(),
            command_type: "swap_next",
            payload: Value::Null,
            at,
        };
        let v = cmd.envelope();
        assert_eq!(
            v,
            json!({
                "command_id": "00000000-0000-0000-0000-000000000000",
                "command_type": "swap_next",
                "payload": {},
                "timestamp": "2026-11-28T14:00:26.000000+00:00",
            })
        );
        let parsed: Value = serde_json::from_slice(&cmd.to_bytes()).unwrap();
        assert_eq!(parsed, v);
        let fresh = Command::new("swap_back", json!({}));
        assert_ne!(
            fresh.command_id,
            Command::new("swap_back", json!({})).command_id
        );
        let ts = fresh.envelope()["timestamp"].as_str().unwrap().to_string();
        assert!(ts.ends_with("+00:00") && !ts.contains('Z'), "{ts}");
        assert!(DateTime::parse_from_rfc3339(&ts).is_ok(), "{ts}");
    }

    #[test]
    fn command_types_parse_and_playsets_publish_as_execute_playset() {
        let t: CommandType = serde_json::from_value(json!("play_playset")).unwrap();
        assert_eq!(t.published(), "execute_playset");
        let t: CommandType = serde_json::from_value(json!("execute_playset")).unwrap();
        assert_eq!(t.published(), "execute_playset");
        let t: CommandType = serde_json::from_value(json!("show_artwork")).unwrap();
        assert_eq!(t.published(), "show_artwork");
        assert!(serde_json::from_value::<CommandType>(json!("set_paused")).is_err());
        assert!(serde_json::from_value::<CommandType>(json!("reboot")).is_err());
    }

    #[test]
    fn show_artwork_falls_back_for_shard_and_format() {
        let key = Uuid::new_v4();
        let a = Artwork {
            post_id: 7,
            title: "Cat",
            storage_key: key,
            storage_shard: None,
            native_format: None,
            width: Some(64),
            height: None,
        };
        assert_eq!(
            show_artwork(&a),
            json!({"post_id": 7, "title": "Cat", "storage_key": key.to_string(),
                   "storage_shard": "", "native_format": "png", "width": 64, "height": null})
        );
        let b = Artwork {
            storage_shard: Some("1a/2b"),
            native_format: Some("gif"),
            ..a
        };
        let v = show_artwork(&b);
        assert_eq!(v["storage_shard"], "1a/2b");
        assert_eq!(v["native_format"], "gif");
    }

    #[test]
    fn channel_choice_follows_the_original_precedence() {
        let user = |c: &'static str| ChannelChoice::User {
            channel_name: c,
            user_sqid: "k3".into(),
        };
        assert_eq!(choose_channel(None, None, Some("k3")), Ok(user("by_user")));
        assert_eq!(
            choose_channel(Some("reactions"), Some("cats"), Some("k3")),
            Ok(user("reactions"))
        );
        assert_eq!(
            choose_channel(Some("by_user"), None, Some("k3")),
            Ok(user("by_user"))
        );
        assert_eq!(
            choose_channel(Some("promoted"), None, Some("k3")),
            Err(CommandError::UserSqidWithOtherChannel)
        );
        assert_eq!(
            choose_channel(Some("all"), Some("cats"), None),
            Ok(ChannelChoice::Hashtag("cats".into()))
        );
        assert_eq!(
            choose_channel(Some("promoted"), Some(""), Some("")),
            Ok(ChannelChoice::Named("promoted".into()))
        );
        assert_eq!(
            choose_channel(Some(""), None, None),
            Err(CommandError::MissingChannel)
        );
        assert_eq!(
            choose_channel(None, None, None),
            Err(CommandError::MissingChannel)
        );
    }

    #[test]
    fn play_channel_payloads() {
        let u = ChannelChoice::User {
            channel_name: "by_user",
            user_sqid: "k3".into(),
        };
        assert_eq!(
            play_channel(&u, "alice"),
            json!({"channel_name": "by_user", "user_sqid": "k3", "user_handle": "alice"})
        );
        assert_eq!(
            play_channel(&ChannelChoice::Hashtag("cats".into()), "ignored"),
            json!({"channel_name": "hashtag", "hashtag": "cats"})
        );
        assert_eq!(
            play_channel(&ChannelChoice::Named("all".into()), "ignored"),
            json!({"channel_name": "all"})
        );
    }

    #[test]
    fn playsets_need_a_channel() {
        assert_eq!(
            execute_playset("followed_artists", &[]),
            Err(CommandError::EmptyPlayset("followed_artists".into()))
        );
        let ch = PlaysetChannel {
            kind: "user",
            identifier: "k3".into(),
            display_name: "@alice".into(),
        };
        assert_eq!(
            execute_playset("followed_artists", &[ch]).unwrap(),
            json!({"name": "followed_artists",
                   "channels": [{"type": "user", "identifier": "k3", "display_name": "@alice"}]})
        );
    }
}
