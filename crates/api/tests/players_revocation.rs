//! Certificate renewal inside the window only, make-before-break, and deletion revoking every
//! serial a player was ever issued (player-protocol.md §1.6, §1.7, and check 30 of §6).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod players_support;

use chrono::{DateTime, Utc};
use http::{Method, StatusCode};
use players_support::*;
use serde_json::json;
use sqlx::PgPool;
use x509_parser::prelude::*;

#[sqlx::test(migrations = "../../migrations")]
async fn renewal_waits_for_the_window(pool: PgPool) {
    let app = app(pool, &[]).await;
    let p = owned_player(&app, "owner5", DEVICE_IP).await;
    let token = device_token(&app, &p.key).await;
    let r = renew(&app, DEVICE_IP, Some(&token)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("days remaining"),
        "{:?}",
        r.json()
    );
    let r = app
        .post(&p.path("/renew-cert"), json!({}), Some(&p.token))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(recorded_serials(&app, &p.key).await.len(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn renewal_inside_the_window_keeps_the_old_serial_valid(pool: PgPool) {
    let app = app(pool, &[("CERT_RENEWAL_THRESHOLD_DAYS", "2000")]).await;
    let p = owned_player(&app, "owner6", DEVICE_IP).await;
    let first = credentials(&app, DEVICE_IP, &p.key).await.json();
    let token = first["api_token"].as_str().unwrap();

    let r = renew(&app, DEVICE_IP, Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let n = r.json();
    assert_ne!(n["cert_pem"], first["cert_pem"]);
    assert_ne!(n["key_pem"], first["key_pem"]);
    assert_eq!(n["ca_pem"], first["ca_pem"]);
    assert!(n["message"].is_string());
    let der = der_of(n["cert_pem"].as_str().unwrap());
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    let cn = cert
        .subject()
        .iter_common_name()
        .next()
        .unwrap()
        .as_str()
        .unwrap();
    assert_eq!(cn, p.key);
    let exp: DateTime<Utc> = n["cert_expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(exp.timestamp(), cert.validity().not_after.timestamp());

    // Make-before-break: both serials recorded, neither revoked; credentials serve the new one.
    let old = serial_of(first["cert_pem"].as_str().unwrap());
    let new = serial_of(n["cert_pem"].as_str().unwrap());
    // Both certificates can be issued within one second (the issue time has whole seconds),
    // so the order of the rows is not part of the claim.
    let mut recorded = recorded_serials(&app, &p.key).await;
    recorded.sort();
    let mut expected = vec![(old, false), (new, false)];
    expected.sort();
    assert_eq!(recorded, expected);
    assert_eq!(
        credentials(&app, DEVICE_IP, &p.key).await.json()["cert_pem"],
        n["cert_pem"]
    );

    // The owner's renewal: dates only; the device fetches the pair from its credentials.
    let r = app
        .post(&p.path("/renew-cert"), json!({}), Some(&p.token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert!(r.json()["cert_expires_at"].is_string() && r.json()["message"].is_string());
    assert!(r.json().get("key_pem").is_none());
    let certs = app.get(&p.path("/certs"), Some(&p.token)).await;
    assert_eq!(certs.status, StatusCode::OK);
    assert!(certs.json().get("api_token").is_none());
    assert_ne!(certs.json()["cert_pem"], n["cert_pem"]);
    assert_eq!(
        credentials(&app, DEVICE_IP, &p.key).await.json()["cert_pem"],
        certs.json()["cert_pem"]
    );
    assert_eq!(recorded_serials(&app, &p.key).await.len(), 3);
}

#[sqlx::test(migrations = "../../migrations")]
async fn deleting_a_player_revokes_every_serial_it_had(pool: PgPool) {
    let app = app(pool, &[("CERT_RENEWAL_THRESHOLD_DAYS", "2000")]).await;
    let p = owned_player(&app, "owner7", DEVICE_IP).await;
    let other = owned_player(&app, "owner8", DEVICE_IP).await;
    let first = credentials(&app, DEVICE_IP, &p.key).await.json();
    let token = first["api_token"].as_str().unwrap().to_string();
    let renewed = renew(&app, DEVICE_IP, Some(&token)).await.json();
    let serials = vec![
        serial_of(first["cert_pem"].as_str().unwrap()),
        serial_of(renewed["cert_pem"].as_str().unwrap()),
    ];

    // Check 30.
    let r = app
        .call(Method::DELETE, &p.path(""), None, Some(&p.token))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.body.is_empty());
    let crl = app.state.config.mqtt_crl_file.clone();
    let listed = wait_crl_lists(&crl, &serials).await;
    for s in &serials {
        assert!(listed.contains(s), "{s} not in the CRL {listed:?}");
    }
    let bystander = recorded_serials(&app, &other.key).await;
    assert!(
        !listed.contains(&bystander[0].0),
        "another player's serial was revoked"
    );
    assert!(recorded_serials(&app, &p.key)
        .await
        .iter()
        .all(|(_, revoked)| *revoked));

    assert_eq!(
        credentials(&app, DEVICE_IP, &p.key).await.status,
        StatusCode::NOT_FOUND
    );
    let path = format!("/player/{}/token/rotate", p.key);
    assert_eq!(
        send(&app, DEVICE_IP, Method::POST, &path, None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        renew(&app, DEVICE_IP, Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&p.path(""), Some(&p.token)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .call(Method::DELETE, &p.path(""), None, Some(&p.token))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let audit: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where action = 'remove_device' and target_id = $1",
    )
    .bind(&p.id)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audit, 1);
    let tokens: i64 = sqlx::query_scalar("select count(*) from player_tokens")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(tokens, 0, "the deleted player's tokens went with it");
}
