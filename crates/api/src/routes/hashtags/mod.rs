//! The hashtag directory (http-api.md §2.5). The posts of one tag live with the feeds.
pub mod list_hashtags;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::DateTime;
use db::hashtags::{After, TagRow, TagSort};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The §1.4 cursor: `{"id":"<last tag>","sort":<its sort value>}` in standard base64. The
/// value is the tag, its count, or its newest post's time in microseconds since the epoch.
#[derive(Serialize, Deserialize)]
struct Wire {
    id: String,
    sort: Value,
}

pub fn encode_cursor(sort: TagSort, last: &TagRow) -> String {
    let value = match sort {
        TagSort::Alphabetical => Value::String(last.tag.clone()),
        TagSort::Popularity => Value::from(last.count),
        TagSort::Recent => Value::from(last.last_at.timestamp_micros()),
    };
    let wire = Wire {
        id: last.tag.clone(),
        sort: value,
    };
    STANDARD.encode(serde_json::to_vec(&wire).unwrap_or_default())
}

/// Where the page after a cursor starts; `None` (the first page) for anything undecodable or
/// issued for another order.
pub fn decode_cursor(sort: TagSort, raw: Option<&str>) -> Option<After> {
    let bytes = STANDARD.decode(raw?.trim()).ok()?;
    let wire: Wire = serde_json::from_slice(&bytes).ok()?;
    match (sort, wire.sort) {
        (TagSort::Alphabetical, Value::String(s)) if s == wire.id => Some(After::Tag(wire.id)),
        (TagSort::Popularity, Value::Number(n)) => Some(After::Count(n.as_i64()?, wire.id)),
        (TagSort::Recent, Value::Number(n)) => Some(After::Recent(
            DateTime::from_timestamp_micros(n.as_i64()?)?,
            wire.id,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn row() -> TagRow {
        TagRow {
            tag: "pixel".into(),
            count: 7,
            last_at: DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).unwrap(),
        }
    }

    #[test]
    fn round_trips_per_order_and_ignores_garbage() {
        let r = row();
        let c = encode_cursor(TagSort::Alphabetical, &r);
        assert_eq!(
            decode_cursor(TagSort::Alphabetical, Some(&c)),
            Some(After::Tag("pixel".into()))
        );
        let c = encode_cursor(TagSort::Popularity, &r);
        assert_eq!(
            decode_cursor(TagSort::Popularity, Some(&c)),
            Some(After::Count(7, "pixel".into()))
        );
        assert_eq!(decode_cursor(TagSort::Alphabetical, Some(&c)), None);
        let c = encode_cursor(TagSort::Recent, &r);
        assert_eq!(
            decode_cursor(TagSort::Recent, Some(&c)),
            Some(After::Recent(r.last_at, "pixel".into()))
        );
        assert_eq!(decode_cursor(TagSort::Recent, Some("%%%")), None);
        assert_eq!(decode_cursor(TagSort::Recent, None), None);
    }
}
