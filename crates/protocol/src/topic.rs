//! Topic names under `makapix/player/{player_key}/...` (§3.1): parsing what players publish and
//! building what the server publishes. The key in the topic is the player's identity.
use uuid::Uuid;

pub const ROOT: &str = "makapix/player";

/// What a player published to, with the key taken from the topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerTopic {
    pub player_key: Uuid,
    pub kind: TopicKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicKind {
    /// `request/{request_id}`; the id is one non-empty topic level.
    Request(String),
    Status,
    Capabilities,
    State,
    View,
    CommandAck,
}

/// Parses a player→server topic. The key must be a lowercase canonical UUID, since that is what
/// the certificate CN (and so the ACL `%u`) holds; anything else is `None` and gets dropped.
pub fn parse(topic: &str) -> Option<PlayerTopic> {
    let rest = topic.strip_prefix(ROOT)?.strip_prefix('/')?;
    let mut parts = rest.split('/');
    let key = parts.next()?;
    let player_key = parse_key(key)?;
    let kind = match (parts.next()?, parts.next(), parts.next()) {
        ("request", Some(id), None) if !id.is_empty() => TopicKind::Request(id.to_string()),
        ("status", None, _) => TopicKind::Status,
        ("capabilities", None, _) => TopicKind::Capabilities,
        ("state", None, _) => TopicKind::State,
        ("view", None, _) => TopicKind::View,
        ("command", Some("ack"), None) => TopicKind::CommandAck,
        _ => return None,
    };
    Some(PlayerTopic { player_key, kind })
}

/// A lowercase, hyphenated, 36-character UUID; other spellings are not a player key.
pub fn parse_key(s: &str) -> Option<Uuid> {
    let id = Uuid::parse_str(s).ok()?;
    (s.len() == 36 && id.hyphenated().to_string() == s).then_some(id)
}

pub fn response(key: &Uuid, request_id: &str) -> String {
    format!("{ROOT}/{key}/response/{request_id}")
}

pub fn command(key: &Uuid) -> String {
    format!("{ROOT}/{key}/command")
}

pub fn view_ack(key: &Uuid) -> String {
    format!("{ROOT}/{key}/view/ack")
}

pub fn request(key: &Uuid, request_id: &str) -> String {
    format!("{ROOT}/{key}/request/{request_id}")
}

pub fn status(key: &Uuid) -> String {
    format!("{ROOT}/{key}/status")
}

pub fn capabilities(key: &Uuid) -> String {
    format!("{ROOT}/{key}/capabilities")
}

pub fn state(key: &Uuid) -> String {
    format!("{ROOT}/{key}/state")
}

pub fn view(key: &Uuid) -> String {
    format!("{ROOT}/{key}/view")
}

pub fn command_ack(key: &Uuid) -> String {
    format!("{ROOT}/{key}/command/ack")
}

/// The filters the bridge subscribes to, each as a shared subscription so that several bridges
/// split the load and every message is handled once.
pub fn bridge_subscriptions(group: &str) -> Vec<String> {
    [
        "request/+",
        "status",
        "capabilities",
        "state",
        "view",
        "command/ack",
    ]
    .iter()
    .map(|t| format!("$share/{group}/{ROOT}/+/{t}"))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    #[test]
    fn parses_every_player_topic() {
        let key = Uuid::parse_str(KEY).unwrap();
        let cases = [
            ("request/abc123", TopicKind::Request("abc123".into())),
            ("status", TopicKind::Status),
            ("capabilities", TopicKind::Capabilities),
            ("state", TopicKind::State),
            ("view", TopicKind::View),
            ("command/ack", TopicKind::CommandAck),
        ];
        for (suffix, kind) in cases {
            let t = parse(&format!("makapix/player/{KEY}/{suffix}")).unwrap();
            assert_eq!(
                t,
                PlayerTopic {
                    player_key: key,
                    kind
                }
            );
        }
    }

    #[test]
    fn rejects_malformed_topics() {
        for t in [
            format!("makapix/player/{KEY}/request/"),
            format!("makapix/player/{KEY}/request/a/b"),
            format!("makapix/player/{KEY}/response/abc"),
            format!("makapix/player/{KEY}/command"),
            format!("makapix/player/{KEY}/status/extra"),
            format!("makapix/player/{}/status", KEY.to_uppercase()),
            format!("makapix/player/{}/status", KEY.replace('-', "")),
            "makapix/player/not-a-uuid/status".to_string(),
            format!("makapix/players/{KEY}/status"),
            format!("x/makapix/player/{KEY}/status"),
        ] {
            assert_eq!(parse(&t), None, "{t}");
        }
    }

    #[test]
    fn builds_server_topics_round_trip() {
        let key = Uuid::parse_str(KEY).unwrap();
        assert_eq!(
            response(&key, "r1"),
            format!("makapix/player/{KEY}/response/r1")
        );
        assert_eq!(command(&key), format!("makapix/player/{KEY}/command"));
        assert_eq!(view_ack(&key), format!("makapix/player/{KEY}/view/ack"));
        assert_eq!(
            parse(&request(&key, "r1")).unwrap().kind,
            TopicKind::Request("r1".into())
        );
        assert_eq!(
            parse(&command_ack(&key)).unwrap().kind,
            TopicKind::CommandAck
        );
        let subs = bridge_subscriptions("bridge");
        assert!(subs.contains(&"$share/bridge/makapix/player/+/request/+".to_string()));
        assert_eq!(subs.len(), 6);
    }
}
