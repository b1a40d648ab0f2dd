//! Invalidation of cached post data. Every write that can change what a listing or a
//! permalink shows calls [`post_changed`]; the caches themselves live in `crate::listing`.
//! Redis errors are logged and swallowed: the write has already happened, and entries cached
//! under the old generation expire by their TTL.
use kv::cache::{post_family, FEEDS, PLAYERS};

use crate::state::AppState;

/// Moves `family` to a new generation in Redis and in this process's mirror.
async fn bump(state: &AppState, family: &str) {
    match state.kv.bump_generation(family).await {
        Ok(g) => state.generations.set(family, g),
        Err(e) => tracing::warn!(error = %e, family, "cache invalidation failed"),
    }
}

/// The generation of `family` for the anonymous hot path: the process's recent copy when it
/// has one, else Redis (and remembered). `None` when Redis is unreachable.
pub async fn generation(state: &AppState, family: &str) -> Option<u64> {
    if let Some(g) = state.generations.get(family) {
        return Some(g);
    }
    let g = state.kv.generation(family).await.ok()?;
    state.generations.set(family, g);
    Some(g)
}

/// Call after any change to a post (flags, text, files, counters shown in lists, deletion).
pub async fn post_changed(state: &AppState, post_id: i64) {
    bump(state, &post_family(post_id)).await;
    feeds_changed(state).await;
}

/// Call after a change that affects listings but no single post (e.g. a user hidden or banned).
pub async fn feeds_changed(state: &AppState) {
    bump(state, FEEDS).await;
}

/// Call after a change to who may act through a player: a deleted player, an owner banned,
/// deactivated, or granted or relieved of a role. Players' requests are authenticated from a
/// short-lived cache under this family (the mqtt-bridge), so this ends their access at once.
pub async fn players_changed(state: &AppState) {
    bump(state, PLAYERS).await;
}

/// Call after a change that alters a post's counters (reactions, comments) but not what any
/// listing contains: the permalink refreshes at once, listings catch up within their TTL, so
/// a busy post does not keep emptying every feed cache.
pub async fn post_counters_changed(state: &AppState, post_id: i64) {
    bump(state, &post_family(post_id)).await;
}
