//! Shared steps of the player lifecycle tests: provision, register, fetch credentials, and
//! reading certificates and the CRL back.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use db::users::UserRow;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use test_support::{json_request, TestApp, TestResponse};
use x509_parser::prelude::*;

/// Addresses from the documentation ranges; each test that counts limits uses its own.
pub const DEVICE_IP: &str = "192.0.2.10";

/// An app whose PKI dir holds the test CA; `overrides` as for `TestApp::with_overrides`.
pub async fn app(pool: sqlx::PgPool, overrides: &[(&str, &str)]) -> TestApp {
    TestApp::with_pki(pool, overrides).await
}

pub async fn send(
    app: &TestApp,
    ip: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> TestResponse {
    app.send_from(ip, json_request(method, path, body, token, &[]))
        .await
}

/// `POST /player/provision` as the p3a sends it; asserts 201 and returns the body.
pub async fn provision(app: &TestApp, ip: &str) -> Value {
    let body = json!({"device_model": "p3a", "firmware_version": "1.1.1"});
    let r = send(app, ip, Method::POST, "/player/provision", Some(body), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    r.json()
}

pub async fn register(app: &TestApp, token: &str, code: &str, name: &str) -> TestResponse {
    let body = json!({"registration_code": code, "name": name});
    app.post("/player/register", body, Some(token)).await
}

pub async fn credentials(app: &TestApp, ip: &str, key: &str) -> TestResponse {
    let path = format!("/player/{key}/credentials");
    send(app, ip, Method::GET, &path, None, None).await
}

pub async fn renew(app: &TestApp, ip: &str, device_token: Option<&str>) -> TestResponse {
    send(
        app,
        ip,
        Method::POST,
        "/player/renew-cert",
        None,
        device_token,
    )
    .await
}

/// A registered player of a new user: `(owner, owner token, player_key, player id)`.
pub struct Owned {
    pub owner: UserRow,
    pub token: String,
    pub key: String,
    pub id: String,
}

impl Owned {
    /// `/u/{sqid}/player/{id}` plus `tail`.
    pub fn path(&self, tail: &str) -> String {
        format!("/u/{}/player/{}{tail}", self.owner.public_sqid, self.id)
    }
}

pub async fn owned_player(app: &TestApp, handle: &str, ip: &str) -> Owned {
    let (owner, token) = app.user_with_token(handle).await;
    let p = provision(app, ip).await;
    let code = p["registration_code"].as_str().unwrap();
    let r = register(app, &token, code, "Living room").await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    Owned {
        owner,
        token,
        key: p["player_key"].as_str().unwrap().to_string(),
        id: r.json()["id"].as_str().unwrap().to_string(),
    }
}

/// The device token from the first credentials fetch.
pub async fn device_token(app: &TestApp, key: &str) -> String {
    let r = credentials(app, DEVICE_IP, key).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    r.json()["api_token"].as_str().unwrap().to_string()
}

pub fn der_of(pem: &str) -> Vec<u8> {
    let (_, p) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap();
    p.contents
}

/// The decimal serial of a PEM certificate, as the database stores it.
pub fn serial_of(cert_pem: &str) -> String {
    let der = der_of(cert_pem);
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    cert.tbs_certificate.serial.to_str_radix(10)
}

/// The serials listed in the CRL at `path` (decimal), once it exists.
pub fn crl_serials(path: &str) -> Option<Vec<String>> {
    let pem = std::fs::read_to_string(path).ok()?;
    let der = der_of(&pem);
    let (_, crl) = CertificateRevocationList::from_der(&der).unwrap();
    Some(
        crl.iter_revoked_certificates()
            .map(|r| r.user_certificate.to_str_radix(10))
            .collect(),
    )
}

/// Waits up to 10 s for the CRL at `path` to list every serial in `want`; the serials it
/// lists at the end.
pub async fn wait_crl_lists(path: &str, want: &[String]) -> Vec<String> {
    let start = Instant::now();
    loop {
        let listed = crl_serials(path).unwrap_or_default();
        if want.iter().all(|s| listed.contains(s)) || start.elapsed() > Duration::from_secs(10) {
            return listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `(serial, revoked)` of every serial the database recorded for this player key.
pub async fn recorded_serials(app: &TestApp, key: &str) -> Vec<(String, bool)> {
    let key = uuid::Uuid::parse_str(key).unwrap();
    sqlx::query_as::<_, (String, bool)>(
        "select serial, (player_id is null or revoked_at is not null) from player_cert_serials
         where player_key = $1 order by issued_at, serial",
    )
    .bind(key)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}
