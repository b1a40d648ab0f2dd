//! The p3a's handling of Optional Player Commands (§4.3): apply, ack on `command/ack`, and
//! republish the one changed state field (retained). Other commands are not acked.
use serde_json::{json, Value};

use super::{lock, Shared};

pub(super) async fn apply(shared: &Shared, envelope: &Value) {
    let Some(id) = envelope.get("command_id").and_then(Value::as_str) else {
        return;
    };
    let payload = envelope.get("payload").cloned().unwrap_or(json!({}));
    let outcome = match envelope.get("command_type").and_then(Value::as_str) {
        Some("set_paused") => match payload.get("paused").and_then(Value::as_bool) {
            Some(p) => change(shared, |s| s.is_paused = p, json!({"is_paused": p})),
            None => Outcome::Error("paused must be a boolean"),
        },
        Some("set_brightness") => match payload.get("value").and_then(Value::as_i64) {
            Some(v) => {
                let v = v.clamp(0, 100);
                change(shared, |s| s.brightness = v, json!({"brightness": v}))
            }
            None => Outcome::Error("value must be an integer"),
        },
        Some("set_rotation") => match payload.get("value").and_then(Value::as_i64) {
            Some(v) if [0, 90, 180, 270].contains(&v) => {
                change(shared, |s| s.rotation = v, json!({"rotation": v}))
            }
            _ => Outcome::Error("rotation must be 0, 90, 180 or 270"),
        },
        Some("set_mirror") => Outcome::Unsupported,
        _ => return,
    };
    let key = shared.cfg.player_key;
    let (status, error, changed) = match outcome {
        Outcome::Ok(changed) => ("ok", None, changed),
        Outcome::Error(e) => ("error", Some(e), None),
        Outcome::Unsupported => ("unsupported", None, None),
    };
    let ack = json!({"command_id": id, "status": status, "error": error}).to_string();
    let c = &shared.client;
    let qos = rumqttc::QoS::AtLeastOnce;
    let _ = c
        .publish(protocol::topic::command_ack(&key), qos, false, ack)
        .await;
    if let Some(field) = changed {
        let _ = c
            .publish(protocol::topic::state(&key), qos, true, field.to_string())
            .await;
    }
}

enum Outcome {
    /// Applied; the state field to republish when the value changed.
    Ok(Option<Value>),
    Error(&'static str),
    Unsupported,
}

fn change(shared: &Shared, set: impl FnOnce(&mut super::SimState), field: Value) -> Outcome {
    let mut state = lock(&shared.state);
    let before = *state;
    set(&mut state);
    Outcome::Ok((*state != before).then_some(field))
}
