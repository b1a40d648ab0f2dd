//! In-process caches of the request service. Thousands of players walk the same channels page
//! by page, so rendered pages are kept per normalized request for a few seconds, under the
//! Redis generation of the feeds family: a bump (any post change, on any api replica) retires
//! them at once, the TTL bounds what a missed bump can leave. Generations are themselves
//! mirrored for a moment, so the hot path makes no Redis round trip.
//!
//! The caches are process-wide and every key starts with the Redis key prefix of its
//! context, so contexts with different prefixes (tests, deployments) never share entries.
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use db::player_query::{ChannelFilter, Order, PageStart};
use protocol::criteria::Criteria;
use protocol::request::IncludeFields;

use crate::Ctx;

/// How long a rendered page is served without looking at the database.
pub const PAGE_TTL: Duration = Duration::from_secs(3);
/// How long a generation read from Redis is trusted.
pub const GENERATION_TTL: Duration = Duration::from_millis(200);
/// How long an authenticated player is trusted under one `players` generation.
pub const PLAYER_TTL: Duration = Duration::from_secs(10);
/// How long an owner's approved monitored tags are trusted.
pub const PREFS_TTL: Duration = Duration::from_secs(5);
const PAGE_ENTRIES: usize = 4096;
const PAGE_BYTES: usize = 64 << 20;

struct Entry<V> {
    value: V,
    expires: Instant,
    bytes: usize,
}

/// A bounded map whose entries expire; when full it drops expired entries, then everything.
pub struct TtlMap<K, V> {
    inner: Mutex<(HashMap<K, Entry<V>>, usize)>,
    ttl: Duration,
    max_entries: usize,
    max_bytes: usize,
}

impl<K: Hash + Eq, V: Clone> TtlMap<K, V> {
    pub fn new(ttl: Duration, max_entries: usize, max_bytes: usize) -> Self {
        Self {
            inner: Mutex::new((HashMap::new(), 0)),
            ttl,
            max_entries,
            max_bytes,
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let guard = self.inner.lock().ok()?;
        let e = guard.0.get(key)?;
        (e.expires > Instant::now()).then(|| e.value.clone())
    }

    /// Stores `value`, counted as `bytes` against the byte budget.
    pub fn put(&self, key: K, value: V, bytes: usize) {
        let Ok(mut guard) = self.inner.lock() else {
            return;
        };
        let (map, total) = &mut *guard;
        if map.len() >= self.max_entries || *total + bytes > self.max_bytes {
            let now = Instant::now();
            map.retain(|_, e| e.expires > now);
            *total = map.values().map(|e| e.bytes).sum();
            if map.len() >= self.max_entries || *total + bytes > self.max_bytes {
                map.clear();
                *total = 0;
            }
        }
        let entry = Entry {
            value,
            expires: Instant::now() + self.ttl,
            bytes,
        };
        if let Some(old) = map.insert(key, entry) {
            *total = total.saturating_sub(old.bytes);
        }
        *total += bytes;
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().map(|g| g.0.len()).unwrap_or(0)
    }
}

/// Everything that decides the content of a `query_posts` page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// The Redis prefix and vault address of the context.
    pub scope: String,
    pub channel: ChannelFilter,
    pub private_ok_for: Option<i32>,
    pub hidden_tags: Arc<[String]>,
    pub order: Order,
    pub start: PageStart,
    pub limit: u32,
    pub criteria: Criteria,
    pub include: IncludeFields,
}

/// A rendered page: each post serialized, and the cursor resuming after each prefix
/// (`resume[k]` continues after the first `k` posts), so replies can be trimmed without
/// rendering again.
#[derive(Debug)]
pub struct Page {
    pub posts: Vec<Vec<u8>>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub resume: Vec<String>,
}

impl Page {
    pub fn bytes(&self) -> usize {
        self.posts.iter().map(Vec::len).sum::<usize>() + 256
    }
}

static PAGES: LazyLock<TtlMap<PageKey, (u64, Arc<Page>)>> =
    LazyLock::new(|| TtlMap::new(PAGE_TTL, PAGE_ENTRIES, PAGE_BYTES));
static GENERATIONS: LazyLock<TtlMap<String, u64>> =
    LazyLock::new(|| TtlMap::new(GENERATION_TTL, 1024, usize::MAX));
/// (Redis prefix, player key) → the active player with the `players` generation it was read at.
type PlayersByKey = TtlMap<(String, uuid::Uuid), (u64, db::players::ActivePlayer)>;
static PLAYERS: LazyLock<PlayersByKey> =
    LazyLock::new(|| TtlMap::new(PLAYER_TTL, 65_536, usize::MAX));
/// (Redis prefix, owner id) → the owner's hidden monitored tags.
type TagsByOwner = TtlMap<(String, i32), Arc<[String]>>;
static HIDDEN_TAGS: LazyLock<TagsByOwner> =
    LazyLock::new(|| TtlMap::new(PREFS_TTL, 65_536, usize::MAX));

/// The scope part of every cache key for this context.
pub fn scope(ctx: &Ctx) -> String {
    format!("{}|{}", ctx.kv.key(""), ctx.vault_base_url)
}

/// The current feeds generation (mirrored briefly); `None` when Redis cannot say, in which
/// case nothing is cached.
pub async fn feeds_generation(ctx: &Ctx) -> Option<u64> {
    generation(ctx, kv::cache::FEEDS).await
}

async fn generation(ctx: &Ctx, family: &str) -> Option<u64> {
    let name = ctx.kv.key(family);
    if let Some(g) = GENERATIONS.get(&name) {
        return Some(g);
    }
    match ctx.kv.generation(family).await {
        Ok(g) => {
            GENERATIONS.put(name, g, 0);
            Some(g)
        }
        Err(e) => {
            tracing::warn!(error = %e, family, "cache generation unavailable; not caching");
            None
        }
    }
}

/// The registered player with an active owner behind `key`, or `None`. Only found players are
/// remembered, so a registration counts at once; what ends access (deletion, a ban, a
/// deactivated owner, a role change) bumps the `players` generation, which this process sees
/// within [`GENERATION_TTL`]. Without Redis every call reads the database.
pub async fn active_player(
    ctx: &Ctx,
    key: uuid::Uuid,
) -> Result<Option<db::players::ActivePlayer>, db::DbError> {
    let generation = generation(ctx, kv::cache::PLAYERS).await;
    let slot = (ctx.kv.key(""), key);
    if let Some(g) = generation {
        if let Some((at, p)) = PLAYERS.get(&slot) {
            if at == g {
                return Ok(Some(p));
            }
        }
    }
    let found = db::players::find_active_by_key(&ctx.db, key).await?;
    if let (Some(g), Some(p)) = (generation, &found) {
        PLAYERS.put(slot, (g, p.clone()), 0);
    }
    Ok(found)
}

pub fn page(key: &PageKey, generation: u64) -> Option<Arc<Page>> {
    PAGES
        .get(key)
        .and_then(|(g, p)| (g == generation).then_some(p))
}

pub fn store_page(key: PageKey, generation: u64, page: Arc<Page>) {
    let bytes = page.bytes();
    PAGES.put(key, (generation, page), bytes);
}

/// One lock per page being rendered, so that when a page expires (every [`PAGE_TTL`], or all
/// at once on a generation bump) the players asking for it wait for one rendering instead of
/// each running the same query: hundreds of concurrent misses would otherwise queue every
/// other request behind them.
type Renders = Mutex<HashMap<(PageKey, u64), Arc<Rendering>>>;
static RENDERS: LazyLock<Renders> = LazyLock::new(|| Mutex::new(HashMap::new()));

#[derive(Default)]
struct Rendering {
    turn: tokio::sync::Mutex<()>,
    /// Set when a rendering failed: those still waiting then render side by side rather than
    /// one after another (a failing database would otherwise make the last wait N timeouts).
    failed: std::sync::atomic::AtomicBool,
}

/// The cached page of `key` under `generation`, else the one `render` makes (stored for the
/// next callers). Concurrent callers with the same key and generation share one rendering.
pub async fn page_or_render<F, Fut, E>(
    key: PageKey,
    generation: u64,
    render: F,
) -> Result<Arc<Page>, E>
where
    F: FnOnce(PageKey) -> Fut,
    Fut: std::future::Future<Output = Result<Page, E>>,
{
    if let Some(p) = page(&key, generation) {
        return Ok(p);
    }
    let slot = (key, generation);
    let rendering = match RENDERS.lock() {
        Ok(mut m) => m.entry(slot.clone()).or_default().clone(),
        Err(_) => Arc::default(),
    };
    let turn = rendering.turn.lock().await;
    if let Some(p) = page(&slot.0, generation) {
        return Ok(p);
    }
    if rendering.failed.load(std::sync::atomic::Ordering::Acquire) {
        drop(turn);
    }
    // Removed however this ends (stored, failed, or the caller gone mid-render).
    let done = RenderDone(slot, rendering.clone());
    match render(done.0 .0.clone()).await {
        Ok(p) => {
            let p = Arc::new(p);
            store_page(done.0 .0.clone(), generation, p.clone());
            Ok(p)
        }
        Err(e) => {
            rendering
                .failed
                .store(true, std::sync::atomic::Ordering::Release);
            Err(e)
        }
    }
}

struct RenderDone((PageKey, u64), Arc<Rendering>);

impl Drop for RenderDone {
    fn drop(&mut self) {
        if let Ok(mut m) = RENDERS.lock() {
            // Only our own entry: a newer one for the same page may have replaced it.
            if m.get(&self.0).is_some_and(|r| Arc::ptr_eq(r, &self.1)) {
                m.remove(&self.0);
            }
        }
    }
}

/// The monitored hashtags this owner has not approved (posts carrying one stay hidden).
pub async fn hidden_tags(ctx: &Ctx, owner_id: i32) -> Result<Arc<[String]>, db::DbError> {
    let key = (ctx.kv.key(""), owner_id);
    if let Some(t) = HIDDEN_TAGS.get(&key) {
        return Ok(t);
    }
    let approved = db::player_feed_lookups::approved_hashtags(&ctx.db, owner_id).await?;
    let hidden: Arc<[String]> = domain::limits::MONITORED_HASHTAGS
        .iter()
        .filter(|t| !approved.iter().any(|a| a == *t))
        .map(|t| t.to_string())
        .collect();
    HIDDEN_TAGS.put(key, hidden.clone(), 0);
    Ok(hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(scope: &str) -> PageKey {
        PageKey {
            scope: scope.into(),
            channel: ChannelFilter::Everything,
            private_ok_for: None,
            hidden_tags: Arc::from(Vec::<String>::new()),
            order: Order::IdDesc,
            start: PageStart::Offset(0),
            limit: 32,
            criteria: Criteria::default(),
            include: IncludeFields::default(),
        }
    }

    fn page_of(n: usize) -> Page {
        Page {
            posts: vec![b"{}".to_vec(); n],
            has_more: false,
            next_cursor: None,
            resume: Vec::new(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_share_one_rendering() {
        let renders = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let scope = uuid::Uuid::new_v4().to_string();
        let calls: Vec<_> = (0..50)
            .map(|_| {
                let (renders, k) = (renders.clone(), key(&scope));
                tokio::spawn(async move {
                    page_or_render(k, 1, |_| async move {
                        renders.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, ()>(page_of(3))
                    })
                    .await
                })
            })
            .collect();
        for c in calls {
            assert_eq!(c.await.unwrap().unwrap().posts.len(), 3);
        }
        assert_eq!(renders.load(std::sync::atomic::Ordering::SeqCst), 1);
        // Nothing is left behind, and another generation renders anew.
        assert!(RENDERS
            .lock()
            .unwrap()
            .keys()
            .all(|(k, _)| k.scope != scope));
        let p = page_or_render(key(&scope), 2, |_| async { Ok::<_, ()>(page_of(5)) }).await;
        assert_eq!(p.unwrap().posts.len(), 5);
    }

    #[tokio::test]
    async fn a_failed_rendering_is_not_stored_and_the_next_caller_tries_again() {
        let scope = uuid::Uuid::new_v4().to_string();
        let r = page_or_render(key(&scope), 1, |_| async { Err::<Page, _>("db down") }).await;
        assert_eq!(r.err(), Some("db down"));
        let p = page_or_render(key(&scope), 1, |_| async { Ok::<_, &str>(page_of(2)) }).await;
        assert_eq!(p.unwrap().posts.len(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_a_failure_the_waiters_do_not_queue_behind_each_other() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        let scope = uuid::Uuid::new_v4().to_string();
        let active = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let calls: Vec<_> = (0..10)
            .map(|_| {
                let (k, active, most) = (key(&scope), active.clone(), most.clone());
                tokio::spawn(async move {
                    page_or_render(k, 1, |_| async move {
                        most.fetch_max(active.fetch_add(1, SeqCst) + 1, SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        active.fetch_sub(1, SeqCst);
                        Err::<Page, _>("timeout")
                    })
                    .await
                })
            })
            .collect();
        for c in calls {
            assert_eq!(c.await.unwrap().err(), Some("timeout"));
        }
        // One rendering failed alone; the callers that waited for it then render side by side.
        assert!(most.load(SeqCst) > 1, "renderings ran one after another");
    }

    #[test]
    fn entries_expire() {
        let m: TtlMap<u8, u8> = TtlMap::new(Duration::ZERO, 10, 100);
        m.put(1, 1, 0);
        assert_eq!(m.get(&1), None);
        let m: TtlMap<u8, u8> = TtlMap::new(Duration::from_secs(60), 10, 100);
        m.put(1, 7, 0);
        assert_eq!(m.get(&1), Some(7));
    }

    #[test]
    fn the_map_stays_within_its_entry_and_byte_budgets() {
        let m: TtlMap<u32, u32> = TtlMap::new(Duration::from_secs(60), 8, 1000);
        for i in 0..100 {
            m.put(i, i, 10);
            assert!(m.len() <= 8);
        }
        let m: TtlMap<u32, u32> = TtlMap::new(Duration::from_secs(60), 1000, 100);
        for i in 0..100 {
            m.put(i, i, 30);
            assert!(m.len() * 30 <= 100, "{} entries", m.len());
        }
        // Replacing an entry does not double-count it.
        let m: TtlMap<u32, u32> = TtlMap::new(Duration::from_secs(60), 1000, 100);
        for _ in 0..10 {
            m.put(1, 1, 60);
        }
        m.put(2, 2, 30);
        assert_eq!((m.get(&1), m.get(&2)), (Some(1), Some(2)));
    }
}
