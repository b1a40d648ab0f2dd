#![allow(clippy::unwrap_used, clippy::expect_used)]
use serde_json::json;

use super::*;

fn p3a() -> Capabilities {
    parse_manifest(
        br#"{"firmware_version":"1.1.1","features":{"pause":{},
            "brightness":{"min":0,"max":100,"step":1},"rotation":{"values":[0,90,180,270]}}}"#,
    )
    .unwrap()
    .capabilities
}

#[test]
fn p3a_manifest_round_trips_to_the_stored_form() {
    let m = parse_manifest(
        br#"{"firmware_version":"1.1.1","features":{"pause":{},
            "brightness":{"min":0,"max":100,"step":1},"rotation":{"values":[0,90,180,270]},
            "mirror":{"values":["none","horizontal"]}}}"#,
    )
    .unwrap();
    assert_eq!(m.firmware_version.as_deref(), Some("1.1.1"));
    let stored = m.capabilities.to_json();
    assert_eq!(
        stored,
        json!({"pause":{},"brightness":{"min":0,"max":100,"step":1},
               "rotation":{"values":[0,90,180,270]},"mirror":{"values":["none","horizontal"]}})
    );
    assert_eq!(Capabilities::from_stored(Some(&stored)), m.capabilities);
}

#[test]
fn unknown_features_and_invalid_specs_are_dropped() {
    let m = parse_manifest(
        br#"{"features":{"teleport":{},"pause":true,
            "brightness":{"min":10,"max":10,"step":1},"rotation":{"values":[]},
            "mirror":{"values":["a", 3]}}}"#,
    )
    .unwrap();
    assert!(m.capabilities.is_empty());
    assert_eq!(m.capabilities.to_json(), json!({}));
    assert_eq!(m.firmware_version, None);

    let bad_step = json!({"brightness":{"min":0,"max":10,"step":0}});
    assert_eq!(Capabilities::from_features(&bad_step).brightness, None);
    let inverted = json!({"brightness":{"min":50,"max":10}});
    assert_eq!(Capabilities::from_features(&inverted).brightness, None);
    let text = json!({"brightness":{"min":"0","max":10}});
    assert_eq!(Capabilities::from_features(&text).brightness, None);
    let fractional = json!({"rotation":{"values":[0, 90.5]}});
    assert_eq!(Capabilities::from_features(&fractional).rotation, None);
}

#[test]
fn brightness_bounds_default_and_integral_floats_count() {
    let caps = Capabilities::from_features(&json!({"brightness":{"max":255.0}}));
    assert_eq!(
        caps.brightness,
        Some(BrightnessSpec {
            min: 0,
            max: 255,
            step: 1
        })
    );
}

#[test]
fn empty_or_featureless_payload_means_no_features() {
    assert_eq!(parse_manifest(b"").unwrap(), Manifest::default());
    assert_eq!(parse_manifest(b"  \n").unwrap(), Manifest::default());
    assert!(parse_manifest(b"{}").unwrap().capabilities.is_empty());
    assert!(parse_manifest(br#"{"features":[1]}"#)
        .unwrap()
        .capabilities
        .is_empty());
    let fw = parse_manifest(br#"{"firmware_version":"  "}"#).unwrap();
    assert_eq!(fw.firmware_version, None);
}

#[test]
fn non_object_payloads_are_ignored() {
    assert_eq!(parse_manifest(b"not json"), None);
    assert_eq!(parse_manifest(b"[1,2]"), None);
    assert_eq!(parse_manifest(b"42"), None);
}

#[test]
fn state_keeps_only_declared_in_range_fields() {
    let caps = p3a();
    let s = sanitize_state(
        &caps,
        &json!({"is_paused":true,"brightness":42,"rotation":90,"mirror":"horizontal"}),
    );
    assert_eq!(
        s,
        StateUpdate {
            is_paused: Some(true),
            brightness: Some(42),
            rotation: Some(90),
            mirror: None
        }
    );
    assert_eq!(
        s.to_json(),
        json!({"is_paused":true,"brightness":42,"rotation":90})
    );

    let out = sanitize_state(
        &caps,
        &json!({"is_paused":"yes","brightness":101,"rotation":45}),
    );
    assert!(out.is_empty());
    assert_eq!(out.to_json(), json!({}));
    let edge = sanitize_state(&caps, &json!({"brightness":100}));
    assert_eq!(edge.brightness, Some(100));
    let low = sanitize_state(&caps, &json!({"brightness":-1}));
    assert_eq!(low.brightness, None);
}

#[test]
fn state_of_a_player_without_features_keeps_nothing() {
    let none = Capabilities::default();
    assert!(sanitize_state(&none, &json!({"is_paused":true,"brightness":5})).is_empty());
    assert!(sanitize_state(&p3a(), &json!([1])).is_empty());
}

#[test]
fn mirror_state_needs_an_allowed_string() {
    let caps = Capabilities::from_features(&json!({"mirror":{"values":["none","h"]}}));
    assert_eq!(
        sanitize_state(&caps, &json!({"mirror":"h"}))
            .mirror
            .as_deref(),
        Some("h")
    );
    assert_eq!(sanitize_state(&caps, &json!({"mirror":"v"})).mirror, None);
    assert_eq!(sanitize_state(&caps, &json!({"mirror":1})).mirror, None);
}

#[test]
fn opc_checks_feature_then_value() {
    let caps = p3a();
    assert_eq!(caps.check(&Opc::Pause(true)), Ok(()));
    assert_eq!(caps.check(&Opc::Brightness(50)), Ok(()));
    assert_eq!(caps.check(&Opc::Brightness(0)), Ok(()));
    assert_eq!(caps.check(&Opc::Rotation(270)), Ok(()));

    let e = caps.check(&Opc::Brightness(150)).unwrap_err();
    assert_eq!(e.code(), "invalid_value");
    assert!(matches!(
        e,
        OpcError::InvalidValue {
            feature: "brightness",
            ..
        }
    ));
    assert_eq!(e.to_string(), "brightness must be between 0 and 100");

    let e = caps.check(&Opc::Rotation(45)).unwrap_err();
    assert!(matches!(
        e,
        OpcError::InvalidValue {
            feature: "rotation",
            ..
        }
    ));

    let e = caps.check(&Opc::Mirror("h".into())).unwrap_err();
    assert_eq!(e, OpcError::Unsupported { feature: "mirror" });
    assert_eq!(e.code(), "unsupported_command");

    let none = Capabilities::default();
    assert_eq!(
        none.check(&Opc::Pause(false)),
        Err(OpcError::Unsupported { feature: "pause" })
    );
    let mirror = Capabilities::from_features(&json!({"mirror":{"values":["h"]}}));
    assert_eq!(mirror.check(&Opc::Mirror("h".into())), Ok(()));
    assert!(mirror.check(&Opc::Mirror("v".into())).is_err());
}

#[test]
fn opc_command_types_and_payloads() {
    assert_eq!(Opc::Pause(true).command_type(), "set_paused");
    assert_eq!(Opc::Pause(true).payload(), json!({"paused": true}));
    assert_eq!(Opc::Brightness(50).command_type(), "set_brightness");
    assert_eq!(Opc::Brightness(50).payload(), json!({"value": 50}));
    assert_eq!(Opc::Rotation(90).command_type(), "set_rotation");
    assert_eq!(Opc::Rotation(90).payload(), json!({"value": 90}));
    assert_eq!(Opc::Mirror("h".into()).command_type(), "set_mirror");
    assert_eq!(Opc::Mirror("h".into()).payload(), json!({"value": "h"}));
}
