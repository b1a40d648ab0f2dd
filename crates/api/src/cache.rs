//! Invalidation of cached post data. Every write that can change what a listing or a
//! permalink shows calls [`post_changed`]; the caches themselves live in `crate::listing`.
//! Redis errors are logged and swallowed: the write has already happened, and entries cached
//! under the old generation expire by their TTL.
use kv::cache::{post_family, FEEDS};

use crate::state::AppState;

/// Call after any change to a post (flags, text, files, counters shown in lists, deletion).
pub async fn post_changed(state: &AppState, post_id: i64) {
    if let Err(e) = state.kv.bump_generation(&post_family(post_id)).await {
        tracing::warn!(error = %e, post_id, "post cache invalidation failed");
    }
    feeds_changed(state).await;
}

/// Call after a change that affects listings but no single post (e.g. a user hidden or banned).
pub async fn feeds_changed(state: &AppState) {
    if let Err(e) = state.kv.bump_generation(FEEDS).await {
        tracing::warn!(error = %e, "feed cache invalidation failed");
    }
}

/// Call after a change that alters a post's counters (reactions, comments) but not what any
/// listing contains: the permalink refreshes at once, listings catch up within their TTL, so
/// a busy post does not keep emptying every feed cache.
pub async fn post_counters_changed(state: &AppState, post_id: i64) {
    if let Err(e) = state.kv.bump_generation(&post_family(post_id)).await {
        tracing::warn!(error = %e, post_id, "post cache invalidation failed");
    }
}
