//! Cursors, reply envelopes and trimming to the p3a's 128 KiB buffer.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{TimeZone, Utc};
use protocol::cursor::{offset, parse_offset, ReactionCursor};
use protocol::response::{self, ArtworkItem, PlaylistItem, PostItem};
use protocol::trim::{fit, post_budget, serialize_within};
use protocol::MAX_REPLY_BYTES;
use serde_json::{json, Value};
use uuid::Uuid;

#[test]
fn offset_cursors_round_trip_and_garbage_starts_at_zero() {
    for n in [0, 2, 50, 123_456] {
        assert_eq!(parse_offset(Some(&offset(n))), n);
    }
    assert_eq!(parse_offset(None), 0);
    assert_eq!(parse_offset(Some("abc")), 0);
    assert_eq!(parse_offset(Some("-5")), 0);
    assert_eq!(parse_offset(Some("")), 0);
    assert_eq!(parse_offset(Some(" 7 ")), 7);
}

#[test]
fn reaction_cursors_round_trip_to_the_microsecond() {
    let t = Utc.timestamp_micros(1_790_000_000_123_456).unwrap();
    let c = ReactionCursor {
        id: 9_876_543_210,
        reacted_at: t,
    };
    let s = c.encode();
    assert!(!s.contains(['+', '/', '=']), "url-safe: {s}");
    assert_eq!(ReactionCursor::decode(&s), Some(c));
    assert_eq!(ReactionCursor::decode("2"), None);
    assert_eq!(ReactionCursor::decode("not base64 !"), None);
    // Valid base64 of the wrong JSON is not a cursor either.
    use base64::Engine;
    let other = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"id":1}"#);
    assert_eq!(ReactionCursor::decode(&other), None);
}

fn artwork(id: i64) -> ArtworkItem {
    ArtworkItem {
        post_id: id,
        kind: "artwork",
        created_at: response::iso(Utc.timestamp_opt(1_790_000_000, 0).unwrap()),
        storage_key: Uuid::nil(),
        art_url: format!("http://vault/aa/bb/{id}.png"),
        storage_shard: "aa/bb".into(),
        native_format: None,
        owner_handle: None,
        metadata_modified_at: None,
        artwork_modified_at: None,
        width: Some(64),
        height: None,
        frame_count: None,
        dwell_time_ms: None,
        transparency_actual: None,
        alpha_actual: None,
    }
}

#[test]
fn artwork_items_omit_absent_fields() {
    let v = serde_json::to_value(PostItem::Artwork(artwork(5))).unwrap();
    assert_eq!(
        v,
        json!({"post_id": 5, "kind": "artwork", "created_at": "2026-09-21T14:13:20Z",
               "storage_key": Uuid::nil(), "art_url": "http://vault/aa/bb/5.png",
               "storage_shard": "aa/bb", "width": 64})
    );
}

#[test]
fn envelopes() {
    assert_eq!(
        response::error("r1", "nope", "not_found"),
        json!({"request_id": "r1", "success": false, "error": "nope", "error_code": "not_found"})
    );
    assert_eq!(
        response::reaction_ok("r"),
        json!({"request_id": "r", "success": true, "error": null})
    );
    let last = response::query_posts("r", &[], false, None);
    assert!(last.get("next_cursor").is_none());
    assert_eq!(last["has_more"], json!(false));
    let more = response::query_posts("r", &[], true, Some("2"));
    assert_eq!(more["next_cursor"], json!("2"));
    let c = response::comments("r", &[], None, false);
    assert_eq!(c["next_cursor"], Value::Null);
    assert!(c.as_object().unwrap().contains_key("error"));
    let e = response::echo("r", "hi", Utc.timestamp_opt(0, 0).unwrap());
    assert_eq!(e["received_at"], json!("1970-01-01T00:00:00Z"));
    assert_eq!(e["echo_data"], json!("hi"));
    assert_eq!(
        response::playset_not_found("r", "nope"),
        json!({"request_id": "r", "success": false, "channels": [],
               "error": "Playset 'nope' not found", "error_code": "playset_not_found"})
    );
    let p = response::playset("r", "followed_artists", &[]);
    assert_eq!(
        (&p["exposure_mode"], &p["pick_mode"]),
        (&json!("equal"), &json!("random"))
    );
}

fn ser(items: &[PostItem]) -> Vec<Vec<u8>> {
    items
        .iter()
        .map(|p| serde_json::to_vec(p).unwrap())
        .collect()
}

#[test]
fn a_page_that_fits_is_published_as_is() {
    let items: Vec<PostItem> = (0..5).map(|i| PostItem::Artwork(artwork(i))).collect();
    let bytes = fit("rid\"x", &ser(&items), true, Some("5"), |k| k.to_string());
    let got: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        got,
        response::query_posts("rid\"x", &items, true, Some("5"))
    );
    let last = fit("r", &ser(&items), false, None, |k| k.to_string());
    let got: Value = serde_json::from_slice(&last).unwrap();
    assert!(got.get("next_cursor").is_none());
    // Compact: no whitespace between tokens.
    assert!(!String::from_utf8(last).unwrap().contains(": "));
}

fn big_artwork(id: i64, size: usize) -> PostItem {
    let mut a = artwork(id);
    a.owner_handle = Some("x".repeat(size));
    PostItem::Artwork(a)
}

#[test]
fn big_posts_are_cut_and_resumed_not_dropped() {
    // Ten posts of ~20 KB each: about six fit.
    let items: Vec<PostItem> = (0..10).map(|i| big_artwork(100 - i, 20_000)).collect();
    let bytes = fit("r", &ser(&items), false, None, |k| format!("{}", 40 + k));
    assert!(bytes.len() <= MAX_REPLY_BYTES);
    let got: Value = serde_json::from_slice(&bytes).unwrap();
    let kept = got["posts"].as_array().unwrap().len();
    assert!((5..10).contains(&kept), "kept {kept}");
    assert_eq!(got["has_more"], json!(true));
    assert_eq!(got["next_cursor"], json!(format!("{}", 40 + kept)));
    // The longest prefix: one more post would not have fitted.
    let cursor = format!("{}", 40 + kept + 1);
    let one_more = response::query_posts("r", &items[..kept + 1], true, Some(&cursor));
    assert!(serde_json::to_vec(&one_more).unwrap().len() > MAX_REPLY_BYTES);
    assert_eq!(got["posts"][0]["post_id"], json!(100));
}

#[test]
fn the_cap_is_exact() {
    // Find the size at which one post exactly fills the reply, then push it one byte over.
    let probe = |n: usize| fit("r", &ser(&[big_artwork(1, n)]), false, None, |_| "0".into());
    let base = probe(0).len();
    let exact = MAX_REPLY_BYTES - base;
    let fits = probe(exact);
    assert_eq!(fits.len(), MAX_REPLY_BYTES);
    let v: Value = serde_json::from_slice(&fits).unwrap();
    assert_eq!(v["posts"].as_array().unwrap().len(), 1);
    let over = fit("r", &ser(&[big_artwork(1, exact + 1)]), false, None, |_| {
        "0".into()
    });
    let v: Value = serde_json::from_slice(&over).unwrap();
    assert_eq!(v["posts"].as_array().unwrap().len(), 0);
    assert_eq!(v["next_cursor"], json!("0"));
}

#[test]
fn an_oversized_playlist_keeps_a_prefix_of_its_artworks() {
    let artworks: Vec<ArtworkItem> = (0..2000)
        .map(|i| {
            let mut a = artwork(i);
            a.owner_handle = Some("handle-of-someone".into());
            a
        })
        .collect();
    let originals = artworks.clone();
    let mut p = PostItem::Playlist(PlaylistItem {
        post_id: 1,
        kind: "playlist",
        owner_handle: "me".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
        metadata_modified_at: "2026-01-01T00:00:00Z".into(),
        total_artworks: 2000,
        dwell_time_ms: 30000,
        artworks,
    });
    let budget = post_budget();
    let bytes = serialize_within(&mut p, budget);
    assert!(bytes.len() <= budget);
    let PostItem::Playlist(pl) = &p else { panic!() };
    let n = pl.artworks.len();
    assert!(n > 100 && n < 2000, "kept {n}");
    assert_eq!(pl.total_artworks, 2000);
    assert_eq!(pl.artworks[0].post_id, 0);
    // One more artwork would have broken the budget.
    let mut bigger = pl.clone();
    bigger.artworks.push(originals[n].clone());
    assert!(serde_json::to_vec(&bigger).unwrap().len() > budget);
    let reply = fit("r", &[bytes], false, None, |k| k.to_string());
    assert!(reply.len() <= MAX_REPLY_BYTES);
    // Small posts pass through untouched.
    let mut small = PostItem::Artwork(artwork(3));
    assert_eq!(
        serialize_within(&mut small, budget),
        serde_json::to_vec(&PostItem::Artwork(artwork(3))).unwrap()
    );
}
