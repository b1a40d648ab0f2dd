//! The CRL: exactly the given serials (decimal ↔ DER right, high bits included), signed by the
//! CA, nextUpdate 30 days out; and OpenSSL (what Mosquitto uses) honours it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, TimeZone, Utc};
use pki::{crl_next_update, Ca, PkiError, Revoked};
use x509_parser::prelude::*;

fn ca() -> &'static Ca {
    static CA: OnceLock<Ca> = OnceLock::new();
    CA.get_or_init(|| Ca::generate(2048).unwrap())
}

fn der(pem: &str) -> Vec<u8> {
    let (_, p) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap();
    p.contents
}

fn at(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(s, 0).unwrap()
}

#[test]
fn crl_lists_exactly_the_given_serials() {
    let issued = ca().issue_player(&uuid::Uuid::new_v4()).unwrap();
    // 2^159 + 5: 20 bytes with the top bit set (DER needs a leading zero byte for it).
    let high_bit = "730750818665451459101842416358141509827966271493".to_string();
    let revoked = vec![
        Revoked {
            serial: issued.serial.clone(),
            revoked_at: at(1_780_000_000),
        },
        Revoked {
            serial: "255".into(),
            revoked_at: at(1_780_000_100),
        },
        Revoked {
            serial: high_bit.clone(),
            revoked_at: at(1_780_000_200),
        },
    ];
    let now = at(1_790_000_000);
    let pem = ca().crl_pem(&revoked, now).unwrap();
    assert!(pem.starts_with("-----BEGIN X509 CRL-----"));

    let crl_der = der(&pem);
    let (_, crl) = parse_x509_crl(&crl_der).unwrap();
    let got: BTreeSet<(String, i64)> = crl
        .iter_revoked_certificates()
        .map(|r| (r.serial().to_str_radix(10), r.revocation_date.timestamp()))
        .collect();
    let want: BTreeSet<(String, i64)> = revoked
        .iter()
        .map(|r| (r.serial.clone(), r.revoked_at.timestamp()))
        .collect();
    assert_eq!(got, want);

    // DER of the high-bit serial: 0x00 then 20 bytes starting 0x80.
    let raw = crl
        .iter_revoked_certificates()
        .find(|r| r.serial().to_str_radix(10) == high_bit)
        .unwrap()
        .raw_serial()
        .to_vec();
    assert_eq!(raw.len(), 21);
    assert_eq!(&raw[..2], &[0x00, 0x80]);

    assert_eq!(crl.last_update().timestamp(), now.timestamp());
    assert_eq!(
        crl.next_update().unwrap().timestamp(),
        (now + Duration::days(30)).timestamp()
    );
    assert_eq!(crl_next_update(&pem), Some(now + Duration::days(30)));
    assert_eq!(
        crl.crl_number().unwrap().to_str_radix(10),
        now.timestamp().to_string()
    );

    let ca_der = der(ca().cert_pem());
    let (_, ca_cert) = parse_x509_certificate(&ca_der).unwrap();
    assert_eq!(crl.issuer(), ca_cert.subject());
    crl.verify_signature(ca_cert.public_key()).unwrap();
}

#[test]
fn empty_crl_is_valid_and_later_ones_number_higher() {
    let a = ca().crl_pem(&[], at(1_790_000_000)).unwrap();
    let b = ca().crl_pem(&[], at(1_790_000_060)).unwrap();
    let (da, db) = (der(&a), der(&b));
    let (_, ca_) = parse_x509_crl(&da).unwrap();
    let (_, cb) = parse_x509_crl(&db).unwrap();
    assert_eq!(ca_.iter_revoked_certificates().count(), 0);
    assert!(cb.crl_number().unwrap() > ca_.crl_number().unwrap());
}

#[test]
fn bad_serials_are_refused() {
    for bad in ["", "abc", "0", "-1"] {
        let r = ca().crl_pem(
            &[Revoked {
                serial: bad.into(),
                revoked_at: Utc::now(),
            }],
            Utc::now(),
        );
        assert!(matches!(r, Err(PkiError::Serial(_))), "{bad:?}: {r:?}");
    }
}

#[test]
fn crl_next_update_of_garbage_is_none() {
    assert_eq!(crl_next_update(""), None);
    assert_eq!(crl_next_update(ca().cert_pem()), None);
}

/// `openssl verify -crl_check` applies the same checks as Mosquitto's handshake: the chain, and
/// the CRL found for the CA by name and authority key id.
#[test]
fn openssl_accepts_the_chain_and_honours_the_crl() {
    if Command::new("openssl").arg("version").output().is_err() {
        panic!("the openssl command is needed by this test (apt-get install openssl)");
    }
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let good = ca().issue_player(&uuid::Uuid::new_v4()).unwrap();
    let bad = ca().issue_player(&uuid::Uuid::new_v4()).unwrap();
    let crl = ca()
        .crl_pem(
            &[Revoked {
                serial: bad.serial.clone(),
                revoked_at: Utc::now(),
            }],
            Utc::now(),
        )
        .unwrap();
    std::fs::write(p("ca.crt"), ca().cert_pem()).unwrap();
    std::fs::write(p("crl.pem"), &crl).unwrap();
    std::fs::write(p("good.crt"), &good.cert_pem).unwrap();
    std::fs::write(p("bad.crt"), &bad.cert_pem).unwrap();
    let verify = |cert: &str| {
        let out = Command::new("openssl")
            .args(["verify", "-crl_check", "-CAfile"])
            .arg(p("ca.crt"))
            .arg("-CRLfile")
            .arg(p("crl.pem"))
            .arg(p(cert))
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, text) = verify("good.crt");
    assert!(ok, "{text}");
    let (ok, text) = verify("bad.crt");
    assert!(!ok, "{text}");
    assert!(text.contains("certificate revoked"), "{text}");
}

#[test]
fn crl_is_due_when_missing_unreadable_or_close_to_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crl.pem");
    let now = Utc::now();
    assert!(pki::crl_due(&path, now, 7));
    std::fs::write(&path, "garbage").unwrap();
    assert!(pki::crl_due(&path, now, 7));
    std::fs::write(&path, ca().crl_pem(&[], now).unwrap()).unwrap();
    assert!(!pki::crl_due(&path, now, 7));
    assert!(!pki::crl_due(&path, now + Duration::days(22), 7));
    assert!(pki::crl_due(&path, now + Duration::days(23), 7));
}

#[test]
fn crl_lock_is_exclusive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crl.pem");
    let held = pki::lock_crl(&path).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let p2 = path.clone();
    let t = std::thread::spawn(move || {
        let _second = pki::lock_crl(&p2).unwrap();
        tx.send(()).unwrap();
    });
    assert!(rx
        .recv_timeout(std::time::Duration::from_millis(300))
        .is_err());
    drop(held);
    rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
    t.join().unwrap();
}
