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

/// A per-process copy of recently read cache generations, so the anonymous hot path need not
/// ask Redis on every request. A bump made by this process is seen at once; one made by another
/// replica or the worker is seen within [`MIRROR_TTL`]. That bounded delay is the price of
/// serving popular pages without a network round trip.
#[derive(Clone, Default)]
pub struct GenerationMirror {
    inner: Arc<Mutex<HashMap<String, (u64, Instant)>>>,
}

pub const MIRROR_TTL: Duration = Duration::from_millis(200);
const MIRROR_ENTRIES: usize = 8192;

impl GenerationMirror {
    /// The generation read less than [`MIRROR_TTL`] ago, if any.
    pub fn get(&self, family: &str) -> Option<u64> {
        let map = self.inner.lock().ok()?;
        let (g, at) = map.get(family)?;
        (at.elapsed() < MIRROR_TTL).then_some(*g)
    }

    pub fn set(&self, family: &str, generation: u64) {
        let Ok(mut map) = self.inner.lock() else {
            return;
        };
        if map.len() >= MIRROR_ENTRIES && !map.contains_key(family) {
            map.clear();
        }
        map.insert(family.to_string(), (generation, Instant::now()));
    }
}

#[cfg(test)]
mod mirror_tests {
    use super::*;

    #[test]
    fn mirror_forgets_after_its_ttl() {
        let m = GenerationMirror::default();
        assert_eq!(m.get("feeds"), None);
        m.set("feeds", 7);
        assert_eq!(m.get("feeds"), Some(7));
        std::thread::sleep(MIRROR_TTL + Duration::from_millis(20));
        assert_eq!(m.get("feeds"), None);
    }
}
