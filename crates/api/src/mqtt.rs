//! The api's one MQTT connection (internal listener, `svc_backend`): publishes player commands.
//! Started on first use and kept alive by its own task, which reconnects whenever the broker
//! goes away; a publish while disconnected fails at once instead of queueing for minutes.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, QoS};

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("the message broker is not reachable")]
    Unavailable,
}

#[derive(Clone)]
pub struct Publisher {
    inner: Arc<Inner>,
}

struct Inner {
    client: AsyncClient,
    eventloop: std::sync::Mutex<Option<EventLoop>>,
    connected: AtomicBool,
    start: Once,
}

impl Publisher {
    pub fn new(cfg: &config::Config) -> Self {
        let id = format!("api-publisher-{:08x}", rand::random::<u32>());
        let mut opts = MqttOptions::new(id, &cfg.mqtt_broker_host, cfg.mqtt_broker_port);
        opts.set_credentials(&cfg.mqtt_username, cfg.mqtt_password.expose());
        opts.set_keep_alive(Duration::from_secs(60));
        opts.set_clean_session(true);
        // Replies to the p3a can reach 128 KiB; commands are small, but keep one limit.
        opts.set_max_packet_size(256 * 1024, 256 * 1024);
        let (client, mut eventloop) = AsyncClient::new(opts, 256);
        // Commands are small and latency-bound; Nagle would hold one behind an unacked packet.
        let mut net = rumqttc::NetworkOptions::new();
        net.set_tcp_nodelay(true);
        eventloop.set_network_options(net);
        Self {
            inner: Arc::new(Inner {
                client,
                eventloop: std::sync::Mutex::new(Some(eventloop)),
                connected: AtomicBool::new(false),
                start: Once::new(),
            }),
        }
    }

    pub fn is_connected(&self) -> bool {
        self.inner.connected.load(Ordering::Acquire)
    }

    /// Publishes with QoS 1, not retained (§2.6). Waits up to 3 s for the first connection.
    pub async fn publish(&self, topic: String, payload: Vec<u8>) -> Result<(), PublishError> {
        self.start();
        for _ in 0..30 {
            if self.is_connected() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if !self.is_connected() {
            return Err(PublishError::Unavailable);
        }
        self.inner
            .client
            .publish(topic, QoS::AtLeastOnce, false, payload)
            .await
            .map_err(|_| PublishError::Unavailable)
    }

    fn start(&self) {
        self.inner.start.call_once(|| {
            let taken = self.inner.eventloop.lock().ok().and_then(|mut e| e.take());
            if let Some(eventloop) = taken {
                tokio::spawn(drive(self.inner.clone(), eventloop));
            }
        });
    }
}

/// Polls the connection forever; rumqttc reconnects on the next poll after an error.
async fn drive(inner: Arc<Inner>, mut eventloop: EventLoop) {
    let mut backoff = Duration::from_millis(250);
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                inner.connected.store(true, Ordering::Release);
                backoff = Duration::from_millis(250);
                tracing::info!("mqtt publisher connected");
            }
            Ok(_) => {}
            Err(e) => {
                if inner.connected.swap(false, Ordering::AcqRel) {
                    tracing::warn!(error = %e, "mqtt publisher disconnected");
                }
                metrics::counter!("mqtt_publisher_errors_total").increment(1);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
}
