//! End-to-end: the stack's own Mosquitto (player-protocol.md §2). The internal listener takes
//! only svc_backend with its password; the mTLS listener takes only certificates of the stack's
//! CA that the CRL does not list, names each client by its certificate's CN whatever username
//! it sends, and confines it to its own topics; revocation plus `mqtt_kick::drop_session` ends a
//! live session for good. Needs `scripts/stack up`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod broker_support;

use std::time::{Duration, Instant};

use broker_support::*;
use e2e::uuid::Uuid;
use rumqttc::{ConnectionError, LastWill, QoS};

#[tokio::test]
async fn internal_listener_takes_only_the_backend_password() {
    let b = Broker::load();
    let (_c, mut el) = b.backend(&unique("svc-ok"));
    connect(&mut el)
        .await
        .expect("svc_backend with its password");

    let user = b.stack.get("MQTT_USERNAME");
    let (_c, mut el) = b.internal(&unique("svc-bad"), Some((user, "wrong-password")));
    let e = connect(&mut el).await.unwrap_err();
    assert!(matches!(e, ConnectionError::ConnectionRefused(_)), "{e:?}");

    let (_c, mut el) = b.internal(&unique("anon"), None);
    let e = connect(&mut el).await.unwrap_err();
    assert!(matches!(e, ConnectionError::ConnectionRefused(_)), "{e:?}");
}

#[tokio::test]
async fn tls_listener_needs_a_certificate_of_the_stack_ca() {
    let b = Broker::load();
    let (_c, mut el) = b.player(&unique("nocert"), None, None);
    assert!(
        connect(&mut el).await.is_err(),
        "connected without a client certificate"
    );

    // A certificate of another CA, with a key that the stack has never seen.
    let stranger = pki::Ca::generate(2048).unwrap();
    let cert = stranger.issue_player(&Uuid::new_v4()).unwrap();
    let (_c, mut el) = b.player(
        &unique("stranger"),
        Some((&cert.cert_pem, &cert.key_pem)),
        None,
    );
    assert!(
        connect(&mut el).await.is_err(),
        "connected with a foreign certificate"
    );
}

#[tokio::test]
async fn a_player_publishes_its_status_whatever_username_it_sends() {
    let b = Broker::load();
    let key = Uuid::new_v4();
    let cert = b.ca().issue_player(&key).unwrap();

    let (svc, mut svc_el) = b.backend(&unique("svc-status"));
    connect(&mut svc_el).await.unwrap();
    subscribe(&svc, &mut svc_el, "makapix/player/+/status").await;

    let (p, mut p_el) = b.player(
        &format!("p3a-{key}"),
        Some((&cert.cert_pem, &cert.key_pem)),
        None,
    );
    connect(&mut p_el)
        .await
        .expect("a certificate of the stack CA");
    let topic = format!("makapix/player/{key}/status");
    p.publish(
        &topic,
        QoS::AtLeastOnce,
        false,
        br#"{"status":"online"}"#.to_vec(),
    )
    .await
    .unwrap();
    let _p = drive(p_el);
    let got = next_publish(&mut svc_el, Duration::from_secs(5), |t| t == topic).await;
    assert_eq!(
        got,
        Some((topic.clone(), br#"{"status":"online"}"#.to_vec()))
    );
}

#[tokio::test]
async fn players_are_confined_to_their_own_topics() {
    let b = Broker::load();
    let ca = b.ca();
    let (ka, kb) = (Uuid::new_v4(), Uuid::new_v4());
    let (ca_cert, cb_cert) = (ca.issue_player(&ka).unwrap(), ca.issue_player(&kb).unwrap());

    let (svc, mut svc_el) = b.backend(&unique("svc-acl"));
    connect(&mut svc_el).await.unwrap();
    subscribe(&svc, &mut svc_el, "makapix/player/+/request/+").await;

    let (a, mut a_el) = b.player(
        &format!("p3a-{ka}"),
        Some((&ca_cert.cert_pem, &ca_cert.key_pem)),
        None,
    );
    connect(&mut a_el).await.unwrap();
    let (bc, mut b_el) = b.player(
        &format!("p3a-{kb}"),
        Some((&cb_cert.cert_pem, &cb_cert.key_pem)),
        None,
    );
    connect(&mut b_el).await.unwrap();

    // A subscribes to B's commands, B to its own. Mosquitto 2.0's ACL file acknowledges every
    // SUBSCRIBE and checks `read` access per delivered message, so only delivery tells.
    let b_command = format!("makapix/player/{kb}/command");
    subscribe(&a, &mut a_el, &b_command).await;
    let b_suback = subscribe(&bc, &mut b_el, &b_command).await;
    assert!(b_suback.contains("Success"), "{b_suback}");

    let (svc_pub, mut pub_el) = b.backend(&unique("svc-pub"));
    connect(&mut pub_el).await.unwrap();
    let _pub = drive(pub_el);
    svc_pub
        .publish(&b_command, QoS::AtLeastOnce, false, b"cmd".to_vec())
        .await
        .unwrap();
    let got = next_publish(&mut b_el, Duration::from_secs(5), |t| t == b_command).await;
    assert_eq!(got.map(|g| g.1), Some(b"cmd".to_vec()));
    let leaked = next_publish(&mut a_el, Duration::from_secs(1), |_| true).await;
    assert_eq!(leaked, None, "A received a message meant for B");

    // A's request on B's topic reaches nobody; on its own topic it reaches the backend.
    let forged = format!("makapix/player/{kb}/request/{}", Uuid::new_v4().simple());
    let own = format!("makapix/player/{ka}/request/{}", Uuid::new_v4().simple());
    a.publish(&forged, QoS::AtLeastOnce, false, b"{}".to_vec())
        .await
        .unwrap();
    a.publish(&own, QoS::AtLeastOnce, false, b"{}".to_vec())
        .await
        .unwrap();
    let _a = drive(a_el);
    let mine = |t: &str| t.contains(&ka.to_string()) || t.contains(&kb.to_string());
    let first = next_publish(&mut svc_el, Duration::from_secs(5), mine).await;
    assert_eq!(
        first.map(|f| f.0),
        Some(own),
        "the forged request arrived first"
    );
    assert_eq!(
        next_publish(&mut svc_el, Duration::from_secs(1), mine).await,
        None
    );
}

#[tokio::test]
async fn a_revoked_certificate_is_refused_after_the_reload() {
    let b = Broker::load();
    let key = Uuid::new_v4();
    let cert = b.ca().issue_player(&key).unwrap();
    let pair = Some((cert.cert_pem.as_str(), cert.key_pem.as_str()));
    let (_c, mut el) = b.player(&unique("before"), pair, None);
    connect(&mut el).await.expect("valid before revocation");
    drop(el);

    let row = RevokedRow::insert(&b, &cert.serial, key).await;
    b.publish_crl();
    let crl = b.path("MQTT_CRL_FILE");
    assert!(
        api::mqtt_kick::wait_crl_loaded(&crl, Duration::from_secs(10)).await,
        "the CRL watcher did not report the reload"
    );
    let (_c, mut el) = b.player(&unique("after"), pair, None);
    let refused = connect(&mut el).await;
    drop(row);
    assert!(refused.is_err(), "a revoked certificate connected");
}

#[tokio::test]
async fn drop_session_ends_a_live_session_within_10_s_for_good() {
    let b = Broker::load();
    let key = Uuid::new_v4();
    let cert = b.ca().issue_player(&key).unwrap();
    let pair = Some((cert.cert_pem.as_str(), cert.key_pem.as_str()));

    let (svc, mut svc_el) = b.backend(&unique("svc-will"));
    connect(&mut svc_el).await.unwrap();
    let status = format!("makapix/player/{key}/status");
    subscribe(&svc, &mut svc_el, &status).await;

    // Connected as the p3a is: its client id and Last Will.
    let offline = format!(r#"{{"player_key":"{key}","status":"offline"}}"#);
    let will = LastWill::new(&status, offline.clone(), QoS::AtLeastOnce, false);
    let (c, mut el) = b.player(&format!("p3a-{key}"), pair, Some(will));
    connect(&mut el).await.unwrap();
    let sessions = vec![(c, drive(el))];

    // The deletion flow: serial revoked in the database, CRL rebuilt, session dropped.
    let started = Instant::now();
    let row = RevokedRow::insert(&b, &cert.serial, key).await;
    b.publish_crl();
    let dropped = api::mqtt_kick::drop_session(&b.config(), &key).await;
    let mut ends = Vec::new();
    for (_c, task) in sessions {
        ends.push(tokio::time::timeout(Duration::from_secs(10), task).await);
    }
    let will_seen = next_publish(&mut svc_el, Duration::from_secs(5), |t| t == status).await;
    let (_c, mut el) = b.player(&unique("again"), pair, None);
    let reconnect = connect(&mut el).await;
    drop(row);

    dropped.expect("drop_session");
    for end in ends {
        let (at, _why) = end
            .expect("a session outlived drop_session by 10 s")
            .unwrap();
        eprintln!("session ended {:?} after the revocation", at - started);
        assert!(at - started < Duration::from_secs(10), "{:?}", at - started);
    }
    assert_eq!(will_seen.map(|w| w.1), Some(offline.into_bytes()));
    assert!(reconnect.is_err(), "the revoked player got back in");
}

/// The TLS listener replaces every client id by the certificate's CN: a player cannot end another
/// player's session with its client id, while a second session of the same certificate, under
/// any id, replaces the first (which is what lets the kick find every session of a player).
#[tokio::test]
async fn client_ids_are_the_certificate_identity() {
    let b = Broker::load();
    let ca = b.ca();
    let (ka, kb) = (Uuid::new_v4(), Uuid::new_v4());
    let (a_cert, b_cert) = (ca.issue_player(&ka).unwrap(), ca.issue_player(&kb).unwrap());
    let a_pair = Some((a_cert.cert_pem.as_str(), a_cert.key_pem.as_str()));
    let b_pair = Some((b_cert.cert_pem.as_str(), b_cert.key_pem.as_str()));

    let (bc, mut b_el) = b.player(&format!("p3a-{kb}"), b_pair, None);
    connect(&mut b_el).await.unwrap();
    let b_command = format!("makapix/player/{kb}/command");
    subscribe(&bc, &mut b_el, &b_command).await;

    // A connects with both ids B could have: B's session survives.
    let mut intruders = Vec::new();
    for id in [format!("p3a-{kb}"), kb.to_string()] {
        let (c, mut el) = b.player(&id, a_pair, None);
        connect(&mut el)
            .await
            .expect("A connects under its own identity");
        intruders.push((c, drive(el)));
    }
    let (svc, mut svc_el) = b.backend(&unique("svc-ids"));
    connect(&mut svc_el).await.unwrap();
    let _svc = drive(svc_el);
    svc.publish(&b_command, QoS::AtLeastOnce, false, b"still here".to_vec())
        .await
        .unwrap();
    let got = next_publish(&mut b_el, Duration::from_secs(5), |t| t == b_command).await;
    assert_eq!(got.map(|g| g.1), Some(b"still here".to_vec()));

    // A's two connections were one identity: the second replaced the first.
    let (_c, first) = intruders.remove(0);
    let ended = tokio::time::timeout(Duration::from_secs(5), first).await;
    assert!(ended.is_ok(), "two sessions of one certificate coexisted");
    let (_c, second) = intruders.remove(0);
    assert!(!second.is_finished());
}
