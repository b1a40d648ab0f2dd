//! The live notification hub. Every api instance publishes new notifications on one Redis
//! channel (`crate::notify`); each process holds ONE subscription to it, on a connection of its
//! own, and hands each message to the SSE connections it holds for the recipient. The
//! subscription starts with the first live connection and reconnects with backoff when Redis
//! goes away.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once};
use std::time::Duration;

use futures::StreamExt;
use kv::pubsub::{Msg, PubSubSink, PubSubStream};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, watch};

use crate::dto::notification::Published;

/// Events queued per connection. A client that stops reading misses what exceeds this (the
/// list and the unread count stay authoritative) instead of growing the process's memory.
pub const CONNECTION_BUFFER: usize = 32;
const BACKOFF_MIN: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A subscribed connection only ever reads, so a silently dead peer is found by pinging.
const PING_EVERY: Duration = Duration::from_secs(30);
const PING_TIMEOUT: Duration = Duration::from_secs(5);

/// Cheap to clone; all clones share one subscription and one table of connections.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    redis_url: String,
    channel: String,
    start: Once,
    /// True while the subscription is live.
    live: watch::Sender<bool>,
    next_id: AtomicU64,
    clients: Mutex<HashMap<i32, Vec<Slot>>>,
    /// Turns one published message into its recipient and the text handed to the connections.
    decode: Decoder,
}

/// `(recipient user id, event text)` of a published message; `None` drops it.
pub type Decoder = fn(&str) -> Option<(i32, Arc<str>)>;

struct Slot {
    id: u64,
    tx: mpsc::Sender<Arc<str>>,
}

/// One live connection's events: each is a notification item as JSON. Ends (yields `None`)
/// when the hub asks the client to reconnect. Dropping it unregisters the connection.
pub struct Feed {
    rx: mpsc::Receiver<Arc<str>>,
    inner: Arc<Inner>,
    user_id: i32,
    id: u64,
}

impl Feed {
    pub async fn recv(&mut self) -> Option<Arc<str>> {
        self.rx.recv().await
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        let mut clients = self.inner.lock();
        if let Some(slots) = clients.get_mut(&self.user_id) {
            slots.retain(|s| s.id != self.id);
            if slots.is_empty() {
                clients.remove(&self.user_id);
            }
        }
        metrics::gauge!("realtime_connections").decrement(1.0);
    }
}

impl Hub {
    /// The notifications hub. `channel` is the full Redis channel name (with the deployment
    /// prefix).
    pub fn new(redis_url: &str, channel: String) -> Self {
        Self::with_decoder(redis_url, channel, decode_notification)
    }

    /// A hub for another channel whose messages name their recipient (the owners' player events).
    pub fn with_decoder(redis_url: &str, channel: String, decode: Decoder) -> Self {
        Self {
            inner: Arc::new(Inner {
                redis_url: redis_url.to_string(),
                channel,
                start: Once::new(),
                live: watch::Sender::new(false),
                next_id: AtomicU64::new(0),
                clients: Mutex::new(HashMap::new()),
                decode,
            }),
        }
    }

    /// Registers a connection for `user_id` and waits up to `wait` for the subscription to be
    /// live, so nothing published after this returns is missed. When Redis is down it returns
    /// anyway: the stream stays open and is told to reconnect once the subscription is back.
    pub async fn join(&self, user_id: i32, wait: Duration) -> Feed {
        let feed = self.register(user_id);
        self.start();
        let mut live = self.inner.live.subscribe();
        let _ = tokio::time::timeout(wait, live.wait_for(|l| *l)).await;
        feed
    }

    /// Connections this process holds.
    pub fn connections(&self) -> usize {
        self.inner.lock().values().map(Vec::len).sum()
    }

    /// Ends every connection's feed, so clients reconnect (to this or another instance) and
    /// get a fresh unread count. Used after a lost subscription and on shutdown.
    pub fn close_all(&self) {
        let dropped = std::mem::take(&mut *self.inner.lock());
        drop(dropped);
    }

    /// Registers a connection without starting the subscription (`join` does both).
    pub(crate) fn register(&self, user_id: i32) -> Feed {
        let (tx, rx) = mpsc::channel(CONNECTION_BUFFER);
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        self.inner
            .lock()
            .entry(user_id)
            .or_default()
            .push(Slot { id, tx });
        metrics::gauge!("realtime_connections").increment(1.0);
        Feed {
            rx,
            inner: self.inner.clone(),
            user_id,
            id,
        }
    }

    fn start(&self) {
        self.inner.start.call_once(|| {
            tokio::spawn(run(self.clone()));
        });
    }

    /// Hands one published message to the recipient's connections on this process.
    pub(crate) fn deliver(&self, payload: &str) {
        let Some((user_id, item)) = (self.inner.decode)(payload) else {
            return;
        };
        let mut clients = self.inner.lock();
        let Some(slots) = clients.get_mut(&user_id) else {
            return;
        };
        slots.retain(|s| match s.tx.try_send(item.clone()) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                metrics::counter!("realtime_dropped_total").increment(1);
                true
            }
            Err(TrySendError::Closed(_)) => false,
        });
        if slots.is_empty() {
            clients.remove(&user_id);
        }
    }
}

/// A notification message: the recipient, and the item itself as the event text.
fn decode_notification(payload: &str) -> Option<(i32, Arc<str>)> {
    let published: Published = match serde_json::from_str(payload) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "realtime: unreadable notification message");
            return None;
        }
    };
    match serde_json::to_string(&published.item) {
        Ok(s) => Some((published.user_id, s.into())),
        Err(e) => {
            tracing::warn!(error = %e, "realtime: notification not serialisable");
            None
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, HashMap<i32, Vec<Slot>>> {
        // The table stays consistent whatever a panicking holder did, so poisoning is ignored.
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Keeps the subscription up for the life of the process.
async fn run(hub: Hub) {
    let inner = &hub.inner;
    let mut backoff = BACKOFF_MIN;
    let mut lost = false;
    loop {
        let attempt = tokio::time::timeout(
            CONNECT_TIMEOUT,
            kv::pubsub::subscribe(&inner.redis_url, &inner.channel),
        )
        .await;
        match attempt {
            Ok(Ok((sink, stream))) => {
                if lost {
                    // Whatever was published while down is gone; reconnecting clients
                    // re-read the unread count.
                    hub.close_all();
                }
                inner.live.send_replace(true);
                tracing::info!(channel = %inner.channel, "realtime: subscribed");
                backoff = BACKOFF_MIN;
                pump(&hub, sink, stream).await;
                inner.live.send_replace(false);
                lost = true;
                tracing::warn!("realtime: subscription lost; reconnecting");
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "realtime: cannot subscribe"),
            Err(_) => tracing::warn!("realtime: subscribing timed out"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// Delivers messages until the connection ends or stops answering pings.
async fn pump(hub: &Hub, mut sink: PubSubSink, mut stream: PubSubStream) {
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.tick().await;
    loop {
        tokio::select! {
            msg = stream.next() => match msg {
                Some(m) => deliver_msg(hub, &m),
                None => return,
            },
            _ = ping.tick() => {
                let pong = tokio::time::timeout(PING_TIMEOUT, kv::pubsub::ping(&mut sink)).await;
                if !matches!(pong, Ok(Ok(()))) {
                    return;
                }
            }
        }
    }
}

fn deliver_msg(hub: &Hub, msg: &Msg) {
    match kv::pubsub::payload(msg) {
        Ok(text) => hub.deliver(&text),
        Err(e) => tracing::warn!(error = %e, "realtime: unreadable message payload"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::notification::Notification;

    fn published(user_id: i32, n: u32) -> String {
        let item = Notification {
            id: uuid::Uuid::new_v4(),
            user_id,
            notification_type: "follow".into(),
            post_id: None,
            actor_handle: Some(format!("actor{n}")),
            actor_avatar_url: None,
            actor_public_sqid: None,
            emoji: None,
            comment_id: None,
            comment_preview: None,
            content_title: None,
            content_sqid: None,
            content_art_url: None,
            is_read: false,
            created_at: chrono::Utc::now(),
        };
        serde_json::to_string(&Published { user_id, item }).unwrap()
    }

    fn hub() -> Hub {
        Hub::new("redis://127.0.0.1:6379", "unused".into())
    }

    #[tokio::test]
    async fn delivers_only_to_the_recipients_connections() {
        let hub = hub();
        let (mut a1, mut a2, mut b) = (hub.register(1), hub.register(1), hub.register(2));
        hub.deliver(&published(1, 0));
        for f in [&mut a1, &mut a2] {
            let item: serde_json::Value = serde_json::from_str(&f.recv().await.unwrap()).unwrap();
            assert_eq!(item["user_id"], 1);
            assert_eq!(item["actor_handle"], "actor0");
        }
        assert!(b.rx.try_recv().is_err());
        hub.deliver("not json");
        assert!(a1.rx.try_recv().is_err());
    }

    #[tokio::test]
    async fn a_slow_connection_keeps_at_most_the_buffer() {
        let hub = hub();
        let mut slow = hub.register(7);
        for n in 0..(CONNECTION_BUFFER as u32 * 3) {
            hub.deliver(&published(7, n));
        }
        let mut got = 0;
        while slow.rx.try_recv().is_ok() {
            got += 1;
        }
        assert_eq!(got, CONNECTION_BUFFER);
        // Still registered: later events arrive once it has room again.
        hub.deliver(&published(7, 999));
        assert!(slow.rx.try_recv().is_ok());
    }

    #[tokio::test]
    async fn dropping_and_closing_unregister() {
        let hub = hub();
        let a = hub.register(1);
        let mut b = hub.register(2);
        assert_eq!(hub.connections(), 2);
        drop(a);
        assert_eq!(hub.connections(), 1);
        hub.close_all();
        assert_eq!(hub.connections(), 0);
        assert!(b.recv().await.is_none());
    }

    #[tokio::test]
    async fn subscribes_and_receives_published_messages() {
        let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let kv = kv::Kv::connect(&url, &prefix).await.unwrap();
        let hub = Hub::new(&url, kv.key(kv::pubsub::NOTIFICATIONS));
        let mut feed = hub.join(5, Duration::from_secs(5)).await;
        assert!(*hub.inner.live.borrow());
        let n = kv
            .publish(kv::pubsub::NOTIFICATIONS, &published(5, 1))
            .await
            .unwrap();
        assert_eq!(n, 1);
        let got = tokio::time::timeout(Duration::from_secs(2), feed.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(got.contains("\"actor_handle\":\"actor1\""));
    }

    /// A TCP relay to Redis whose connections the test can cut, as a Redis restart would.
    async fn relay(redis: &str) -> (u16, Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let conns: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let (redis, held) = (redis.to_string(), conns.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut outbound = tokio::net::TcpStream::connect(&redis).await.unwrap();
                held.lock().unwrap().push(tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }));
            }
        });
        (port, conns)
    }

    #[tokio::test]
    async fn a_lost_subscription_comes_back_and_tells_clients_to_reconnect() {
        let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
        let kv = kv::Kv::connect("redis://127.0.0.1:6379", &prefix)
            .await
            .unwrap();
        let (port, conns) = relay("127.0.0.1:6379").await;
        let hub = Hub::new(
            &format!("redis://127.0.0.1:{port}"),
            kv.key(kv::pubsub::NOTIFICATIONS),
        );
        let mut before = hub.join(9, Duration::from_secs(5)).await;
        assert!(*hub.inner.live.borrow());
        for c in conns.lock().unwrap().drain(..) {
            c.abort();
        }
        // Events published while down are lost, so the old stream is ended for a resync.
        let ended = tokio::time::timeout(Duration::from_secs(5), before.recv()).await;
        assert!(matches!(ended, Ok(None)), "old feed not closed: {ended:?}");
        let mut after = hub.join(9, Duration::from_secs(5)).await;
        assert!(*hub.inner.live.borrow());
        kv.publish(kv::pubsub::NOTIFICATIONS, &published(9, 2))
            .await
            .unwrap();
        let got = tokio::time::timeout(Duration::from_secs(2), after.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(got.contains("\"actor_handle\":\"actor2\""));
    }

    #[tokio::test]
    async fn pings_on_a_subscribed_connection_do_not_disturb_messages() {
        let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
        let kv = kv::Kv::connect("redis://127.0.0.1:6379", &prefix)
            .await
            .unwrap();
        let channel = kv.key(kv::pubsub::NOTIFICATIONS);
        let (mut sink, mut stream) = kv::pubsub::subscribe("redis://127.0.0.1:6379", &channel)
            .await
            .unwrap();
        kv::pubsub::ping(&mut sink).await.unwrap();
        kv.publish(kv::pubsub::NOTIFICATIONS, "one").await.unwrap();
        kv::pubsub::ping(&mut sink).await.unwrap();
        kv.publish(kv::pubsub::NOTIFICATIONS, "two").await.unwrap();
        for want in ["one", "two"] {
            let msg = tokio::time::timeout(Duration::from_secs(2), stream.next())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(kv::pubsub::payload(&msg).unwrap(), want);
        }
    }
}
