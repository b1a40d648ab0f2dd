//! The player lifecycle over HTTP, as a p3a sees it (player-protocol.md §1.1–§1.5 and the
//! black-box checks 1–5 of §6): provision, register by code, credentials and certificate,
//! device tokens. Renewal and deletion are in `players_revocation.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod players_support;

use chrono::{DateTime, Duration, Utc};
use http::{Method, StatusCode};
use players_support::*;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::json;
use sqlx::PgPool;
use x509_parser::prelude::*;

fn is_code(c: &str) -> bool {
    c.len() == 6
        && c.bytes()
            .all(|b| b"ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(&b))
}

#[sqlx::test(migrations = "../../migrations")]
async fn provision_answers_what_the_firmware_parses(pool: PgPool) {
    let app = app(
        pool,
        &[
            ("MQTT_PUBLIC_HOST", "mqtt.example.test"),
            ("MQTT_PUBLIC_PORT", "8884"),
        ],
    )
    .await;
    let body = json!({"device_model": "p3a", "firmware_version": "1.1.1"});
    let r = send(
        &app,
        DEVICE_IP,
        Method::POST,
        "/player/provision",
        Some(body),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.body.len() < 2048, "{} bytes", r.body.len());
    let p = r.json();
    let key = p["player_key"].as_str().unwrap();
    let parsed = uuid::Uuid::parse_str(key).unwrap();
    assert_eq!(key, parsed.hyphenated().to_string(), "lowercase canonical");
    assert_eq!(parsed.get_version_num(), 4);
    assert!(is_code(p["registration_code"].as_str().unwrap()), "{p}");
    let exp: DateTime<Utc> = p["registration_code_expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (exp - (Utc::now() + Duration::minutes(15)))
            .num_seconds()
            .abs()
            < 30
    );
    assert_eq!(
        p["mqtt_broker"],
        json!({"host": "mqtt.example.test", "port": 8884})
    );
    assert_eq!(p["https_api"]["auth"], "bearer");
    assert_eq!(p["https_api"]["base_url"], "http://127.0.0.1:8080/api");

    // Both fields are optional, and so is the body.
    let r = send(
        &app,
        DEVICE_IP,
        Method::POST,
        "/player/provision",
        Some(json!({})),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = send(
        &app,
        DEVICE_IP,
        Method::POST,
        "/player/provision",
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_ne!(r.json()["player_key"], p["player_key"]);

    for (field, body) in [
        ("device_model", json!({"device_model": "m".repeat(101)})),
        (
            "firmware_version",
            json!({"firmware_version": "v".repeat(51)}),
        ),
    ] {
        let r = send(
            &app,
            DEVICE_IP,
            Method::POST,
            "/player/provision",
            Some(body),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The device-plane `detail` names the offending field.
        assert!(
            r.json()["detail"].to_string().contains(field),
            "{:?}",
            r.json()
        );
    }
    let ok = json!({"device_model": "m".repeat(100), "firmware_version": "v".repeat(50)});
    let r = send(
        &app,
        DEVICE_IP,
        Method::POST,
        "/player/provision",
        Some(ok),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn registration_by_code_is_single_use(pool: PgPool) {
    let app = app(pool, &[]).await;
    let (_, token) = app.user_with_token("owner1").await;
    let p = provision(&app, DEVICE_IP).await;
    let key = p["player_key"].as_str().unwrap();
    let code = p["registration_code"].as_str().unwrap();

    // Check 2: nothing to fetch before registration.
    let r = credentials(&app, DEVICE_IP, key).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json(), json!({"detail": "Player not found"}));

    assert_eq!(
        register(&app, &token, "ABCDE", "x").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        register(&app, &token, code, "   ").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = app
        .post(
            "/player/register",
            json!({"registration_code": code, "name": "x"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.json()["detail"].is_string(), "{:?}", r.json());

    // Check 3: the code in lowercase registers; the same code again is unknown.
    let r = register(&app, &token, &code.to_lowercase(), "  Kitchen frame ").await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let pl = r.json();
    assert_eq!(pl["registration_status"], "registered");
    assert_eq!(pl["player_key"], key);
    assert_eq!(pl["name"], "Kitchen frame");
    assert_eq!(pl["device_model"], "p3a");
    assert_eq!(pl["firmware_version"], "1.1.1");
    assert_eq!(pl["connection_status"], "offline");
    for field in ["id", "registered_at", "created_at", "cert_expires_at"] {
        assert!(pl[field].is_string(), "{field} in {pl}");
    }
    for field in [
        "last_seen_at",
        "current_post_id",
        "capabilities",
        "is_paused",
        "brightness",
        "rotation",
        "mirror",
    ] {
        assert!(
            pl.as_object().unwrap().contains_key(field),
            "{field} in {pl}"
        );
    }
    let r = register(&app, &token, code, "again").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json(),
        json!({"detail": "Invalid or expired registration code"})
    );

    // An expired code is as unknown as a used one.
    let late = provision(&app, DEVICE_IP).await;
    sqlx::query("update players set registration_code_expires_at = now() - interval '1 second' where player_key = $1")
        .bind(uuid::Uuid::parse_str(late["player_key"].as_str().unwrap()).unwrap())
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = register(
        &app,
        &token,
        late["registration_code"].as_str().unwrap(),
        "late",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let audit: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where action = 'add_device' and target_id = $1",
    )
    .bind(pl["id"].as_str().unwrap())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audit, 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn credentials_carry_a_certificate_the_p3a_accepts(pool: PgPool) {
    let app = app(pool, &[("MQTT_PUBLIC_HOST", "broker.example.test")]).await;
    let p = owned_player(&app, "owner2", DEVICE_IP).await;

    // Check 4.
    let r = credentials(&app, DEVICE_IP, &p.key).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.len() < 32 * 1024, "{} bytes", r.body.len());
    let c = r.json();
    for pem in ["ca_pem", "cert_pem", "key_pem"] {
        let len = c[pem].as_str().unwrap().len();
        assert!(len > 0 && len < 4096, "{pem}: {len} bytes");
    }
    assert_eq!(c["broker"]["host"], "broker.example.test");
    assert_eq!(c["broker"]["port"], 8883);
    assert_eq!(c["https_api"]["auth"], "bearer");
    let token = c["api_token"].as_str().unwrap();
    assert!(
        token.starts_with("mpx_live_") && token.len() == 52,
        "{token}"
    );
    let again = credentials(&app, DEVICE_IP, &p.key).await.json();
    assert_eq!(again["cert_pem"], c["cert_pem"]);
    assert_eq!(again["key_pem"], c["key_pem"]);
    assert!(again.as_object().unwrap().contains_key("api_token"));
    assert!(again["api_token"].is_null());

    // Check 5: CN and SAN, chain, lifetime, and a PKCS#8 RSA-2048 key that is the cert's.
    let cert_der = der_of(c["cert_pem"].as_str().unwrap());
    let (_, cert) = X509Certificate::from_der(&cert_der).unwrap();
    let cn = cert
        .subject()
        .iter_common_name()
        .next()
        .unwrap()
        .as_str()
        .unwrap();
    assert_eq!(cn, p.key);
    let san = cert.subject_alternative_name().unwrap().unwrap();
    assert_eq!(
        san.value.general_names,
        vec![GeneralName::DNSName(&format!("player-{}", p.key))]
    );
    let ca_der = der_of(c["ca_pem"].as_str().unwrap());
    let (_, ca) = X509Certificate::from_der(&ca_der).unwrap();
    cert.verify_signature(Some(ca.public_key())).unwrap();
    let days =
        (cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp()) / 86_400;
    assert_eq!(days, 1095);
    let key_pem = c["key_pem"].as_str().unwrap();
    assert!(key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(key_pem).unwrap();
    assert_eq!(key.size() * 8, 2048);
    let public = key.to_public_key().to_pkcs1_der().unwrap();
    assert_eq!(
        public.as_bytes(),
        cert.public_key().subject_public_key.data.as_ref()
    );

    // What register reported is the stored certificate's end.
    let got = app.get(&p.path(""), Some(&p.token)).await.json();
    let exp: DateTime<Utc> = got["cert_expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(exp.timestamp(), cert.validity().not_after.timestamp());
}

#[sqlx::test(migrations = "../../migrations")]
async fn racing_first_fetches_mint_one_token(pool: PgPool) {
    let app = app(pool, &[]).await;
    let p = owned_player(&app, "owner3", DEVICE_IP).await;
    let fetches = (0..8).map(|_| credentials(&app, DEVICE_IP, &p.key));
    let all = futures::future::join_all(fetches).await;
    let minted: Vec<_> = all
        .iter()
        .inspect(|r| assert_eq!(r.status, StatusCode::OK))
        .filter(|r| r.json()["api_token"].is_string())
        .collect();
    assert_eq!(minted.len(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn rotating_the_device_token_revokes_the_old_one(pool: PgPool) {
    let app = app(pool, &[]).await;
    let p = owned_player(&app, "owner4", DEVICE_IP).await;
    let first = device_token(&app, &p.key).await;
    // A valid token passes the check (and is then refused for being early, not unknown).
    assert_eq!(
        renew(&app, DEVICE_IP, Some(&first)).await.status,
        StatusCode::BAD_REQUEST
    );

    let path = format!("/player/{}/token/rotate", p.key);
    let r = send(&app, DEVICE_IP, Method::POST, &path, None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let second = r.json()["api_token"].as_str().unwrap().to_string();
    assert!(second.starts_with("mpx_live_") && second != first);
    assert!(r.json()["rotated_at"].is_string());
    let r = renew(&app, DEVICE_IP, Some(&first)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.json()["detail"].is_string());
    assert_eq!(
        renew(&app, DEVICE_IP, Some(&second)).await.status,
        StatusCode::BAD_REQUEST
    );

    // The owner's rotation does the same; credentials then mint nothing new.
    let r = app
        .post(&p.path("/rotate-token"), json!({}), Some(&p.token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let third = r.json()["api_token"].as_str().unwrap().to_string();
    assert_eq!(
        renew(&app, DEVICE_IP, Some(&second)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        renew(&app, DEVICE_IP, Some(&third)).await.status,
        StatusCode::BAD_REQUEST
    );
    assert!(credentials(&app, DEVICE_IP, &p.key).await.json()["api_token"].is_null());

    // Pending or unknown players have no token to rotate.
    let pending = provision(&app, DEVICE_IP).await;
    let path = format!(
        "/player/{}/token/rotate",
        pending["player_key"].as_str().unwrap()
    );
    assert_eq!(
        send(&app, DEVICE_IP, Method::POST, &path, None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let path = format!("/player/{}/token/rotate", uuid::Uuid::new_v4());
    assert_eq!(
        send(&app, DEVICE_IP, Method::POST, &path, None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = send(
        &app,
        DEVICE_IP,
        Method::POST,
        "/player/not-a-key/token/rotate",
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
