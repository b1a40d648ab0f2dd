//! Owner-side player routes (list, get, rename, certs) and who may use them, the player rate
//! limits and caps, the pending-player janitor, and account deletion tearing players down.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod players_support;

use std::sync::Arc;

use chrono::{Duration, Utc};
use http::{Method, StatusCode};
use players_support::*;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../../migrations")]
async fn owners_see_and_rename_only_their_players(pool: PgPool) {
    let app = app(pool, &[]).await;
    let p = owned_player(&app, "alice", DEVICE_IP).await;
    let (bob, bob_t) = app.user_with_token("bob").await;

    let list = app
        .get(
            &format!("/u/{}/player", p.owner.public_sqid),
            Some(&p.token),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], p.id.as_str());
    assert!(items[0].get("cert_pem").is_none() && items[0].get("registration_code").is_none());
    let bobs = app
        .get(&format!("/u/{}/player", bob.public_sqid), Some(&bob_t))
        .await;
    assert_eq!(bobs.json(), json!({"items": []}));

    let r = app
        .call(
            Method::PATCH,
            &p.path(""),
            Some(json!({"name": " Hall "})),
            Some(&p.token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["name"], "Hall");
    assert_eq!(
        app.get(&p.path(""), Some(&p.token)).await.json()["name"],
        "Hall"
    );
    for bad in [
        json!({"name": ""}),
        json!({"name": "n".repeat(101)}),
        json!({}),
    ] {
        let r = app
            .call(Method::PATCH, &p.path(""), Some(bad), Some(&p.token))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    // Bob under his own sqid: Alice's player does not exist for him.
    let bob_path = format!("/u/{}/player/{}", bob.public_sqid, p.id);
    for (method, tail) in [
        (Method::GET, ""),
        (Method::DELETE, ""),
        (Method::GET, "/certs"),
        (Method::POST, "/rotate-token"),
        (Method::POST, "/renew-cert"),
    ] {
        let r = app
            .call(
                method.clone(),
                &format!("{bob_path}{tail}"),
                None,
                Some(&bob_t),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {tail}");
        assert_eq!(r.json(), json!({"detail": "Player not found"}));
    }
    let r = app
        .call(
            Method::PATCH,
            &bob_path,
            Some(json!({"name": "mine"})),
            Some(&bob_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Bob under Alice's sqid: refused whatever the player.
    for path in [
        p.path(""),
        p.path("/certs"),
        format!("/u/{}/player", p.owner.public_sqid),
    ] {
        let r = app.get(&path, Some(&bob_t)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(r.json()["detail"].is_string());
    }
    assert_eq!(
        app.get(&p.path(""), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let bogus = format!("/u/{}/player/not-a-uuid", p.owner.public_sqid);
    assert_eq!(
        app.get(&bogus, Some(&p.token)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&p.path(""), Some(&p.token)).await.json()["name"],
        "Hall"
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn device_routes_are_rate_limited_per_address(pool: PgPool) {
    let app = app(pool, &[]).await;
    let ip = "198.51.100.40";
    for _ in 0..10 {
        provision(&app, ip).await;
    }
    let r = send(
        &app,
        ip,
        Method::POST,
        "/player/provision",
        Some(json!({})),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
    assert!(r.json()["detail"].is_string(), "{:?}", r.json());
    provision(&app, "198.51.100.41").await;

    let key = uuid::Uuid::new_v4().to_string();
    for _ in 0..30 {
        assert_eq!(
            credentials(&app, ip, &key).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        credentials(&app, ip, &key).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    let path = format!("/player/{key}/token/rotate");
    for _ in 0..30 {
        let r = send(&app, ip, Method::POST, &path, None, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = send(&app, ip, Method::POST, &path, None, None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrations = "../../migrations")]
async fn failed_device_tokens_lock_the_address_out(pool: PgPool) {
    let app = app(pool, &[]).await;
    let p = owned_player(&app, "carol", DEVICE_IP).await;
    let good = device_token(&app, &p.key).await;
    let ip = "198.51.100.50";
    let r = renew(&app, ip, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    for _ in 0..59 {
        let r = renew(&app, ip, Some("mpx_live_not-a-real-token")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // The 61st failure, and then even a good token, from that address.
    assert_eq!(
        renew(&app, ip, Some("bogus")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        renew(&app, ip, Some(&good)).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        renew(&app, "198.51.100.51", Some(&good)).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn renewals_per_player_are_capped(pool: PgPool) {
    let app = app(pool, &[("CERT_RENEWAL_THRESHOLD_DAYS", "2000")]).await;
    let p = owned_player(&app, "dave", DEVICE_IP).await;
    let token = device_token(&app, &p.key).await;
    // Nine renewals' worth of the day's budget already used (minting each is slow).
    for _ in 0..9 {
        app.state
            .kv
            .hit(api::limits::PLAYER_RENEW_PLAYER, &p.id)
            .await
            .unwrap();
    }
    let r = renew(&app, DEVICE_IP, Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let r = renew(&app, "198.51.100.60", Some(&token)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = app
        .post(&p.path("/renew-cert"), json!({}), Some(&p.token))
        .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the owner shares the player's budget"
    );
    assert_eq!(recorded_serials(&app, &p.key).await.len(), 2);
}

#[sqlx::test(migrations = "../../migrations")]
async fn an_owner_holds_at_most_128_players(pool: PgPool) {
    let app = app(pool, &[]).await;
    let (owner, token) = app.user_with_token("erin").await;
    // 127 registered straight in the database (no certificates: minting 127 keys is slow).
    let expires = Utc::now() + Duration::minutes(15);
    for i in 0..127 {
        let mut conn = app.state.db.acquire().await.unwrap();
        let code = format!("Z{i:05}");
        let id = db::players::create_pending(
            &mut *conn,
            uuid::Uuid::new_v4(),
            &code,
            expires,
            None,
            None,
        )
        .await
        .unwrap();
        db::players::register(&mut conn, id, owner.id, "frame")
            .await
            .unwrap();
    }
    let p = provision(&app, DEVICE_IP).await;
    let r = register(
        &app,
        &token,
        p["registration_code"].as_str().unwrap(),
        "128th",
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let p = provision(&app, DEVICE_IP).await;
    let r = register(
        &app,
        &token,
        p["registration_code"].as_str().unwrap(),
        "129th",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json()["detail"]["code"],
        "player_limit_reached",
        "{:?}",
        r.json()
    );
    let list = app
        .get(&format!("/u/{}/player", owner.public_sqid), Some(&token))
        .await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 128);
}

fn worker_deps(app: &test_support::TestApp) -> worker::Deps {
    worker::Deps {
        pool: app.state.db.clone(),
        config: Arc::new((*app.state.config).clone()),
        kv: app.state.kv.clone(),
        vault: app.state.vault.clone(),
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_janitor_removes_only_expired_pending_players(pool: PgPool) {
    let app = app(pool, &[]).await;
    let fresh = provision(&app, DEVICE_IP).await;
    let stale = provision(&app, DEVICE_IP).await;
    let kept = owned_player(&app, "frank", DEVICE_IP).await;
    sqlx::query("update players set registration_code_expires_at = now() - interval '1 minute' where player_key = $1")
        .bind(uuid::Uuid::parse_str(stale["player_key"].as_str().unwrap()).unwrap())
        .execute(&app.state.db)
        .await
        .unwrap();
    let deps = worker_deps(&app);
    let job = worker::schedule::Scheduled::ExpirePendingPlayers;
    assert_eq!(job.run(&deps).await.unwrap(), 1);
    let keys: Vec<uuid::Uuid> =
        sqlx::query_scalar("select player_key from players order by created_at")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    let key = |s: &str| uuid::Uuid::parse_str(s).unwrap();
    assert_eq!(
        keys,
        vec![key(fresh["player_key"].as_str().unwrap()), key(&kept.key)]
    );
    assert_eq!(job.run(&deps).await.unwrap(), 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn deleting_the_account_revokes_its_players(pool: PgPool) {
    let app = app(pool, &[]).await;
    let p = owned_player(&app, "grace", DEVICE_IP).await;
    let q = owned_player(&app, "heidi", DEVICE_IP).await;
    let token = device_token(&app, &p.key).await;
    let serial = recorded_serials(&app, &p.key).await[0].0.clone();

    let r = app
        .post("/v1/user/delete-account", json!({}), Some(&p.token))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    // At once: the serial is revoked and published, and the device token is refused.
    let crl = app.state.config.mqtt_crl_file.clone();
    let listed = wait_crl_lists(&crl, std::slice::from_ref(&serial)).await;
    assert!(listed.contains(&serial), "{listed:?}");
    assert_eq!(
        recorded_serials(&app, &p.key).await,
        vec![(serial.clone(), true)]
    );
    assert_eq!(
        renew(&app, DEVICE_IP, Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The purge deletes the rows and rebuilds the CRL from scratch: still listed.
    std::fs::remove_file(&crl).unwrap();
    let deps = worker_deps(&app);
    let purged = worker::jobs::purge_account::purge(&deps, p.owner.id)
        .await
        .unwrap();
    assert_eq!(purged, worker::jobs::purge_account::Purged::Removed);
    assert_eq!(
        credentials(&app, DEVICE_IP, &p.key).await.status,
        StatusCode::NOT_FOUND
    );
    let listed = crl_serials(&crl).expect("the purge wrote the CRL");
    assert_eq!(listed, vec![serial]);
    let bystander = recorded_serials(&app, &q.key).await;
    assert_eq!(bystander.len(), 1);
    assert!(!bystander[0].1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn openapi_documents_the_player_lifecycle(pool: PgPool) {
    let app = test_support::TestApp::new(pool).await;
    let doc = app.get("/v1/openapi.json", None).await.json();
    let paths = &doc["paths"];
    for (path, methods) in [
        ("/player/provision", &["post"][..]),
        ("/player/register", &["post"]),
        ("/player/{player_key}/credentials", &["get"]),
        ("/player/{player_key}/token/rotate", &["post"]),
        ("/player/renew-cert", &["post"]),
        ("/u/{sqid}/player", &["get"]),
        ("/u/{sqid}/player/{player_id}", &["get", "patch", "delete"]),
        ("/u/{sqid}/player/{player_id}/rotate-token", &["post"]),
        ("/u/{sqid}/player/{player_id}/renew-cert", &["post"]),
        ("/u/{sqid}/player/{player_id}/certs", &["get"]),
    ] {
        for m in methods {
            assert_eq!(paths[path][m]["tags"], json!(["players"]), "{m} {path}");
        }
    }
    assert!(doc["components"]["schemas"]["PlayerPublic"].is_object());
}
