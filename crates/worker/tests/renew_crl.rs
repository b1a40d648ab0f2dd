//! The daily CRL renewal: written when missing or within a week of nextUpdate, left alone
//! otherwise, listing every revoked serial of the database; never creates a CA.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use common::Harness;
use worker::jobs::renew_crl::renew_crl;
use worker::schedule::Scheduled;

/// Points the harness at a temporary PKI directory with a (2048-bit, for speed) CA.
fn with_pki(h: &mut Harness, dir: &Path, make_ca: bool) {
    if make_ca {
        pki::Ca::load_or_create(dir, 2048).unwrap();
    }
    let mut cfg = (*h.deps.config).clone();
    cfg.pki_dir = dir.to_str().unwrap().into();
    cfg.mqtt_crl_file = dir.join("crl.pem").to_str().unwrap().into();
    h.deps.config = Arc::new(cfg);
}

fn listed_serials(pem: &str) -> Vec<String> {
    let (_, p) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap();
    let (_, crl) = x509_parser::parse_x509_crl(&p.contents).unwrap();
    let mut v: Vec<String> = crl
        .iter_revoked_certificates()
        .map(|r| r.serial().to_str_radix(10))
        .collect();
    v.sort();
    v
}

#[sqlx::test(migrations = "../../migrations")]
async fn renews_when_missing_or_close_to_expiry(pool: db::PgPool) {
    let mut h = Harness::new(pool).await;
    let dir = tempfile::tempdir().unwrap();
    with_pki(&mut h, dir.path(), true);
    let crl = dir.path().join("crl.pem");

    // One serial of a deleted player (revoked), one of a live player (not).
    let key = uuid::Uuid::new_v4();
    sqlx::query(
        "insert into player_cert_serials (serial, player_id, player_key, expires_at)
         values ('123456789012345678901234567890', null, $1, now() + interval '1 year')",
    )
    .bind(key)
    .execute(&h.deps.pool)
    .await
    .unwrap();

    let now = Utc::now();
    assert_eq!(renew_crl(&h.deps, now).await.unwrap(), 1);
    let pem = std::fs::read_to_string(&crl).unwrap();
    assert_eq!(listed_serials(&pem), vec!["123456789012345678901234567890"]);
    let next = pki::crl_next_update(&pem).unwrap();
    assert_eq!(next.timestamp(), (now + Duration::days(30)).timestamp());

    // Fresh: left alone, file untouched.
    assert_eq!(
        renew_crl(&h.deps, now + Duration::days(1)).await.unwrap(),
        0
    );
    assert_eq!(std::fs::read_to_string(&crl).unwrap(), pem);

    // A week before expiry: re-signed with a later nextUpdate, same entries.
    let later = now + Duration::days(24);
    assert_eq!(renew_crl(&h.deps, later).await.unwrap(), 1);
    let renewed = std::fs::read_to_string(&crl).unwrap();
    assert_eq!(listed_serials(&renewed), listed_serials(&pem));
    assert!(pki::crl_next_update(&renewed).unwrap() > next);

    // The scheduled entry runs the same job at the real time: nothing due now, and once the
    // file is gone it writes it again.
    assert_eq!(Scheduled::RenewCrl.name(), "renew-crl");
    assert_eq!(Scheduled::RenewCrl.run(&h.deps).await.unwrap(), 0);
    std::fs::remove_file(&crl).unwrap();
    assert_eq!(Scheduled::RenewCrl.run(&h.deps).await.unwrap(), 1);
    assert!(crl.exists());
}

#[sqlx::test(migrations = "../../migrations")]
async fn without_a_ca_it_fails_and_creates_nothing(pool: db::PgPool) {
    let mut h = Harness::new(pool).await;
    let dir = tempfile::tempdir().unwrap();
    with_pki(&mut h, dir.path(), false);
    assert!(renew_crl(&h.deps, Utc::now()).await.is_err());
    assert!(!dir.path().join("ca.key").exists());
    assert!(!dir.path().join("crl.pem").exists());
}
