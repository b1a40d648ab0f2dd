//! Redis pub/sub under the deployment prefix: publishing, and the dedicated subscriber
//! connection, so events raised on one api instance reach connections held by another.
use crate::{Kv, KvResult};

impl Kv {
    /// Publishes `payload` on the logical channel `name`; returns how many subscribers got it.
    pub async fn publish(&self, name: &str, payload: &str) -> KvResult<i64> {
        let mut c = self.conn();
        let n: i64 = redis::cmd("PUBLISH")
            .arg(self.key(name))
            .arg(payload)
            .query_async(&mut c)
            .await?;
        Ok(n)
    }
}

/// The channel every new notification is published on (payload: `{"user_id", "item"}`).
pub const NOTIFICATIONS: &str = "notifications";

/// The channel player events for owners' SSE streams are published on (payload:
/// `{"user_id", "event", "data"}`, `event` being `state`, `capabilities` or `status`).
pub const PLAYER_EVENTS: &str = "player_events";

pub use redis::aio::{PubSubSink, PubSubStream};
pub use redis::Msg;

/// Opens a connection of its own (a subscribed connection can do nothing else, so the shared
/// multiplexed one cannot be used) and subscribes it to `channel`, a full key from
/// [`Kv::key`]. The stream ends when the connection is lost; the caller reconnects.
pub async fn subscribe(redis_url: &str, channel: &str) -> KvResult<(PubSubSink, PubSubStream)> {
    let client = redis::Client::open(redis_url)?;
    let (mut sink, stream) = client.get_async_pubsub().await?.split();
    sink.subscribe(channel).await?;
    Ok((sink, stream))
}

/// Round trip on a subscribed connection, to notice a peer that vanished without closing.
pub async fn ping(sink: &mut PubSubSink) -> KvResult<()> {
    let _: redis::Value = sink.ping().await?;
    Ok(())
}

/// The payload of a message as text (publishers here only send UTF-8 JSON).
pub fn payload(msg: &Msg) -> KvResult<String> {
    Ok(msg.get_payload::<String>()?)
}
