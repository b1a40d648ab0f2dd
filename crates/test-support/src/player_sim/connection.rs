//! The player's connection task: what the p3a does on every CONNACK (§4.1), its status timer,
//! and the routing of what it receives (commands, replies matched by `request_id`, view acks).
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rumqttc::{Event, EventLoop, Packet, Publish, QoS};
use serde_json::{json, Value};

use super::{commands, lock, Shared, SimConfig};

pub(super) fn status_body(cfg: &SimConfig, status: &str, current_post_id: Option<i64>) -> Value {
    json!({
        "player_key": cfg.player_key,
        "status": status,
        "current_post_id": current_post_id,
        "firmware_version": cfg.firmware_version,
        "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// Polls the connection; on each CONNACK does what the p3a does on connect.
pub(super) async fn drive(shared: Arc<Shared>, mut eventloop: EventLoop) {
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                shared.connects.fetch_add(1, Ordering::AcqRel);
                *lock(&shared.progress) = (false, false);
                tokio::spawn(on_connect(shared.clone()));
            }
            Ok(Event::Incoming(Packet::SubAck(_))) => progressed(&shared, true),
            Ok(Event::Incoming(Packet::Publish(p))) => route(&shared, p).await,
            Ok(Event::Outgoing(rumqttc::Outgoing::Disconnect)) => {
                shared.ready.send_replace(false);
                shared.ended.send_replace(true);
                return;
            }
            Ok(_) => {}
            Err(e) => {
                *lock(&shared.last_error) = Some(e.to_string());
                shared.ready.send_replace(false);
                match shared.cfg.reconnect_after {
                    Some(pause) => tokio::time::sleep(pause).await,
                    None => {
                        shared.ended.send_replace(true);
                        return;
                    }
                }
            }
        }
    }
}

/// §4.1: subscribe, then capabilities and full state (retained), then status `online`.
async fn on_connect(shared: Arc<Shared>) {
    let key = shared.cfg.player_key;
    let subs = [
        protocol::topic::command(&key),
        format!("{}/{key}/response/#", protocol::topic::ROOT),
        protocol::topic::view_ack(&key),
    ]
    .map(|t| rumqttc::SubscribeFilter::new(t, QoS::AtLeastOnce));
    let state = lock(&shared.state).to_json();
    let c = &shared.client;
    let _ = c.subscribe_many(subs).await;
    let caps = shared.cfg.capabilities.to_string();
    let _ = c
        .publish(
            protocol::topic::capabilities(&key),
            QoS::AtLeastOnce,
            true,
            caps,
        )
        .await;
    let _ = c
        .publish(
            protocol::topic::state(&key),
            QoS::AtLeastOnce,
            true,
            state.to_string(),
        )
        .await;
    let status = status_body(&shared.cfg, "online", None).to_string();
    let _ = c
        .publish(
            protocol::topic::status(&key),
            QoS::AtLeastOnce,
            false,
            status,
        )
        .await;
    progressed(&shared, false);
}

/// Ready once both the SUBACK arrived and the on-connect publishes are queued, whichever last.
fn progressed(shared: &Shared, suback: bool) {
    let mut p = lock(&shared.progress);
    if suback {
        p.0 = true;
    } else {
        p.1 = true;
    }
    if p.0 && p.1 {
        shared.ready.send_replace(true);
    }
}

/// The 30 s status timer (only while connected).
pub(super) async fn heartbeat(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(shared.cfg.status_interval);
    tick.tick().await;
    loop {
        tick.tick().await;
        if *shared.ready.borrow() {
            let body = status_body(&shared.cfg, "online", None).to_string();
            let topic = protocol::topic::status(&shared.cfg.player_key);
            let _ = shared
                .client
                .publish(topic, QoS::AtLeastOnce, false, body)
                .await;
        }
    }
}

async fn route(shared: &Arc<Shared>, p: Publish) {
    let key = shared.cfg.player_key;
    let base = format!("{}/{key}/", protocol::topic::ROOT);
    let Some(rest) = p.topic.strip_prefix(&base) else {
        return;
    };
    if rest.starts_with("response/") {
        return route_reply(shared, p.payload.to_vec());
    }
    let Ok(body) = serde_json::from_slice::<Value>(&p.payload) else {
        return;
    };
    if rest == "command" {
        if shared.cfg.auto_ack_opc {
            commands::apply(shared, &body).await;
        }
        let _ = shared.commands.try_send(body);
    } else if rest == "view/ack" {
        let _ = shared.view_acks.try_send(body);
    }
}

/// Only the top-level `request_id` of a reply is read here (the rest is skipped, not built).
#[derive(serde::Deserialize)]
struct ReplyHead {
    request_id: Option<Value>,
}

/// Hands a reply to the request waiting for its `request_id`, else to the unmatched queue;
/// a reply that is not JSON is dropped, as the p3a drops it.
fn route_reply(shared: &Arc<Shared>, payload: Vec<u8>) {
    let Ok(head) = serde_json::from_slice::<ReplyHead>(&payload) else {
        return;
    };
    shared.replies.fetch_add(1, Ordering::AcqRel);
    let id = head.request_id.as_ref().and_then(Value::as_str);
    let waiter = id.and_then(|id| lock(&shared.pending).remove(id));
    match waiter {
        Some(tx) => {
            let _ = tx.send(payload);
        }
        None => {
            if let Ok(body) = serde_json::from_slice::<Value>(&payload) {
                let _ = shared.unmatched.try_send(body);
            }
        }
    }
}
