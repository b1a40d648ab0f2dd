//! Page cursors (§5.4). Clients treat every cursor as an opaque string. Offset cursors are the
//! decimal offset (what the p3a has always received); the reactions channel walks by keyset,
//! its cursor being base64 of `{"id": "<reaction id>", "sort": "<reacted_at>"}`.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// The offset a cursor names; absent, unparseable or negative cursors start at 0.
pub fn parse_offset(cursor: Option<&str>) -> i64 {
    cursor
        .and_then(|c| c.trim().parse::<i64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(0)
}

pub fn offset(n: i64) -> String {
    n.to_string()
}

/// The position after one reaction of the reactions channel: strictly older rows follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReactionCursor {
    pub id: i64,
    pub reacted_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    id: String,
    sort: String,
}

impl ReactionCursor {
    pub fn encode(&self) -> String {
        let wire = Wire {
            id: self.id.to_string(),
            // Microseconds, as stored, so the keyset comparison is exact.
            sort: self.reacted_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        };
        let json = serde_json::to_vec(&wire).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// `None` for anything that is not a cursor this server issued (the walk then restarts).
    pub fn decode(s: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?;
        let wire: Wire = serde_json::from_slice(&bytes).ok()?;
        Some(Self {
            id: wire.id.parse().ok()?,
            reacted_at: DateTime::parse_from_rfc3339(&wire.sort)
                .ok()?
                .with_timezone(&Utc),
        })
    }
}
