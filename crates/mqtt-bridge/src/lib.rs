//! The mqtt-bridge: one MQTT connection to the broker's internal listener that receives every
//! player message through shared subscriptions (`$share/<group>/…`, so several bridges split the
//! load and each message is handled by one of them), hands it to the `device` service and
//! publishes the replies and view acks. It reconnects forever and never exits on broker loss.
use std::future::Future;
use std::time::Duration;

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, QoS, SubscribeFilter};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

pub mod dedup;
mod dispatch;
mod sweep;
pub mod telemetry;

use dispatch::Dispatcher;

#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error("MQTT_BRIDGE_GROUP {0:?} must be non-empty and free of '/', '+' and '#'")]
    InvalidGroup(String),
}

/// How the bridge connects and how much work it takes on at once.
#[derive(Debug, Clone)]
pub struct Settings {
    pub broker_host: String,
    pub broker_port: u16,
    pub username: String,
    pub password: config::Secret,
    /// Shared-subscription group; bridges in one group split the messages between them.
    pub group: String,
    pub client_id: String,
    /// Requests handled at the same time (each may hold a database connection).
    pub max_concurrent_requests: usize,
    /// Requests received but not yet started beyond which new ones are dropped (the p3a
    /// retries after 10 s), so a flood cannot grow memory without bound.
    pub max_queued_requests: usize,
    /// Per-player ordered queues for status, capabilities, state, views and command acks.
    pub event_lanes: usize,
    /// Capacity of each lane; a full lane drops the message.
    pub lane_capacity: usize,
    pub sweep_interval: Duration,
    /// Lifetime of a request's claim, renewed while it is worked on; under the p3a's 10 s
    /// retry interval (see [`dedup`]).
    pub request_claim_secs: u64,
    /// How long a shutdown waits for requests in progress to be answered.
    pub shutdown_grace: Duration,
}

impl Settings {
    /// The bridge's settings from the shared configuration (internal listener, `svc_backend`).
    pub fn from_config(cfg: &config::Config) -> Self {
        Self {
            broker_host: cfg.mqtt_broker_host.clone(),
            broker_port: cfg.mqtt_broker_port,
            username: cfg.mqtt_username.clone(),
            password: cfg.mqtt_password.clone(),
            group: cfg.mqtt_bridge_group.clone(),
            client_id: format!("mqtt-bridge-{:08x}", rand::random::<u32>()),
            max_concurrent_requests: 32,
            max_queued_requests: 4096,
            event_lanes: 8,
            lane_capacity: 1024,
            sweep_interval: Duration::from_secs(60),
            request_claim_secs: 8,
            shutdown_grace: Duration::from_secs(10),
        }
    }

    fn validate(&self) -> Result<(), BridgeError> {
        let bad = |c: char| matches!(c, '/' | '+' | '#');
        if self.group.is_empty() || self.group.contains(bad) {
            return Err(BridgeError::InvalidGroup(self.group.clone()));
        }
        Ok(())
    }

    fn mqtt_options(&self) -> MqttOptions {
        let mut o = MqttOptions::new(&self.client_id, &self.broker_host, self.broker_port);
        o.set_credentials(&self.username, self.password.expose());
        o.set_keep_alive(Duration::from_secs(60));
        o.set_clean_session(true);
        // Replies to a p3a reach 128 KiB; device messages are small but capped the same way.
        o.set_max_packet_size(256 * 1024, 256 * 1024);
        o
    }
}

const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Runs the bridge until `shutdown` completes: then it unsubscribes (so the broker routes new
/// messages to the other bridges of the group), answers what it already took within
/// `shutdown_grace`, and disconnects cleanly.
pub async fn run(
    settings: Settings,
    ctx: device::Ctx,
    shutdown: impl Future<Output = ()>,
) -> Result<(), BridgeError> {
    run_observed(settings, ctx, shutdown, watch::channel(false).0).await
}

/// A bridge running in a task of this process (tests, benchmarks).
pub struct BridgeHandle {
    stop: Option<oneshot::Sender<()>>,
    subscribed: watch::Receiver<bool>,
    task: JoinHandle<Result<(), BridgeError>>,
}

impl BridgeHandle {
    /// Starts [`run`] in a task.
    pub fn spawn(settings: Settings, ctx: device::Ctx) -> Self {
        let (stop, stopped) = oneshot::channel::<()>();
        let (tx, subscribed) = watch::channel(false);
        let shutdown = async move {
            let _ = stopped.await;
        };
        let task = tokio::spawn(run_observed(settings, ctx, shutdown, tx));
        Self {
            stop: Some(stop),
            subscribed,
            task,
        }
    }

    /// True once the broker granted every subscription of the current connection, so messages
    /// published from now on reach this bridge (or its group).
    pub async fn wait_subscribed(&self, timeout: Duration) -> bool {
        let mut rx = self.subscribed.clone();
        tokio::time::timeout(timeout, rx.wait_for(|s| *s))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// True while connected and subscribed.
    pub fn is_subscribed(&self) -> bool {
        *self.subscribed.borrow()
    }

    /// Requests a graceful shutdown and waits for it.
    pub async fn shutdown(mut self) -> Result<(), BridgeError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "the bridge task failed");
                Ok(())
            }
        }
    }
}

impl Drop for BridgeHandle {
    fn drop(&mut self) {
        if self.stop.is_some() {
            self.task.abort();
        }
    }
}

async fn run_observed(
    settings: Settings,
    ctx: device::Ctx,
    shutdown: impl Future<Output = ()>,
    subscribed: watch::Sender<bool>,
) -> Result<(), BridgeError> {
    settings.validate()?;
    let (client, mut eventloop) = AsyncClient::new(settings.mqtt_options(), 1024);
    // Replies end in a partial segment that Nagle would hold until the broker's delayed ACK
    // (~40 ms): far more than the work behind a cached page.
    let mut net = rumqttc::NetworkOptions::new();
    net.set_tcp_nodelay(true);
    eventloop.set_network_options(net);
    let filters = protocol::topic::bridge_subscriptions(&settings.group);
    let dispatcher = Dispatcher::start(ctx.clone(), client.clone(), &settings);
    let sweeper = tokio::spawn(sweep::run(ctx, settings.sweep_interval));
    tokio::pin!(shutdown);
    let mut backoff = FIRST_BACKOFF;
    tracing::info!(client_id = %settings.client_id, group = %settings.group, "mqtt bridge starting");
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            event = eventloop.poll() => match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    backoff = FIRST_BACKOFF;
                    telemetry::connected(true);
                    tracing::info!("connected to the broker; subscribing");
                    subscribe(&client, &filters);
                }
                Ok(Event::Incoming(Packet::Publish(p))) => dispatcher.dispatch(p),
                Ok(Event::Incoming(Packet::SubAck(ack))) => {
                    let refused = ack
                        .return_codes
                        .iter()
                        .filter(|c| matches!(c, rumqttc::SubscribeReasonCode::Failure))
                        .count();
                    if refused > 0 {
                        tracing::error!(refused, "the broker refused subscriptions (check the ACL)");
                    } else {
                        subscribed.send_replace(true);
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    subscribed.send_replace(false);
                    telemetry::connected(false);
                    telemetry::reconnect();
                    tracing::warn!(error = %e, retry_in = ?backoff, "broker connection lost");
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            },
        }
    }
    sweeper.abort();
    subscribed.send_replace(false);
    tracing::info!("shutting down: unsubscribing and answering requests in progress");
    for f in &filters {
        let _ = client.try_unsubscribe(f.clone());
    }
    let drained = dispatcher.drain();
    keep_polling_until(&mut eventloop, drained, settings.shutdown_grace).await;
    let _ = client.try_disconnect();
    keep_polling_until(
        &mut eventloop,
        std::future::pending(),
        Duration::from_secs(2),
    )
    .await;
    telemetry::connected(false);
    tracing::info!("mqtt bridge stopped");
    Ok(())
}

/// Clean sessions forget subscriptions, so they are sent again after every CONNACK. Queued
/// rather than awaited: the event loop that would drain the request channel is the caller.
fn subscribe(client: &AsyncClient, filters: &[String]) {
    let subs: Vec<SubscribeFilter> = filters
        .iter()
        .map(|f| SubscribeFilter::new(f.clone(), QoS::AtLeastOnce))
        .collect();
    let client = client.clone();
    tokio::spawn(async move {
        if let Err(e) = client.subscribe_many(subs).await {
            tracing::error!(error = %e, "could not queue the subscriptions");
        }
    });
}

/// Drives the connection (replies still need it) until `done` completes, the connection ends
/// (after DISCONNECT the poll errors) or `limit` passes.
async fn keep_polling_until(
    eventloop: &mut EventLoop,
    done: impl Future<Output = ()>,
    limit: Duration,
) {
    tokio::pin!(done);
    let deadline = tokio::time::sleep(limit);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            () = &mut done => return,
            () = &mut deadline => {
                tracing::warn!(?limit, "gave up waiting during shutdown");
                return;
            }
            event = eventloop.poll() => match event {
                Ok(Event::Outgoing(rumqttc::Outgoing::Disconnect)) => return,
                Ok(_) => {}
                Err(_) => return,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_that_would_break_the_topic_filter_are_refused() {
        let mut s = Settings {
            broker_host: "127.0.0.1".into(),
            broker_port: 1884,
            username: "svc_backend".into(),
            password: config::Secret::new("pw"),
            group: "bridge".into(),
            client_id: "mqtt-bridge-test".into(),
            max_concurrent_requests: 1,
            max_queued_requests: 1,
            event_lanes: 1,
            lane_capacity: 1,
            sweep_interval: Duration::from_secs(60),
            request_claim_secs: 8,
            shutdown_grace: Duration::from_secs(1),
        };
        assert!(s.validate().is_ok());
        for bad in ["", "a/b", "a+", "#"] {
            s.group = bad.to_string();
            assert!(
                matches!(s.validate(), Err(BridgeError::InvalidGroup(_))),
                "{bad}"
            );
        }
    }
}
