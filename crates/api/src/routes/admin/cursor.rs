//! Cursors of the moderator lists, which page by time: standard base64 of
//! `{"id":"<last id>","sort":"<rfc3339 time>"}` (http-api.md §1.4). A cursor that does not
//! decode is ignored and the first page comes back.
use std::fmt::Display;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::json;

/// Microseconds are kept: rows written in one transaction share a timestamp, and the id only
/// breaks ties when the time compares exactly.
pub fn encode(id: impl Display, at: DateTime<Utc>) -> String {
    let sort = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    STANDARD.encode(json!({ "id": id.to_string(), "sort": sort }).to_string())
}

#[derive(Deserialize)]
struct Wire {
    id: String,
    sort: String,
}

pub fn decode<T: FromStr>(raw: Option<&str>) -> Option<(DateTime<Utc>, T)> {
    let bytes = STANDARD.decode(raw?.trim()).ok()?;
    let w: Wire = serde_json::from_slice(&bytes).ok()?;
    let at = DateTime::parse_from_rfc3339(&w.sort)
        .ok()?
        .with_timezone(&Utc);
    Some((at, w.id.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn round_trips_and_ignores_garbage() {
        let at = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let id = Uuid::new_v4();
        assert_eq!(decode::<Uuid>(Some(&encode(id, at))), Some((at, id)));
        assert_eq!(decode::<i64>(Some(&encode(7, at))), Some((at, 7)));
        assert_eq!(decode::<i64>(Some(&encode("x", at))), None);
        assert_eq!(decode::<i64>(Some("not base64!")), None);
        assert_eq!(decode::<i64>(None), None);
    }
}
