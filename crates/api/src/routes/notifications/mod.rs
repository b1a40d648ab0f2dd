//! Social notifications of the signed-in user (http-api.md §2.11): the list, the unread count,
//! read state and deletion. Live delivery is `routes::realtime`.
pub mod delete_notification;
pub mod list_notifications;
pub mod mark_all_read;
pub mod mark_read;
pub mod unread_count;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::error::ApiError;

/// `{"id":"<uuid>","sort":"<created_at>"}` in standard base64, like every cursor (§1.4).
pub fn encode_cursor(id: Uuid, at: DateTime<Utc>) -> String {
    let sort = at.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    STANDARD.encode(json!({ "id": id.to_string(), "sort": sort }).to_string())
}

#[derive(Deserialize)]
struct Raw {
    id: String,
    sort: String,
}

/// The `(created_at, id)` to continue after. Unlike other lists, a cursor that does not
/// decode is refused rather than ignored (§1.4).
pub fn decode_cursor(raw: &str) -> Result<(DateTime<Utc>, Uuid), ApiError> {
    let invalid = || ApiError::bad_request("Invalid cursor.");
    let bytes = STANDARD.decode(raw.trim()).map_err(|_| invalid())?;
    let c: Raw = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let id = Uuid::parse_str(&c.id).map_err(|_| invalid())?;
    let at = DateTime::parse_from_rfc3339(&c.sort).map_err(|_| invalid())?;
    Ok((at.with_timezone(&Utc), id))
}

pub fn notification_not_found() -> ApiError {
    ApiError::not_found("Notification not found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_to_the_microsecond_and_refuses_garbage() {
        let at = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let id = Uuid::new_v4();
        assert_eq!(decode_cursor(&encode_cursor(id, at)).unwrap(), (at, id));
        for bad in [
            "not base64!",
            &STANDARD.encode("[1]"),
            &STANDARD.encode(r#"{"id":"7","sort":"2026-01-02T03:04:05Z"}"#),
            &STANDARD.encode(format!(r#"{{"id":"{id}","sort":12}}"#)),
        ] {
            let e = decode_cursor(bad).unwrap_err();
            assert_eq!((e.status.as_u16(), e.code), (400, "bad_request"));
            assert_eq!(e.message, "Invalid cursor.");
        }
    }
}
