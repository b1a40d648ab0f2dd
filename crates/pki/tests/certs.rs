//! Player and broker certificates as the p3a and Mosquitto need them (player-protocol.md §1.4),
//! checked by parsing what was issued.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use chrono::{Duration, Utc};
use pki::{Ca, PkiError, CERT_VALIDITY_DAYS};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::*;

/// One 2048-bit CA per test binary (production uses 4096; the code paths are the same).
fn ca() -> &'static Ca {
    static CA: OnceLock<Ca> = OnceLock::new();
    CA.get_or_init(|| Ca::generate(2048).unwrap())
}

fn der(pem: &str) -> Vec<u8> {
    let (_, p) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap();
    p.contents
}

const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";

#[test]
fn player_certificate_matches_the_original_profile() {
    let key = uuid::Uuid::new_v4();
    let before = Utc::now();
    let issued = ca().issue_player(&key).unwrap();
    let after = Utc::now();

    let cert_der = der(&issued.cert_pem);
    let (rest, cert) = parse_x509_certificate(&cert_der).unwrap();
    assert!(rest.is_empty());
    assert_eq!(cert.version(), X509Version::V3);

    // Subject C=US, O=Makapix, CN=<player_key>, in that order.
    let subject: Vec<(String, String)> = cert
        .subject()
        .iter_attributes()
        .map(|a| {
            (
                a.attr_type().to_id_string(),
                a.as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        subject,
        vec![
            ("2.5.4.6".to_string(), "US".to_string()),
            ("2.5.4.10".to_string(), "Makapix".to_string()),
            ("2.5.4.3".to_string(), key.to_string()),
        ]
    );

    // The only extension is the SAN, with exactly DNS:player-<key>.
    let exts = cert.extensions();
    assert_eq!(exts.len(), 1, "{exts:?}");
    match exts[0].parsed_extension() {
        ParsedExtension::SubjectAlternativeName(san) => {
            assert_eq!(
                san.general_names,
                vec![GeneralName::DNSName(&format!("player-{key}"))]
            );
        }
        other => panic!("unexpected extension {other:?}"),
    }

    assert_eq!(
        cert.signature_algorithm.algorithm.to_id_string(),
        SHA256_WITH_RSA
    );

    // Validity: now → now + 1095 days, and the reported times are the certificate's.
    let nb = cert.validity().not_before.timestamp();
    let na = cert.validity().not_after.timestamp();
    assert_eq!(nb, issued.not_before.timestamp());
    assert_eq!(na, issued.not_after.timestamp());
    assert!(nb >= before.timestamp() - 1 && nb <= after.timestamp());
    assert_eq!(na - nb, CERT_VALIDITY_DAYS * 86_400);

    // Serial: positive, at most 20 bytes, and the decimal string is the same number.
    let serial = cert.serial.to_str_radix(10);
    assert_eq!(serial, issued.serial);
    let raw = cert.raw_serial();
    assert!(raw.len() <= 20, "serial of {} bytes", raw.len());
    assert_eq!(raw[0] & 0x80, 0);

    // Key: unencrypted PKCS#8 RSA-2048 whose public half is the certificate's.
    assert!(issued.key_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    let key_pair = RsaPrivateKey::from_pkcs8_pem(&issued.key_pem).unwrap();
    assert_eq!(key_pair.size() * 8, 2048);
    let spki_rsa = match cert.public_key().parsed().unwrap() {
        x509_parser::public_key::PublicKey::RSA(rsa) => rsa,
        other => panic!("not an RSA key: {other:?}"),
    };
    let strip = |b: &[u8]| {
        b.iter()
            .skip_while(|x| **x == 0)
            .copied()
            .collect::<Vec<u8>>()
    };
    assert_eq!(strip(spki_rsa.modulus), key_pair.n().to_bytes_be());
    assert_eq!(strip(spki_rsa.exponent), key_pair.e().to_bytes_be());

    // Signed by the CA.
    let ca_der = der(ca().cert_pem());
    let (_, ca_cert) = parse_x509_certificate(&ca_der).unwrap();
    cert.verify_signature(Some(ca_cert.public_key())).unwrap();
    assert_eq!(cert.issuer(), ca_cert.subject());
    assert!(ca().signed(&issued.cert_pem));

    // The p3a's buffers: each PEM under 4096 bytes.
    assert!(issued.cert_pem.len() < 4096, "{}", issued.cert_pem.len());
    assert!(issued.key_pem.len() < 4096, "{}", issued.key_pem.len());
    assert!(ca().cert_pem().len() < 4096);
}

#[test]
fn every_issue_has_a_new_key_and_serial() {
    let key = uuid::Uuid::new_v4();
    let a = ca().issue_player(&key).unwrap();
    let b = ca().issue_player(&key).unwrap();
    assert_ne!(a.serial, b.serial);
    assert_ne!(a.key_pem, b.key_pem);
}

#[test]
fn a_4096_bit_ca_still_fits_the_pem_limit() {
    let big = Ca::generate(4096).unwrap();
    assert!(big.cert_pem().len() < 4096, "{}", big.cert_pem().len());
    let issued = big.issue_player(&uuid::Uuid::new_v4()).unwrap();
    assert!(issued.cert_pem.len() < 4096);
    assert!(big.signed(&issued.cert_pem));
    assert!(!ca().signed(&issued.cert_pem));
}

#[test]
fn ca_is_a_self_signed_crl_signer() {
    let ca_der = der(ca().cert_pem());
    let (_, cert) = parse_x509_certificate(&ca_der).unwrap();
    assert_eq!(cert.subject(), cert.issuer());
    assert!(cert.subject().to_string().contains("CN=Makapix CA"));
    cert.verify_signature(None).unwrap();
    let bc = cert.basic_constraints().unwrap().unwrap();
    assert!(bc.value.ca);
    let ku = cert.key_usage().unwrap().unwrap();
    assert!(ku.value.key_cert_sign() && ku.value.crl_sign());
    let days = (cert.validity().not_after.timestamp() - Utc::now().timestamp()) / 86_400;
    assert!((3649..=3650).contains(&days), "{days}");
}

#[test]
fn broker_certificate_names_every_host() {
    let issued = ca()
        .issue_broker(&[
            "mqtt.example.org".into(),
            "10.1.2.3".into(),
            "localhost".into(),
        ])
        .unwrap();
    let info = pki::cert_info(&issued.cert_pem).unwrap();
    assert_eq!(
        info.subject_alt_names,
        vec!["mqtt.example.org", "10.1.2.3", "localhost", "127.0.0.1"]
    );
    assert_eq!(info.not_after.timestamp(), issued.not_after.timestamp());
    assert!(info.not_after > Utc::now() + Duration::days(CERT_VALIDITY_DAYS - 1));

    let cert_der = der(&issued.cert_pem);
    let (_, cert) = parse_x509_certificate(&cert_der).unwrap();
    assert!(cert.subject().to_string().contains("CN=mqtt.example.org"));
    // The IP is an iPAddress SAN (mbedTLS and OpenSSL match IPs only against those).
    let san = cert.subject_alternative_name().unwrap().unwrap();
    assert!(san
        .value
        .general_names
        .contains(&GeneralName::IPAddress(&[10, 1, 2, 3])));
    assert!(ca().signed(&issued.cert_pem));
}

#[test]
fn from_pem_refuses_a_key_of_another_certificate() {
    let other = ca().issue_player(&uuid::Uuid::new_v4()).unwrap();
    match Ca::from_pem(ca().cert_pem(), &other.key_pem) {
        Err(PkiError::KeyMismatch) => {}
        other => panic!("expected KeyMismatch, got {other:?}"),
    }
    assert!(matches!(
        Ca::from_pem("not a pem", &other.key_pem),
        Err(PkiError::Parse(_))
    ));
    // The player's own pair is consistent (it is just not a CA): accepted as a signer.
    assert!(Ca::from_pem(&other.cert_pem, &other.key_pem).is_ok());
}

#[test]
fn load_or_create_creates_once_and_reloads() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let pki_dir = dir.path().join("pki");
    let first = Ca::load_or_create(&pki_dir, 2048).unwrap();
    let key_mode = std::fs::metadata(pki_dir.join("ca.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(key_mode & 0o777, 0o600);
    let key_pem = std::fs::read_to_string(pki_dir.join("ca.key")).unwrap();
    assert!(key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(
        std::fs::read_to_string(pki_dir.join("ca.crt")).unwrap(),
        first.cert_pem()
    );

    let again = Ca::load_or_create(&pki_dir, 2048).unwrap();
    assert_eq!(again.cert_pem(), first.cert_pem());
    let issued = again.issue_player(&uuid::Uuid::new_v4()).unwrap();
    assert!(first.signed(&issued.cert_pem));
    assert_eq!(Ca::load(&pki_dir).unwrap().cert_pem(), first.cert_pem());

    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(&pki_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".ca.lock"))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, vec!["ca.crt", "ca.key"]);

    // A lone key is not silently replaced by a new CA.
    std::fs::remove_file(pki_dir.join("ca.crt")).unwrap();
    assert!(matches!(
        Ca::load_or_create(&pki_dir, 2048),
        Err(PkiError::Incomplete(_))
    ));
    assert_eq!(
        std::fs::read_to_string(pki_dir.join("ca.key")).unwrap(),
        key_pem
    );
}

#[test]
fn write_atomic_sets_the_mode_and_replaces_content() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crl.pem");
    pki::write_atomic(&path, b"one", 0o644).unwrap();
    pki::write_atomic(&path, b"two", 0o640).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"two");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
