#![allow(clippy::unwrap_used, clippy::expect_used)]
use serde_json::json;

use super::*;

const KEY: &str = "0b7e4c1e-5a4f-4d0e-9a53-2b0a7c2f9e11";

fn event() -> Value {
    json!({"post_id": 12, "timestamp": "2026-03-01T10:20:30Z", "timezone": "",
           "intent": "channel", "play_order": 1, "channel": "all", "player_key": KEY,
           "channel_user_sqid": null, "channel_hashtag": null, "extra": 1})
}

fn with(field: &str, v: Value) -> Vec<u8> {
    let mut e = event();
    e[field] = v;
    serde_json::to_vec(&e).unwrap()
}

fn without(field: &str) -> Vec<u8> {
    let mut e = event();
    e.as_object_mut().unwrap().remove(field);
    serde_json::to_vec(&e).unwrap()
}

#[test]
fn p3a_event_parses() {
    let ev = parse(&serde_json::to_vec(&event()).unwrap()).unwrap();
    assert_eq!(ev.post_id, 12);
    assert_eq!(ev.intent, Intent::Channel);
    assert_eq!(ev.intent.view_type(), "impression");
    assert_eq!(Intent::Artwork.view_type(), "view");
    assert!(!ev.request_ack);
    assert!(ev.names_player(&Uuid::parse_str(KEY).unwrap()));
    assert!(!ev.names_player(&Uuid::new_v4()));
    assert_eq!(
        ev.device_time().unwrap().to_rfc3339(),
        "2026-03-01T10:20:30+00:00"
    );
    assert_eq!(ev.channel_context(), None);
}

#[test]
fn key_comparison_is_exact() {
    let ev = parse(&with("player_key", json!(KEY.to_uppercase()))).unwrap();
    assert!(!ev.names_player(&Uuid::parse_str(KEY).unwrap()));
    assert!(parse(&with("player_key", json!(5))).is_err());
}

#[test]
fn optional_fields_may_be_null_or_absent() {
    let ev = parse(&with("request_ack", json!(null))).unwrap();
    assert!(!ev.request_ack);
    assert!(
        parse(&with("request_ack", json!(true)))
            .unwrap()
            .request_ack
    );
    assert!(parse(&without("channel_user_sqid")).is_ok());
    assert!(parse(&without("channel_hashtag")).is_ok());
}

#[test]
fn required_fields_and_types() {
    for f in [
        "post_id",
        "timestamp",
        "timezone",
        "intent",
        "play_order",
        "channel",
        "player_key",
    ] {
        assert!(
            matches!(parse(&without(f)), Err(ViewError::Schema(_))),
            "{f}"
        );
    }
    assert!(parse(&with("post_id", json!("12"))).is_err());
    assert!(parse(&with("intent", json!("automated"))).is_err());
    assert!(parse(&with("request_ack", json!("yes"))).is_err());
    assert!(parse(&with("timezone", json!(null))).is_err());
    assert!(parse(b"not json").is_err());
    assert!(parse(b"[]").is_err());
}

#[test]
fn play_order_is_0_to_2() {
    for ok in [0, 1, 2] {
        assert!(parse(&with("play_order", json!(ok))).is_ok());
    }
    assert_eq!(
        parse(&with("play_order", json!(3))),
        Err(ViewError::PlayOrder)
    );
    assert_eq!(
        parse(&with("play_order", json!(-1))),
        Err(ViewError::PlayOrder)
    );
}

#[test]
fn timestamp_format() {
    assert_eq!(
        parse(&with("timestamp", json!("yesterday"))),
        Err(ViewError::Timestamp)
    );
    assert_eq!(
        parse(&with("timestamp", json!("2026-03-01 10:20"))),
        Err(ViewError::Timestamp)
    );
    assert!(parse(&with("timestamp", json!("2026-03-01T10:20:30.5Z"))).is_ok());
    let unsynced = parse(&with("timestamp", json!(UNSYNCED_TIMESTAMP))).unwrap();
    assert_eq!(unsynced.device_time(), None);
}

#[test]
fn channel_bounds() {
    assert_eq!(parse(&with("channel", json!(""))), Err(ViewError::Channel));
    assert_eq!(
        parse(&with("channel", json!("x".repeat(65)))),
        Err(ViewError::Channel)
    );
    assert!(parse(&with("channel", json!("pinned"))).is_ok());
    assert_eq!(
        parse(&with("channel_hashtag", json!("x".repeat(65)))),
        Err(ViewError::Context)
    );
}

#[test]
fn channel_context_follows_channel() {
    let mut e = event();
    e["channel"] = json!("by_user");
    e["channel_user_sqid"] = json!("abc");
    e["channel_hashtag"] = json!("cats");
    let ev = parse(&serde_json::to_vec(&e).unwrap()).unwrap();
    assert_eq!(ev.channel_context(), Some("abc"));
    e["channel"] = json!("hashtag");
    let ev = parse(&serde_json::to_vec(&e).unwrap()).unwrap();
    assert_eq!(ev.channel_context(), Some("cats"));
}

#[test]
fn http_body_takes_the_token_key_and_drops_request_ack() {
    let key = Uuid::new_v4();
    let mut e = event();
    e["request_ack"] = json!(true);
    let ev = parse_http(&serde_json::to_vec(&e).unwrap(), &key).unwrap();
    assert!(ev.names_player(&key));
    assert!(!ev.request_ack);
    let mut e = event();
    e.as_object_mut().unwrap().remove("player_key");
    assert!(parse_http(&serde_json::to_vec(&e).unwrap(), &key).is_ok());
    assert!(parse_http(b"[]", &key).is_err());
    assert!(parse_http(&with("play_order", json!(9)), &key).is_err());
}

#[test]
fn ack_bodies() {
    assert_eq!(ack_ok(), json!({"success": true}));
    assert_eq!(
        ack_rejected(&ViewRejection::RateLimited {
            retry_after_secs: 4.0
        }),
        json!({"success": false, "error": "Rate limited, retry after 4.0s",
               "error_code": "rate_limited"})
    );
    assert_eq!(
        ack_rejected(&ViewRejection::PlayerKeyMismatch),
        json!({"success": false, "error": "player_key mismatch between topic and payload",
               "error_code": "player_key_mismatch"})
    );
    let codes: Vec<&str> = [
        ViewRejection::PlayerNotRegistered,
        ViewRejection::PlayerNoOwner,
        ViewRejection::OwnerNotPermitted,
        ViewRejection::Duplicate,
        ViewRejection::PostNotFound,
        ViewRejection::ProcessingError,
    ]
    .iter()
    .map(ViewRejection::code)
    .collect();
    assert_eq!(
        codes,
        [
            "player_not_registered",
            "player_no_owner",
            "owner_not_permitted",
            "duplicate",
            "post_not_found",
            "processing_error"
        ]
    );
}
