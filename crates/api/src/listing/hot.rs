//! An in-process copy of rendered anonymous listing responses, keyed by the Redis generation
//! they were built under. Redis stays the source of truth for invalidation: a request still
//! reads the generation there, so a bump on any replica retires these copies at once; this
//! only saves the decode, filter and encode of a page that thousands of visitors share.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// Bounded so that odd query strings cannot grow memory; a full map simply starts over.
pub const LISTING_ENTRIES: usize = 512;
/// Permalinks: a few thousand popular posts at about 2 KiB each.
pub const POST_ENTRIES: usize = 4096;

struct Entry {
    generation: u64,
    expires: Instant,
    body: Bytes,
}

#[derive(Clone)]
pub struct HotCache {
    inner: Arc<Mutex<HashMap<String, Entry>>>,
    capacity: usize,
}

impl HotCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::default(),
            capacity,
        }
    }

    pub fn get(&self, key: &str, generation: u64) -> Option<Bytes> {
        let map = self.inner.lock().ok()?;
        let e = map.get(key)?;
        (e.generation == generation && e.expires > Instant::now()).then(|| e.body.clone())
    }

    pub fn put(&self, key: String, generation: u64, ttl: Duration, body: Bytes) {
        let Ok(mut map) = self.inner.lock() else {
            return;
        };
        if map.len() >= self.capacity && !map.contains_key(&key) {
            map.clear();
        }
        map.insert(
            key,
            Entry {
                generation,
                expires: Instant::now() + ttl,
                body,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_die_with_their_generation_and_ttl() {
        let c = HotCache::new(LISTING_ENTRIES);
        c.put(
            "k".into(),
            3,
            Duration::from_secs(60),
            Bytes::from_static(b"x"),
        );
        assert_eq!(c.get("k", 3), Some(Bytes::from_static(b"x")));
        assert_eq!(c.get("k", 4), None);
        c.put("t".into(), 1, Duration::ZERO, Bytes::from_static(b"y"));
        assert_eq!(c.get("t", 1), None);
    }

    #[test]
    fn the_map_stays_bounded() {
        let c = HotCache::new(LISTING_ENTRIES);
        for i in 0..(LISTING_ENTRIES + 10) {
            c.put(format!("k{i}"), 0, Duration::from_secs(60), Bytes::new());
        }
        assert!(c.inner.lock().unwrap().len() <= LISTING_ENTRIES);
    }
}
