//! The opaque page cursor of http-api.md §1.4: standard base64 of `{"id":"<id>","sort":<key>}`.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use domain::post_query::Cursor;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Wire {
    id: String,
    sort: i64,
}

pub fn encode(c: Cursor) -> String {
    let wire = Wire {
        id: c.id.to_string(),
        sort: c.sort,
    };
    STANDARD.encode(serde_json::to_vec(&wire).unwrap_or_default())
}

/// `None` for anything that is not a cursor we issued; callers then serve the first page.
pub fn decode(s: &str) -> Option<Cursor> {
    let bytes = STANDARD.decode(s.trim()).ok()?;
    let wire: Wire = serde_json::from_slice(&bytes).ok()?;
    Some(Cursor {
        id: wire.id.parse().ok()?,
        sort: wire.sort,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let c = Cursor { id: 42, sort: -7 };
        assert_eq!(decode(&encode(c)), Some(c));
        assert_eq!(decode("not base64!"), None);
        assert_eq!(decode(&STANDARD.encode(b"{\"id\":\"x\",\"sort\":1}")), None);
    }
}
