//! Unit tests of list-reply fitting, `get_comments` in particular (posts: tests/replies.rs).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use serde_json::Value;
use uuid::Uuid;

use super::*;
use crate::response;

fn comment(n: u128, body_len: usize) -> CommentItem {
    CommentItem {
        comment_id: Uuid::from_u128(n),
        post_id: 7,
        author_handle: Some("ann".into()),
        body: "é".repeat(body_len),
        depth: 0,
        parent_id: None,
        created_at: "2026-01-02T03:04:05Z".into(),
        deleted: false,
    }
}

fn parse(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

fn ids(reply: &Value) -> Vec<String> {
    reply["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comment_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_comment_page_that_fits_is_the_untrimmed_reply() {
    let page = [comment(1, 10), comment(2, 20)];
    for (has_more, next) in [(true, Some("52")), (false, None)] {
        let bytes = fit_comments("r\"1", &page, has_more, next, |k| format!("x{k}"));
        assert_eq!(
            parse(&bytes),
            response::comments("r\"1", &page, next, has_more),
            "has_more={has_more}"
        );
    }
    // The last page keeps its nulls, as the spec's get_comments shape does.
    let last = fit_comments("r", &page, false, None, |k| k.to_string());
    let text = String::from_utf8(last).unwrap();
    assert!(text.contains("\"next_cursor\":null"), "{text}");
    assert!(text.contains("\"error\":null"), "{text}");
}

#[test]
fn an_oversized_comment_page_is_cut_and_resumes_after_the_last_comment_sent() {
    // 200 comments of 2000 two-byte characters: about 800 KB untrimmed.
    let page: Vec<CommentItem> = (0..200).map(|n| comment(n, 2000)).collect();
    let bytes = fit_comments("r", &page, false, None, |k| (100 + k).to_string());
    assert!(bytes.len() <= MAX_REPLY_BYTES, "{} bytes", bytes.len());
    let reply = parse(&bytes);
    let sent = ids(&reply);
    assert!(
        !sent.is_empty() && sent.len() < page.len(),
        "{} sent",
        sent.len()
    );
    let prefix: Vec<String> = page[..sent.len()]
        .iter()
        .map(|c| c.comment_id.to_string())
        .collect();
    assert_eq!(sent, prefix, "a prefix, in order");
    assert_eq!(reply["has_more"], Value::Bool(true));
    assert_eq!(
        reply["next_cursor"],
        Value::from((100 + sent.len()).to_string())
    );
    assert_eq!(reply["error"], Value::Null);
    // The prefix is the longest that fits: one more comment would overflow.
    let one_more = serde_json::to_vec(&page[sent.len()]).unwrap().len() + 1;
    assert!(bytes.len() + one_more > MAX_REPLY_BYTES);
}

#[test]
fn a_cut_last_page_still_says_has_more() {
    // The database said this was the last page; the cut must not end the walk early.
    let page: Vec<CommentItem> = (0..100).map(|n| comment(n, 2000)).collect();
    let reply = parse(&fit_comments("r", &page, false, None, |k| k.to_string()));
    let sent = ids(&reply).len();
    assert!(sent < page.len());
    assert_eq!(reply["has_more"], Value::Bool(true));
    assert_eq!(reply["next_cursor"], Value::from(sent.to_string()));
}

#[test]
fn a_comment_of_the_largest_body_fits_with_the_longest_request_id() {
    // 2000 characters, each escaped to the six bytes of a control character.
    let mut worst = comment(1, 0);
    worst.body = "\u{1}".repeat(2000);
    worst.author_handle = Some("h".repeat(64));
    let rid = "\u{2}".repeat(MAX_REQUEST_ID_CHARS);
    let reply = parse(&fit_comments(&rid, &[worst], true, Some("9"), |_| {
        "0".into()
    }));
    assert_eq!(ids(&reply).len(), 1);
}

#[test]
fn posts_replies_keep_omitting_nulls() {
    let text = String::from_utf8(fit::<&[u8]>("r", &[], false, None, |_| "0".into())).unwrap();
    assert_eq!(
        text,
        r#"{"request_id":"r","success":true,"posts":[],"has_more":false}"#
    );
}
