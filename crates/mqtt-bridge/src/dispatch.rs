//! From a received publish to the device service. The event loop never waits here: requests
//! run as tasks bounded by a semaphore (they are independent of each other), while the other
//! messages go through a few ordered lanes chosen by player key, so one player's status, state
//! and views are applied in the order the broker delivered them (a `brightness` change followed
//! by another must not be stored the other way round, nor an `online` after the LWT `offline`).
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use device::Ctx;
use protocol::{PlayerTopic, TopicKind};
use rumqttc::{AsyncClient, Publish, QoS};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::dedup::InFlight;
use crate::{telemetry, Settings};

/// A reply that cannot be queued this long is dropped (the broker is away; the p3a retries).
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(5);

struct Event {
    key: Uuid,
    kind: TopicKind,
    publish: Publish,
}

pub(crate) struct Dispatcher {
    ctx: Ctx,
    client: AsyncClient,
    in_flight: InFlight,
    requests: Arc<Semaphore>,
    request_permits: u32,
    queued: Arc<AtomicUsize>,
    max_queued: usize,
    lanes: Vec<mpsc::Sender<Event>>,
    lane_tasks: Vec<JoinHandle<()>>,
}

impl Dispatcher {
    pub(crate) fn start(ctx: Ctx, client: AsyncClient, s: &Settings) -> Self {
        let permits = s.max_concurrent_requests.max(1);
        let (lanes, lane_tasks) = (0..s.event_lanes.max(1))
            .map(|_| {
                let (tx, rx) = mpsc::channel(s.lane_capacity.max(1));
                (tx, tokio::spawn(lane(ctx.clone(), client.clone(), rx)))
            })
            .unzip();
        Self {
            in_flight: InFlight::new(ctx.kv.clone(), s.request_claim_secs),
            ctx,
            client,
            requests: Arc::new(Semaphore::new(permits)),
            request_permits: u32::try_from(permits).unwrap_or(u32::MAX),
            queued: Arc::new(AtomicUsize::new(0)),
            max_queued: s.max_queued_requests,
            lanes,
            lane_tasks,
        }
    }

    /// Routes one publish; anything that is not a player topic is dropped.
    pub(crate) fn dispatch(&self, publish: Publish) {
        let Some(PlayerTopic { player_key, kind }) = protocol::topic::parse(&publish.topic) else {
            telemetry::message("unparseable");
            tracing::debug!(topic = %publish.topic, "dropped a message on an unknown topic");
            return;
        };
        telemetry::message(kind_label(&kind));
        match kind {
            TopicKind::Request(request_id) => self.spawn_request(player_key, request_id, publish),
            kind => {
                let lane = (player_key.as_u128() % self.lanes.len() as u128) as usize;
                let event = Event {
                    key: player_key,
                    kind,
                    publish,
                };
                if self.lanes[lane].try_send(event).is_err() {
                    telemetry::dropped("lane_full");
                    tracing::warn!(player_key = %player_key, "event lane full; message dropped");
                }
            }
        }
    }

    fn spawn_request(&self, key: Uuid, request_id: String, publish: Publish) {
        if self.queued.fetch_add(1, Ordering::AcqRel) >= self.max_queued {
            self.queued.fetch_sub(1, Ordering::AcqRel);
            telemetry::dropped("overloaded");
            tracing::warn!(player_key = %key, "too many requests waiting; request dropped");
            return;
        }
        let received = Instant::now();
        let (ctx, client, in_flight) = (
            self.ctx.clone(),
            self.client.clone(),
            self.in_flight.clone(),
        );
        let (requests, queued) = (self.requests.clone(), self.queued.clone());
        tokio::spawn(async move {
            // Claimed on arrival and held while queued too: the p3a's 10 s start when it sent.
            if !in_flight.claim(&key, &request_id).await {
                queued.fetch_sub(1, Ordering::AcqRel);
                telemetry::dropped("duplicate");
                tracing::debug!(player_key = %key, request_id, "retry of a request in progress");
                return;
            }
            let work = async {
                let permit = requests.acquire_owned().await;
                queued.fetch_sub(1, Ordering::AcqRel);
                let Ok(_permit) = permit else { return };
                if let Some((reply_id, body)) =
                    device::requests::handle_mqtt(&ctx, key, &publish.payload).await
                {
                    let topic = protocol::topic::response(&key, &reply_id);
                    publish_reply(&client, topic, body, "response").await;
                }
                telemetry::request_done(received.elapsed());
            };
            in_flight.held_while(&key, &request_id, work).await;
        });
    }

    /// Stops taking work and completes when every request and lane is done.
    pub(crate) fn drain(self) -> impl std::future::Future<Output = ()> {
        let Self {
            requests,
            request_permits,
            lanes,
            lane_tasks,
            ..
        } = self;
        drop(lanes);
        async move {
            let _ = requests.acquire_many(request_permits).await;
            for t in lane_tasks {
                let _ = t.await;
            }
        }
    }
}

fn kind_label(kind: &TopicKind) -> &'static str {
    match kind {
        TopicKind::Request(_) => "request",
        TopicKind::Status => "status",
        TopicKind::Capabilities => "capabilities",
        TopicKind::State => "state",
        TopicKind::View => "view",
        TopicKind::CommandAck => "command_ack",
    }
}

async fn lane(ctx: Ctx, client: AsyncClient, mut rx: mpsc::Receiver<Event>) {
    while let Some(event) = rx.recv().await {
        handle_event(&ctx, &client, event).await;
    }
}

async fn handle_event(ctx: &Ctx, client: &AsyncClient, e: Event) {
    let payload: &[u8] = &e.publish.payload;
    let result = match e.kind {
        TopicKind::Status => device::presence::on_status(ctx, e.key, payload).await,
        TopicKind::Capabilities => device::presence::on_capabilities(ctx, e.key, payload).await,
        TopicKind::State => device::presence::on_state(ctx, e.key, payload).await,
        TopicKind::CommandAck => device::presence::on_command_ack(ctx, e.key, payload).await,
        TopicKind::View => {
            if let Some(ack) = device::views::on_view(ctx, e.key, payload).await {
                let topic = protocol::topic::view_ack(&e.key);
                publish_reply(client, topic, ack.to_string().into_bytes(), "view_ack").await;
            }
            Ok(())
        }
        TopicKind::Request(_) => Ok(()),
    };
    if let Err(err) = result {
        let kind = kind_label(&e.kind);
        telemetry::handler_error(kind);
        tracing::warn!(player_key = %e.key, kind, error = %err, "player message not applied");
    }
}

/// QoS 1, not retained (§2.6).
async fn publish_reply(client: &AsyncClient, topic: String, body: Vec<u8>, what: &'static str) {
    let sent = client.publish(topic, QoS::AtLeastOnce, false, body);
    match tokio::time::timeout(PUBLISH_TIMEOUT, sent).await {
        Ok(Ok(())) => telemetry::published(what),
        Ok(Err(e)) => {
            telemetry::dropped("publish_failed");
            tracing::warn!(error = %e, what, "could not publish a reply");
        }
        Err(_) => {
            telemetry::dropped("publish_failed");
            tracing::warn!(what, "publishing a reply timed out");
        }
    }
}
