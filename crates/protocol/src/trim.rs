//! Fitting list replies into what a p3a can receive (`MAX_REPLY_BYTES`, measured on the exact
//! compact bytes that are published): `query_posts` pages and `get_comments` pages. Unlike the
//! original, items that do not fit are not lost: the reply then says `has_more: true` with a
//! cursor that resumes right after the last item it carries. A single playlist too big on its
//! own keeps a prefix of its `artworks`; a single comment always fits (bodies are capped).
use crate::request::MAX_REQUEST_ID_CHARS;
use crate::response::{CommentItem, PostItem};
use crate::MAX_REPLY_BYTES;

/// Room kept for the envelope around one post: request id, flags and a cursor.
const ENVELOPE_RESERVE: usize = 1024;

/// The two list replies: their array key, and whether nulls are kept (§3.2: `get_comments`
/// always carries `next_cursor` and `"error": null`, `query_posts` omits them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Posts,
    Comments,
}

fn head(shape: Shape, request_id: &str) -> Vec<u8> {
    let mut h = b"{\"request_id\":".to_vec();
    h.extend_from_slice(&serde_json::to_vec(request_id).unwrap_or_default());
    h.extend_from_slice(match shape {
        Shape::Posts => b",\"success\":true,\"posts\":[",
        Shape::Comments => b",\"success\":true,\"comments\":[",
    });
    h
}

fn tail(shape: Shape, has_more: bool, next_cursor: Option<&str>) -> Vec<u8> {
    let mut t = b"],\"has_more\":".to_vec();
    t.extend_from_slice(if has_more { b"true" } else { b"false" });
    match (next_cursor, shape) {
        (Some(c), _) => {
            t.extend_from_slice(b",\"next_cursor\":");
            t.extend_from_slice(&serde_json::to_vec(c).unwrap_or_default());
        }
        (None, Shape::Comments) => t.extend_from_slice(b",\"next_cursor\":null"),
        (None, Shape::Posts) => {}
    }
    if shape == Shape::Comments {
        t.extend_from_slice(b",\"error\":null");
    }
    t.push(b'}');
    t
}

/// The compact `query_posts` reply carrying the longest prefix of `posts` (each already
/// serialized) that fits. When every post fits, `has_more`/`next_cursor` are used as given;
/// otherwise the reply has `has_more: true` and `resume(k)`, the cursor that continues after
/// the first `k` posts.
pub fn fit<P: AsRef<[u8]>>(
    request_id: &str,
    posts: &[P],
    has_more: bool,
    next_cursor: Option<&str>,
    resume: impl Fn(usize) -> String,
) -> Vec<u8> {
    fit_list(
        Shape::Posts,
        request_id,
        posts,
        has_more,
        next_cursor,
        resume,
    )
}

/// The compact `get_comments` reply, fitted like [`fit`]: the longest prefix of `comments`
/// that fits, and when some are left out, `has_more: true` with `resume(k)` (the cursor after
/// the first `k` comments sent).
pub fn fit_comments(
    request_id: &str,
    comments: &[CommentItem],
    has_more: bool,
    next_cursor: Option<&str>,
    resume: impl Fn(usize) -> String,
) -> Vec<u8> {
    let items: Vec<Vec<u8>> = comments
        .iter()
        .map(|c| serde_json::to_vec(c).unwrap_or_default())
        .collect();
    fit_list(
        Shape::Comments,
        request_id,
        &items,
        has_more,
        next_cursor,
        resume,
    )
}

fn fit_list<P: AsRef<[u8]>>(
    shape: Shape,
    request_id: &str,
    items: &[P],
    has_more: bool,
    next_cursor: Option<&str>,
    resume: impl Fn(usize) -> String,
) -> Vec<u8> {
    let head = head(shape, request_id);
    let body_len = |k: usize| -> usize {
        items[..k].iter().map(|p| p.as_ref().len()).sum::<usize>() + k.saturating_sub(1)
    };
    let full_tail = tail(shape, has_more, next_cursor);
    let (kept, tail) = if head.len() + body_len(items.len()) + full_tail.len() <= MAX_REPLY_BYTES {
        (items.len(), full_tail)
    } else {
        let mut best = (0, tail(shape, true, Some(&resume(0))));
        for k in 1..items.len() {
            let t = tail(shape, true, Some(&resume(k)));
            if head.len() + body_len(k) + t.len() > MAX_REPLY_BYTES {
                break;
            }
            best = (k, t);
        }
        best
    };
    let mut out = Vec::with_capacity(head.len() + body_len(kept) + tail.len());
    out.extend_from_slice(&head);
    for (i, p) in items[..kept].iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(p.as_ref());
    }
    out.extend_from_slice(&tail);
    out
}

/// The largest a single serialized post may be and still fit in a reply with any envelope,
/// whatever the request id (up to `MAX_REQUEST_ID_CHARS`, each escaped to at most 6 bytes).
pub fn post_budget() -> usize {
    MAX_REPLY_BYTES
        .saturating_sub(head(Shape::Posts, "").len() + 6 * MAX_REQUEST_ID_CHARS + ENVELOPE_RESERVE)
}

/// Serializes a post, first cutting a playlist's `artworks` to the longest prefix whose
/// serialization is at most `budget` bytes (so one post always fits a reply on its own).
pub fn serialize_within(post: &mut PostItem, budget: usize) -> Vec<u8> {
    let bytes = serde_json::to_vec(&*post).unwrap_or_default();
    let PostItem::Playlist(pl) = post else {
        return bytes;
    };
    if bytes.len() <= budget {
        return bytes;
    }
    let all = std::mem::take(&mut pl.artworks);
    let (mut lo, mut hi) = (0, all.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        pl.artworks = all[..mid].to_vec();
        if serde_json::to_vec(&*pl).map_or(usize::MAX, |b| b.len()) <= budget {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    pl.artworks = all[..lo].to_vec();
    serde_json::to_vec(&*post).unwrap_or_default()
}

#[cfg(test)]
#[path = "trim_tests.rs"]
mod tests;
