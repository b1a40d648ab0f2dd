//! Optional player features (§3.7): the retained capability manifest, the reported state that
//! is filtered against it, and the validation of Optional Player Commands (OPC, §3.4) that the
//! owner's REST endpoints send. Unknown features and malformed specs are dropped, never stored.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `{}`: pausing needs no parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseSpec {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrightnessSpec {
    pub min: i64,
    pub max: i64,
    pub step: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValuesSpec<T> {
    pub values: Vec<T>,
}

/// The features a player declared, as stored in `players.capabilities` and shown to the owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<PauseSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brightness: Option<BrightnessSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<ValuesSpec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror: Option<ValuesSpec<String>>,
}

/// A parsed capabilities message: the features kept plus the firmware version it names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub firmware_version: Option<String>,
    pub capabilities: Capabilities,
}

/// Whole numbers only; `50.0` counts (JSON encoders differ), `50.5` and `"50"` do not.
fn int_of(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    let f = v.as_f64()?;
    // The range check keeps the cast exact; fract() rejects 50.5.
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

fn brightness_spec(spec: &Map<String, Value>) -> Option<BrightnessSpec> {
    // Missing bounds default to the p3a's own (0..100 step 1), as the original server did.
    let field = |name: &str, default: i64| match spec.get(name) {
        None | Some(Value::Null) => Some(default),
        Some(v) => int_of(v),
    };
    let (min, max, step) = (field("min", 0)?, field("max", 100)?, field("step", 1)?);
    (min < max && step > 0).then_some(BrightnessSpec { min, max, step })
}

fn values_of<T>(spec: &Map<String, Value>, item: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    let values = spec.get("values")?.as_array()?;
    values.iter().map(item).collect::<Option<Vec<T>>>()
}

impl Capabilities {
    /// Keeps the known features of a `features` object whose specs are valid; anything else
    /// (including a non-object) yields no features.
    pub fn from_features(features: &Value) -> Self {
        let mut caps = Self::default();
        let Some(features) = features.as_object() else {
            return caps;
        };
        for (name, spec) in features {
            let Some(spec) = spec.as_object() else {
                continue;
            };
            match name.as_str() {
                "pause" => caps.pause = Some(PauseSpec {}),
                "brightness" => caps.brightness = brightness_spec(spec),
                "rotation" => {
                    caps.rotation = values_of(spec, int_of)
                        .filter(|v| !v.is_empty())
                        .map(|values| ValuesSpec { values });
                }
                "mirror" => {
                    caps.mirror = values_of(spec, |v| v.as_str().map(str::to_string))
                        .filter(|v| !v.is_empty())
                        .map(|values| ValuesSpec { values });
                }
                _ => {}
            }
        }
        caps
    }

    /// The stored form (`players.capabilities`) read back; it has the same shape as `features`.
    pub fn from_stored(stored: Option<&Value>) -> Self {
        stored.map(Self::from_features).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|_| Value::Object(Map::new()))
    }

    /// Whether an OPC may be sent to this player, and with this value (§3.4).
    pub fn check(&self, opc: &Opc) -> Result<(), OpcError> {
        let feature = opc.feature();
        let unsupported = || OpcError::Unsupported { feature };
        let invalid = |message: String| OpcError::InvalidValue { feature, message };
        match opc {
            Opc::Pause(_) => self.pause.as_ref().map(|_| ()).ok_or_else(unsupported),
            Opc::Brightness(v) => {
                let spec = self.brightness.as_ref().ok_or_else(unsupported)?;
                if (spec.min..=spec.max).contains(v) {
                    Ok(())
                } else {
                    Err(invalid(format!(
                        "brightness must be between {} and {}",
                        spec.min, spec.max
                    )))
                }
            }
            Opc::Rotation(v) => {
                let spec = self.rotation.as_ref().ok_or_else(unsupported)?;
                if spec.values.contains(v) {
                    Ok(())
                } else {
                    Err(invalid(format!(
                        "rotation must be one of {:?}",
                        spec.values
                    )))
                }
            }
            Opc::Mirror(v) => {
                let spec = self.mirror.as_ref().ok_or_else(unsupported)?;
                if spec.values.contains(v) {
                    Ok(())
                } else {
                    Err(invalid(format!("mirror must be one of {:?}", spec.values)))
                }
            }
        }
    }
}

/// Parses a capabilities message. An empty payload declares no features (a cleared retained
/// message); `None` means the payload is not a JSON object and must be ignored.
pub fn parse_manifest(payload: &[u8]) -> Option<Manifest> {
    if payload.iter().all(u8::is_ascii_whitespace) {
        return Some(Manifest::default());
    }
    let v: Value = serde_json::from_slice(payload).ok()?;
    let obj = v.as_object()?;
    let firmware_version = obj
        .get("firmware_version")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string);
    let capabilities = obj
        .get("features")
        .map(Capabilities::from_features)
        .unwrap_or_default();
    Some(Manifest {
        firmware_version,
        capabilities,
    })
}

/// The reported state fields that survived [`sanitize_state`]; absent fields are unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StateUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_paused: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brightness: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<String>,
}

impl StateUpdate {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|_| Value::Object(Map::new()))
    }
}

/// Keeps the fields of a state message that the player declared and whose values the manifest
/// allows. A non-object state keeps nothing.
pub fn sanitize_state(caps: &Capabilities, state: &Value) -> StateUpdate {
    let mut out = StateUpdate::default();
    let Some(state) = state.as_object() else {
        return out;
    };
    // The columns are 32-bit; a manifest allowing more cannot be stored anyway.
    let int32 = |name: &str| {
        state
            .get(name)
            .and_then(int_of)
            .and_then(|v| i32::try_from(v).ok())
    };
    if caps.pause.is_some() {
        out.is_paused = state.get("is_paused").and_then(Value::as_bool);
    }
    if let Some(spec) = &caps.brightness {
        out.brightness =
            int32("brightness").filter(|v| (spec.min..=spec.max).contains(&i64::from(*v)));
    }
    if let Some(spec) = &caps.rotation {
        out.rotation = int32("rotation").filter(|v| spec.values.contains(&i64::from(*v)));
    }
    if let Some(spec) = &caps.mirror {
        out.mirror = state
            .get("mirror")
            .and_then(Value::as_str)
            .filter(|v| spec.values.iter().any(|allowed| allowed == v))
            .map(str::to_string);
    }
    out
}

/// An Optional Player Command as the owner's REST endpoints receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opc {
    Pause(bool),
    Brightness(i64),
    Rotation(i64),
    Mirror(String),
}

impl Opc {
    /// The manifest feature this command needs.
    pub fn feature(&self) -> &'static str {
        match self {
            Opc::Pause(_) => "pause",
            Opc::Brightness(_) => "brightness",
            Opc::Rotation(_) => "rotation",
            Opc::Mirror(_) => "mirror",
        }
    }

    /// The `command_type` published to the player.
    pub fn command_type(&self) -> &'static str {
        match self {
            Opc::Pause(_) => "set_paused",
            Opc::Brightness(_) => "set_brightness",
            Opc::Rotation(_) => "set_rotation",
            Opc::Mirror(_) => "set_mirror",
        }
    }

    /// The command's `payload` object (§3.4 OPC table).
    pub fn payload(&self) -> Value {
        match self {
            Opc::Pause(p) => serde_json::json!({ "paused": p }),
            Opc::Brightness(v) | Opc::Rotation(v) => serde_json::json!({ "value": v }),
            Opc::Mirror(v) => serde_json::json!({ "value": v }),
        }
    }
}

/// Why an OPC was refused: `unsupported_command` or `invalid_value`, both 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpcError {
    #[error("the player does not support {feature}")]
    Unsupported { feature: &'static str },
    #[error("{message}")]
    InvalidValue {
        feature: &'static str,
        message: String,
    },
}

impl OpcError {
    pub fn code(&self) -> &'static str {
        match self {
            OpcError::Unsupported { .. } => "unsupported_command",
            OpcError::InvalidValue { .. } => "invalid_value",
        }
    }
}

#[cfg(test)]
#[path = "capabilities_tests.rs"]
mod tests;
