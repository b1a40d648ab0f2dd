//! A simulated p3a player (player-protocol.md §4): MQTT 3.1.1 over mutual TLS with the p3a's
//! client id, username, LWT, subscriptions, retained capabilities and state, 30 s status, and
//! its request engine (32-hex request ids, 10 s timeout, three tries with the same id, replies
//! matched by JSON `request_id`). Also the device HTTP calls ([`DeviceHttp`]), the channel walk
//! and vault URL recomputation ([`walk`]), and a pool for benchmarks ([`PlayerPool`]).
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rumqttc::{AsyncClient, QoS};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use uuid::Uuid;

mod commands;
mod connection;
mod pool;
mod provision;
mod sim_config;
mod tls;
pub mod walk;

pub use pool::PlayerPool;
pub use provision::{Credentials, DeviceHttp, Provisioned};
pub use sim_config::{p3a_capabilities, SimConfig, SimState};
pub use walk::{vault_url, ChannelWalk, WalkEnd, WalkOptions};

/// What can go wrong talking like a player.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("bad TLS material: {0}")]
    Tls(String),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("no reply to request {0} after every try")]
    Timeout(String),
    #[error("the MQTT client is closed: {0}")]
    Client(#[from] rumqttc::ClientError),
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    #[error("unexpected HTTP {status}: {body}")]
    Status { status: u16, body: String },
    #[error("unexpected reply: {0}")]
    Reply(Value),
    #[error("a reply that is not JSON: {0}")]
    BadReply(String),
}

/// Messages the player received, one queue each.
struct Inbox {
    commands: tokio::sync::Mutex<mpsc::Receiver<Value>>,
    view_acks: tokio::sync::Mutex<mpsc::Receiver<Value>>,
    unmatched: tokio::sync::Mutex<mpsc::Receiver<Value>>,
}

/// State shared with the connection task.
struct Shared {
    cfg: SimConfig,
    client: AsyncClient,
    /// Replies are handed over as bytes: whoever waits decides how much of them to parse.
    pending: Mutex<HashMap<String, oneshot::Sender<Vec<u8>>>>,
    /// true once the SUBACK arrived and the on-connect publishes are queued.
    ready: watch::Sender<bool>,
    /// (SUBACK seen, on-connect publishes queued) for the current connection.
    progress: Mutex<(bool, bool)>,
    /// true once the connection task stopped for good (no reconnects configured).
    ended: watch::Sender<bool>,
    last_error: Mutex<Option<String>>,
    state: Mutex<SimState>,
    connects: AtomicU32,
    replies: AtomicU64,
    commands: mpsc::Sender<Value>,
    view_acks: mpsc::Sender<Value>,
    unmatched: mpsc::Sender<Value>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One connected simulated player. Dropping it kills the connection (the LWT fires).
pub struct PlayerSim {
    shared: Arc<Shared>,
    inbox: Inbox,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl PlayerSim {
    /// Connects like the p3a and returns once subscribed and the capabilities, state and
    /// `online` status are queued; fails with the broker's or the TLS layer's refusal.
    pub async fn connect(cfg: SimConfig) -> Result<Self, SimError> {
        let (client, mut eventloop) = AsyncClient::new(cfg.mqtt_options()?, 256);
        eventloop.set_network_options(no_delay());
        let (commands, commands_rx) = mpsc::channel(256);
        let (view_acks, view_acks_rx) = mpsc::channel(256);
        let (unmatched, unmatched_rx) = mpsc::channel(256);
        let shared = Arc::new(Shared {
            state: Mutex::new(cfg.initial_state),
            cfg,
            client,
            pending: Mutex::new(HashMap::new()),
            ready: watch::channel(false).0,
            progress: Mutex::new((false, false)),
            ended: watch::channel(false).0,
            last_error: Mutex::new(None),
            connects: AtomicU32::new(0),
            replies: AtomicU64::new(0),
            commands,
            view_acks,
            unmatched,
        });
        let driver = tokio::spawn(connection::drive(shared.clone(), eventloop));
        let heartbeat = tokio::spawn(connection::heartbeat(shared.clone()));
        let sim = Self {
            shared,
            inbox: Inbox {
                commands: tokio::sync::Mutex::new(commands_rx),
                view_acks: tokio::sync::Mutex::new(view_acks_rx),
                unmatched: tokio::sync::Mutex::new(unmatched_rx),
            },
            tasks: Mutex::new(vec![driver, heartbeat]),
        };
        let timeout = sim.shared.cfg.connect_timeout;
        let mut ended = sim.shared.ended.subscribe();
        let connected = tokio::select! {
            ok = sim.wait_connected(timeout) => ok,
            _ = ended.wait_for(|e| *e) => false,
        };
        if connected {
            return Ok(sim);
        }
        let why = lock(&sim.shared.last_error)
            .clone()
            .unwrap_or_else(|| format!("no CONNACK/SUBACK within {timeout:?}"));
        sim.abort();
        Err(SimError::Connect(why))
    }

    pub fn player_key(&self) -> Uuid {
        self.shared.cfg.player_key
    }

    pub fn config(&self) -> &SimConfig {
        &self.shared.cfg
    }

    /// The OPC state the player currently reports.
    pub fn state(&self) -> SimState {
        *lock(&self.shared.state)
    }

    /// True while the session is up and subscribed.
    pub fn is_connected(&self) -> bool {
        *self.shared.ready.borrow()
    }

    /// How many times the broker accepted this player (reconnects count).
    pub fn connect_count(&self) -> u32 {
        self.shared.connects.load(Ordering::Acquire)
    }

    /// Replies received on `response/#`, matched or not.
    pub fn replies_received(&self) -> u64 {
        self.shared.replies.load(Ordering::Acquire)
    }

    /// The last connection error (TLS refusal, broker kick...), if any.
    pub fn last_error(&self) -> Option<String> {
        lock(&self.shared.last_error).clone()
    }

    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        wait_for(&self.shared.ready, true, timeout).await
    }

    /// Waits until the broker ends the session (a kick, a broker restart).
    pub async fn wait_disconnected(&self, timeout: Duration) -> bool {
        wait_for(&self.shared.ready, false, timeout).await
    }

    /// Sends a request as the p3a does: adds `request_id` (32 hex), `request_type` and
    /// `player_key` to `fields`, tries up to three times with the same id, returns the reply.
    pub async fn request(&self, request_type: &str, fields: Value) -> Result<Value, SimError> {
        let request_id = new_request_id();
        let mut body = match fields {
            Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        body.insert("request_id".into(), json!(request_id));
        body.insert("request_type".into(), json!(request_type));
        body.insert("player_key".into(), json!(self.player_key()));
        let tries = 1 + self.shared.cfg.retry_pauses.len();
        self.request_as(&request_id, &Value::Object(body), tries)
            .await
    }

    /// Publishes `body` unchanged to `request/{request_id}` up to `tries` times (the configured
    /// pauses between tries) and waits for a reply whose JSON `request_id` is `request_id`.
    pub async fn request_as(
        &self,
        request_id: &str,
        body: &Value,
        tries: usize,
    ) -> Result<Value, SimError> {
        let raw = self.request_raw_as(request_id, body, tries).await?;
        serde_json::from_slice(&raw).map_err(|e| SimError::BadReply(e.to_string()))
    }

    /// [`Self::request`], returning the reply's bytes unparsed (the benchmark reads only a few
    /// fields of each reply, so the client's JSON work does not crowd the server it measures).
    pub async fn request_raw(
        &self,
        request_type: &str,
        fields: Value,
    ) -> Result<Vec<u8>, SimError> {
        let request_id = new_request_id();
        let mut body = match fields {
            Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        body.insert("request_id".into(), json!(request_id));
        body.insert("request_type".into(), json!(request_type));
        body.insert("player_key".into(), json!(self.player_key()));
        let tries = 1 + self.shared.cfg.retry_pauses.len();
        self.request_raw_as(&request_id, &Value::Object(body), tries)
            .await
    }

    async fn request_raw_as(
        &self,
        request_id: &str,
        body: &Value,
        tries: usize,
    ) -> Result<Vec<u8>, SimError> {
        let (tx, mut rx) = oneshot::channel();
        lock(&self.shared.pending).insert(request_id.to_string(), tx);
        let topic = protocol::topic::request(&self.player_key(), request_id);
        let payload = body.to_string().into_bytes();
        let cfg = &self.shared.cfg;
        for attempt in 0..tries.max(1) {
            if attempt > 0 {
                let pause = cfg.retry_pauses.get(attempt - 1).copied();
                tokio::time::sleep(pause.unwrap_or(Duration::from_secs(2))).await;
            }
            let sent = self
                .shared
                .client
                .publish(topic.clone(), QoS::AtLeastOnce, false, payload.clone())
                .await;
            if let Err(e) = sent {
                lock(&self.shared.pending).remove(request_id);
                return Err(e.into());
            }
            if let Ok(Ok(reply)) = tokio::time::timeout(cfg.request_timeout, &mut rx).await {
                return Ok(reply);
            }
        }
        lock(&self.shared.pending).remove(request_id);
        Err(SimError::Timeout(request_id.to_string()))
    }

    /// A reply no pending request claimed (late duplicates, `response/unknown`).
    pub async fn recv_unmatched(&self, timeout: Duration) -> Option<Value> {
        recv(&self.inbox.unmatched, timeout).await
    }

    /// The next command envelope received on `…/command`.
    pub async fn recv_command(&self, timeout: Duration) -> Option<Value> {
        recv(&self.inbox.commands, timeout).await
    }

    /// The next view ack received on `…/view/ack`.
    pub async fn recv_view_ack(&self, timeout: Duration) -> Option<Value> {
        recv(&self.inbox.view_acks, timeout).await
    }

    /// Acks a command on `…/command/ack` (`status` ok, error or unsupported).
    pub async fn ack_command(
        &self,
        command_id: &str,
        status: &str,
        error: Option<&str>,
    ) -> Result<(), SimError> {
        let body = json!({"command_id": command_id, "status": status, "error": error});
        self.publish(
            protocol::topic::command_ack(&self.player_key()),
            body,
            false,
        )
        .await
    }

    /// A view event as the p3a's tracker builds it (timestamp now, `play_order` 1, empty
    /// timezone, no channel context, no ack requested); adjust fields before [`Self::send_view`].
    pub fn view_event(&self, post_id: i64, intent: &str, channel: &str) -> Value {
        json!({
            "post_id": post_id,
            "timestamp": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "timezone": "",
            "intent": intent,
            "play_order": 1,
            "channel": channel,
            "player_key": self.player_key().to_string(),
            "channel_user_sqid": null,
            "channel_hashtag": null,
            "request_ack": false,
        })
    }

    pub async fn send_view(&self, event: &Value) -> Result<(), SimError> {
        self.publish(
            protocol::topic::view(&self.player_key()),
            event.clone(),
            false,
        )
        .await
    }

    /// Publishes a status message (`online`/`offline`) as the p3a's heartbeat does.
    pub async fn publish_status(
        &self,
        status: &str,
        current_post_id: Option<i64>,
    ) -> Result<(), SimError> {
        let topic = protocol::topic::status(&self.player_key());
        self.publish(
            topic,
            connection::status_body(&self.shared.cfg, status, current_post_id),
            false,
        )
        .await
    }

    /// Publishes (retained) a state message, e.g. `{"brightness": 42}`.
    pub async fn publish_state(&self, state: Value) -> Result<(), SimError> {
        self.publish(protocol::topic::state(&self.player_key()), state, true)
            .await
    }

    /// Publishes (retained) a capabilities manifest.
    pub async fn publish_capabilities(&self, caps: Value) -> Result<(), SimError> {
        let topic = protocol::topic::capabilities(&self.player_key());
        self.publish(topic, caps, true).await
    }

    /// Publishes raw bytes anywhere (to probe the ACL or send malformed payloads).
    pub async fn publish_raw(
        &self,
        topic: &str,
        payload: impl Into<Vec<u8>>,
        retain: bool,
    ) -> Result<(), SimError> {
        let payload: Vec<u8> = payload.into();
        self.shared
            .client
            .publish(topic, QoS::AtLeastOnce, retain, payload)
            .await?;
        Ok(())
    }

    async fn publish(&self, topic: String, body: Value, retain: bool) -> Result<(), SimError> {
        self.publish_raw(&topic, body.to_string(), retain).await
    }

    /// The recomputed download URL of a post, as the p3a derives it (§4.2).
    pub fn download_url(&self, post: &Value) -> Option<String> {
        let key = post.get("storage_key")?.as_str()?;
        let art_url = post.get("art_url")?.as_str().unwrap_or_default();
        Some(vault_url(&self.shared.cfg.vault_base_url, key, art_url))
    }

    /// Drops the socket without DISCONNECT, as a power cut would: the broker publishes the LWT.
    pub fn kill(&self) {
        self.abort();
    }

    /// Sends DISCONNECT (no LWT) and stops.
    pub async fn disconnect(&self) {
        if self.shared.client.disconnect().await.is_ok() {
            self.wait_disconnected(Duration::from_secs(2)).await;
        }
        self.abort();
    }

    fn abort(&self) {
        for t in lock(&self.tasks).drain(..) {
            t.abort();
        }
        self.shared.ready.send_replace(false);
    }
}

impl Drop for PlayerSim {
    fn drop(&mut self) {
        self.abort();
    }
}

/// A request id as the p3a makes them: 32 lowercase hex characters.
pub fn new_request_id() -> String {
    Uuid::new_v4().simple().to_string()
}

async fn wait_for(ready: &watch::Sender<bool>, want: bool, timeout: Duration) -> bool {
    let mut rx = ready.subscribe();
    tokio::time::timeout(timeout, rx.wait_for(|v| *v == want))
        .await
        .is_ok_and(|r| r.is_ok())
}

async fn recv(rx: &tokio::sync::Mutex<mpsc::Receiver<Value>>, timeout: Duration) -> Option<Value> {
    let mut rx = rx.lock().await;
    tokio::time::timeout(timeout, rx.recv())
        .await
        .ok()
        .flatten()
}

/// Requests are small and answered fast: with Nagle's algorithm on (rumqttc's default), a
/// request queued behind an unacknowledged PUBACK waits for the peer's delayed ACK (~40 ms).
fn no_delay() -> rumqttc::NetworkOptions {
    let mut n = rumqttc::NetworkOptions::new();
    n.set_tcp_nodelay(true);
    n
}
