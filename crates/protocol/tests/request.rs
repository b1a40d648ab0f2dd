//! Parsing player requests (§3.2, §3.3): defaults, every type, and the codes of every failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use protocol::criteria::{Cmp, Condition, NumCol, NumTest};
use protocol::request::{
    parse, Channel, IncludeFields, QueryPosts, RequestBody, RequestError, Sort,
};
use serde_json::{json, Value};

const KEY: &str = "0b7e8a1c-3f2d-4e5a-9b6c-7d8e9f0a1b2c";

fn req(extra: Value) -> Value {
    let mut v = json!({"request_id": "abc123", "player_key": KEY});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn body(v: Value) -> RequestBody {
    let r = parse(&serde_json::to_vec(&v).unwrap()).unwrap_or_else(|e| panic!("{v}: {e}"));
    assert_eq!(r.request_id, "abc123");
    r.body
}

fn fail(v: Value) -> RequestError {
    parse(&serde_json::to_vec(&v).unwrap()).expect_err(&format!("{v} accepted"))
}

fn query(extra: Value) -> QueryPosts {
    let mut v = req(extra);
    v["request_type"] = json!("query_posts");
    match body(v) {
        RequestBody::QueryPosts(q) => q,
        other => panic!("{other:?}"),
    }
}

fn query_fail(extra: Value) -> RequestError {
    let mut v = req(extra);
    v["request_type"] = json!("query_posts");
    fail(v)
}

#[test]
fn non_json_is_invalid_json_answered_on_unknown() {
    let e = parse(b"{not json").unwrap_err();
    assert_eq!(e.code, "invalid_json");
    assert_eq!(e.request_id, None);
    assert_eq!(e.reply_id(), "unknown");
    let e = parse(b"").unwrap_err();
    assert_eq!(e.code, "invalid_json");
}

#[test]
fn non_objects_are_invalid_requests() {
    let e = parse(b"[1,2]").unwrap_err();
    assert_eq!((e.code, e.reply_id()), ("invalid_request", "unknown"));
}

#[test]
fn request_type_missing_or_not_a_string() {
    let e = fail(req(json!({})));
    assert_eq!(e.code, "invalid_request");
    assert_eq!(e.message, "request_type is required");
    assert_eq!(e.reply_id(), "abc123");
    let e = fail(req(json!({"request_type": 5})));
    assert_eq!(
        (e.code, e.message.as_str()),
        ("invalid_request", "request_type must be a string")
    );
}

#[test]
fn unknown_types_name_themselves() {
    let e = fail(req(json!({"request_type": "frobnicate"})));
    assert_eq!(e.code, "unknown_request_type");
    assert_eq!(e.message, "Unknown request type: frobnicate");
    assert_eq!(e.reply_id(), "abc123");
    // The firmware's dead `submit_view` is unknown too.
    let e = fail(req(json!({"request_type": "submit_view", "post_id": 1})));
    assert_eq!(e.code, "unknown_request_type");
}

#[test]
fn request_id_is_required_and_must_be_one_topic_level() {
    let e = parse(br#"{"request_type":"echo","echo_data":"x"}"#).unwrap_err();
    assert_eq!(
        (e.code, e.reply_id(), e.message.as_str()),
        ("invalid_request", "unknown", "request_id is required")
    );
    for bad in [json!(""), json!(7), json!("a/b"), json!("a+"), json!("#")] {
        let e = fail(json!({"request_id": bad, "request_type": "echo", "echo_data": "x"}));
        assert_eq!((e.code, e.reply_id()), ("invalid_request", "unknown"));
    }
    let long = "x".repeat(129);
    let e = fail(json!({"request_id": long, "request_type": "echo", "echo_data": "x"}));
    assert_eq!(e.reply_id(), "unknown");
    let ok = "f".repeat(128);
    let r = parse(
        &serde_json::to_vec(&json!({"request_id": ok, "request_type": "echo", "echo_data": ""}))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(r.request_id.len(), 128);
}

#[test]
fn player_key_must_be_a_uuid_when_present() {
    let r = parse(br#"{"request_id":"r","request_type":"echo","echo_data":"x"}"#).unwrap();
    assert_eq!(r.player_key, None);
    let r = parse(
        &serde_json::to_vec(&req(json!({"request_type": "echo", "echo_data": "x"}))).unwrap(),
    )
    .unwrap();
    assert_eq!(r.player_key.as_deref(), Some(KEY));
    let e = fail(
        json!({"request_id": "r", "request_type": "echo", "echo_data": "x", "player_key": "nope"}),
    );
    assert_eq!(
        (e.code, e.message.as_str()),
        ("invalid_request", "player_key must be a UUID")
    );
}

#[test]
fn query_posts_defaults() {
    let q = query(json!({}));
    assert_eq!(q.channel, Channel::All);
    assert_eq!(q.sort, Sort::ServerOrder);
    assert_eq!(q.limit, 50);
    assert_eq!(q.cursor, None);
    assert_eq!(q.random_seed, None);
    assert!(q.criteria.is_empty());
    assert_eq!(q.include_fields, IncludeFields::default());
    // What the p3a sends: explicit null cursor, unknown extras.
    let q = query(json!({"channel": "promoted", "cursor": null, "limit": 32, "PE": 1}));
    assert_eq!(
        (q.channel, q.limit, q.cursor),
        (Channel::Promoted, 32, None)
    );
}

#[test]
fn query_posts_fields() {
    let q = query(json!({
        "channel": "by_user", "user_handle": "alice", "user_sqid": "k3", "hashtag": "art",
        "sort": "random", "random_seed": 42, "cursor": "10", "limit": 1,
        "criteria": [{"field": "width", "op": "eq", "value": 64}],
        "include_fields": ["width", "height", "bogus"]
    }));
    assert_eq!(q.channel, Channel::ByUser);
    assert_eq!(q.user_handle.as_deref(), Some("alice"));
    assert_eq!(q.user_sqid.as_deref(), Some("k3"));
    assert_eq!(q.hashtag.as_deref(), Some("art"));
    assert_eq!(q.sort, Sort::Random);
    assert_eq!(q.random_seed, Some(42));
    assert_eq!(q.cursor.as_deref(), Some("10"));
    assert_eq!(q.limit, 1);
    assert_eq!(
        q.criteria.post,
        vec![Condition::Numeric {
            col: NumCol::Width,
            test: NumTest::Cmp(Cmp::Eq, 64)
        }]
    );
    assert!(q.include_fields.width && q.include_fields.height);
    assert!(!q.include_fields.owner_handle);
    for (name, ch) in [
        ("all", Channel::All),
        ("promoted", Channel::Promoted),
        ("user", Channel::User),
        ("artwork", Channel::Artwork),
        ("hashtag", Channel::Hashtag),
        ("reactions", Channel::Reactions),
    ] {
        assert_eq!(query(json!({ "channel": name })).channel, ch);
    }
    for (name, s) in [
        ("created_at", Sort::CreatedAt),
        ("reacted_at", Sort::ReactedAt),
        ("server_order", Sort::ServerOrder),
    ] {
        assert_eq!(query(json!({ "sort": name })).sort, s);
    }
    let all = query(json!({"include_fields": [
        "owner_handle", "metadata_modified_at", "artwork_modified_at", "width", "height",
        "frame_count", "dwell_time_ms", "transparency_actual", "alpha_actual"]}));
    assert_eq!(all.include_fields, IncludeFields::ALL);
}

#[test]
fn query_posts_schema_errors_name_the_field() {
    let cases = [
        (json!({"limit": 51}), "limit must be between 1 and 50"),
        (json!({"limit": 0}), "limit must be between 1 and 50"),
        (json!({"limit": -3}), "limit must be between 1 and 50"),
        (json!({"limit": "5"}), "limit must be an integer"),
        (
            json!({"channel": "pinned"}),
            "channel must be one of: all, promoted, user, by_user, artwork, hashtag, reactions",
        ),
        (
            json!({"sort": "hot"}),
            "sort must be one of: server_order, created_at, random, reacted_at",
        ),
        (json!({"cursor": 2}), "cursor must be a string"),
        (
            json!({"random_seed": "x"}),
            "random_seed must be an integer",
        ),
        (json!({"user_sqid": 9}), "user_sqid must be a string"),
        (json!({"hashtag": ["a"]}), "hashtag must be a string"),
        (
            json!({"include_fields": "width"}),
            "include_fields must be a list of strings",
        ),
        (
            json!({"include_fields": [1]}),
            "include_fields must be a list of strings",
        ),
        (
            json!({"criteria": [{"field": "alpha_actual", "op": "lt", "value": true}]}),
            "criteria[0]: operator 'lt' is not allowed for field 'alpha_actual'",
        ),
        (
            json!({"criteria": [{"field": "width", "op": "is_null"}]}),
            "criteria[0]: operator 'is_null' is not allowed for field 'width'",
        ),
    ];
    for (extra, msg) in cases {
        let e = query_fail(extra.clone());
        assert_eq!(e.code, "invalid_request", "{extra}");
        assert_eq!(e.message, msg, "{extra}");
        assert_eq!(e.reply_id(), "abc123");
    }
}

#[test]
fn get_post_needs_an_integer_post_id() {
    let b = body(req(
        json!({"request_type": "get_post", "post_id": 7, "include_fields": ["owner_handle"]}),
    ));
    let RequestBody::GetPost {
        post_id,
        include_fields,
    } = b
    else {
        panic!("{b:?}")
    };
    assert_eq!(post_id, 7);
    assert!(include_fields.owner_handle);
    let e = fail(req(json!({"request_type": "get_post"})));
    assert_eq!(e.message, "post_id is required");
    let e = fail(req(json!({"request_type": "get_post", "post_id": "7"})));
    assert_eq!(e.message, "post_id must be an integer");
}

#[test]
fn reactions_take_one_to_twenty_characters() {
    let b = body(req(
        json!({"request_type": "submit_reaction", "post_id": 3, "emoji": "👍"}),
    ));
    assert_eq!(
        b,
        RequestBody::SubmitReaction {
            post_id: 3,
            emoji: "👍".into()
        }
    );
    let b = body(req(
        json!({"request_type": "revoke_reaction", "post_id": 3, "emoji": "  "}),
    ));
    // Blank is valid here; stripping (and `invalid_emoji`) is the service's business.
    assert_eq!(
        b,
        RequestBody::RevokeReaction {
            post_id: 3,
            emoji: "  ".into()
        }
    );
    let twenty = "é".repeat(20);
    body(req(
        json!({"request_type": "submit_reaction", "post_id": 3, "emoji": twenty}),
    ));
    for bad in [json!(""), json!("x".repeat(21))] {
        let e = fail(req(
            json!({"request_type": "submit_reaction", "post_id": 3, "emoji": bad}),
        ));
        assert_eq!(e.message, "emoji must be between 1 and 20 characters");
    }
    let e = fail(req(
        json!({"request_type": "revoke_reaction", "emoji": "x"}),
    ));
    assert_eq!(e.message, "post_id is required");
    let e = fail(req(
        json!({"request_type": "submit_reaction", "post_id": 1}),
    ));
    assert_eq!(e.message, "emoji is required");
}

#[test]
fn get_comments_limits() {
    let b = body(req(json!({"request_type": "get_comments", "post_id": 1})));
    assert_eq!(
        b,
        RequestBody::GetComments {
            post_id: 1,
            cursor: None,
            limit: 50
        }
    );
    let b = body(req(
        json!({"request_type": "get_comments", "post_id": 1, "cursor": "4", "limit": 200}),
    ));
    assert_eq!(
        b,
        RequestBody::GetComments {
            post_id: 1,
            cursor: Some("4".into()),
            limit: 200
        }
    );
    let e = fail(req(
        json!({"request_type": "get_comments", "post_id": 1, "limit": 201}),
    ));
    assert_eq!(
        (e.code, e.message.as_str()),
        ("invalid_request", "limit must be between 1 and 200")
    );
}

#[test]
fn playset_and_echo() {
    assert_eq!(
        body(req(
            json!({"request_type": "get_playset", "playset_name": "followed_artists"})
        )),
        RequestBody::GetPlayset {
            playset_name: "followed_artists".into()
        }
    );
    let e = fail(req(json!({"request_type": "get_playset"})));
    assert_eq!(e.message, "playset_name is required");
    let data = "ü".repeat(512);
    assert_eq!(
        body(req(
            json!({"request_type": "echo", "echo_data": data.clone()})
        )),
        RequestBody::Echo { echo_data: data }
    );
    let e = fail(req(
        json!({"request_type": "echo", "echo_data": "x".repeat(513)}),
    ));
    assert_eq!(e.message, "echo_data must be at most 512 characters");
    assert_eq!(
        RequestBody::Echo {
            echo_data: String::new()
        }
        .request_type(),
        "echo"
    );
}
