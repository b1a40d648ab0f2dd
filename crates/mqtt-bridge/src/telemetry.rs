//! Metric names (scraped at `MQTT_BRIDGE_METRICS_BIND`) and the small helpers that record them,
//! so every name exists once.
use std::time::Duration;

/// Messages received, by `kind`: request, status, capabilities, state, view, command_ack,
/// unparseable.
pub const MESSAGES: &str = "mqtt_bridge_messages_total";
/// Time from receipt of a request to its reply being queued for publishing.
pub const REQUEST_SECONDS: &str = "mqtt_bridge_request_duration_seconds";
/// Replies and acks handed to the broker, by `topic`: response, view_ack.
pub const PUBLISHED: &str = "mqtt_bridge_replies_published_total";
/// Messages not handled, by `reason`: duplicate, overloaded, lane_full, publish_failed.
pub const DROPPED: &str = "mqtt_bridge_dropped_total";
/// Device-service errors, by `kind`.
pub const HANDLER_ERRORS: &str = "mqtt_bridge_handler_errors_total";
/// Broker connection losses (each is followed by a reconnect attempt).
pub const RECONNECTS: &str = "mqtt_bridge_reconnects_total";
/// 1 while connected to the broker.
pub const CONNECTED: &str = "mqtt_bridge_connected";
/// Players the presence sweep marked offline.
pub const SWEPT_OFFLINE: &str = "mqtt_bridge_swept_offline_total";

/// Histogram buckets for [`REQUEST_SECONDS`] (the p3a gives up after 10 s).
pub const REQUEST_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

pub(crate) fn message(kind: &'static str) {
    metrics::counter!(MESSAGES, "kind" => kind).increment(1);
}

pub(crate) fn request_done(elapsed: Duration) {
    metrics::histogram!(REQUEST_SECONDS).record(elapsed.as_secs_f64());
}

pub(crate) fn published(topic: &'static str) {
    metrics::counter!(PUBLISHED, "topic" => topic).increment(1);
}

pub(crate) fn dropped(reason: &'static str) {
    metrics::counter!(DROPPED, "reason" => reason).increment(1);
}

pub(crate) fn handler_error(kind: &'static str) {
    metrics::counter!(HANDLER_ERRORS, "kind" => kind).increment(1);
}

pub(crate) fn reconnect() {
    metrics::counter!(RECONNECTS).increment(1);
}

pub(crate) fn connected(up: bool) {
    metrics::gauge!(CONNECTED).set(if up { 1.0 } else { 0.0 });
}

pub(crate) fn swept(n: u64) {
    metrics::counter!(SWEPT_OFFLINE).increment(n);
}
