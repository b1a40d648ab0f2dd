//! Cursor pagination (http-api.md §1.4): `limit` 1-200 (default 50); the cursor is standard
//! base64 of `{"id":"<last id>","sort":<sort value>}`, opaque to clients. A cursor that does
//! not decode is ignored and the first page comes back.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// The page size asked for, or 422 when outside 1-200.
pub fn limit(raw: Option<i64>) -> ApiResult<i64> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::validation(vec![json!({
            "loc": ["query", "limit"],
            "msg": format!("limit must be between 1 and {MAX_LIMIT}"),
            "type": "value_error",
        })])),
    }
}

pub fn encode(id: i32, sort: Value) -> String {
    STANDARD.encode(json!({ "id": id.to_string(), "sort": sort }).to_string())
}

#[derive(Deserialize)]
struct Raw {
    id: Value,
    sort: Value,
}

/// (last id, sort value) of a cursor, or None for anything malformed.
pub fn decode(raw: Option<&str>) -> Option<(i32, Value)> {
    let bytes = STANDARD.decode(raw?.trim()).ok()?;
    let c: Raw = serde_json::from_slice(&bytes).ok()?;
    let id = match c.id {
        Value::String(s) => s.parse().ok()?,
        Value::Number(n) => i32::try_from(n.as_i64()?).ok()?,
        _ => return None,
    };
    Some((id, c.sort))
}

/// A cursor whose sort value is a time (follows, blocks, recent users).
pub fn decode_time(raw: Option<&str>) -> Option<(DateTime<Utc>, i32)> {
    let (id, sort) = decode(raw)?;
    let at = DateTime::parse_from_rfc3339(sort.as_str()?).ok()?;
    Some((at.with_timezone(&Utc), id))
}

pub fn encode_time(id: i32, at: DateTime<Utc>) -> String {
    encode(id, Value::String(at.to_rfc3339()))
}

/// Drops the look-ahead row (the caller fetched `limit + 1`) and says whether more follow.
pub fn split<T>(mut rows: Vec<T>, limit: i64) -> (Vec<T>, bool) {
    let keep = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > keep;
    rows.truncate(keep);
    (rows, more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_ignores_garbage() {
        let at = Utc::now();
        assert_eq!(decode_time(Some(&encode_time(7, at))), Some((at, 7)));
        assert_eq!(decode(Some(&encode(3, json!(12)))), Some((3, json!(12))));
        assert_eq!(decode(Some("not base64!")), None);
        assert_eq!(decode(Some(&STANDARD.encode("[1]"))), None);
        assert_eq!(decode(None), None);
    }

    #[test]
    fn limits() {
        assert_eq!(limit(None).unwrap(), 50);
        assert_eq!(limit(Some(200)).unwrap(), 200);
        assert_eq!(limit(Some(0)).unwrap_err().code, "validation_error");
        assert_eq!(limit(Some(201)).unwrap_err().code, "validation_error");
    }
}
