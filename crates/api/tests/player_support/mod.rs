//! Helpers for the player command and device-plane tests: registered players made directly in
//! the database, device tokens, a private broker with simulated players, and an SSE reader.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
// The mqtt-bridge tests' private Mosquitto (the project's config and ACL on free ports).
#[path = "../../../mqtt-bridge/tests/common/broker.rs"]
pub mod broker;

use std::time::Duration;

use axum::body::Body;
use db::players::PlayerRow;
use db::users::UserRow;
use http::{Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::PgPool;
use test_support::player_sim::{PlayerSim, SimConfig};
use test_support::{json_request, TestApp, TestResponse};
use tower::ServiceExt;
use uuid::Uuid;

pub use broker::Broker;

pub const WAIT: Duration = Duration::from_secs(10);

/// A TestApp whose publisher talks to a private broker.
pub struct Rig {
    pub app: TestApp,
    pub broker: Broker,
}

impl Rig {
    pub async fn new(pool: PgPool) -> Rig {
        let broker = Broker::start().await;
        let port = broker.internal_port.to_string();
        let app = TestApp::with_overrides(
            pool,
            &[
                ("MQTT_BROKER_PORT", port.as_str()),
                ("MQTT_PASSWORD", broker.password.as_str()),
                ("VAULT_PUBLIC_BASE_URL", "http://127.0.0.1:8081"),
            ],
        )
        .await;
        Rig { app, broker }
    }

    /// A connected simulated p3a for `key`.
    pub async fn sim(&self, key: Uuid) -> PlayerSim {
        let cfg: SimConfig = self.broker.sim_config(key);
        PlayerSim::connect(cfg)
            .await
            .unwrap_or_else(|e| panic!("simulator: {e}\n{}", self.broker.log()))
    }
}

/// A player registered to `owner`, created directly (provisioning is tested elsewhere).
pub async fn registered_player(app: &TestApp, owner: &UserRow, name: &str) -> PlayerRow {
    let key = Uuid::new_v4();
    let code = Uuid::new_v4().simple().to_string()[..6].to_uppercase();
    let expires = chrono::Utc::now() + chrono::Duration::minutes(15);
    let mut conn = app.state.db.acquire().await.unwrap();
    let id = db::players::create_pending(&mut *conn, key, &code, expires, Some("p3a"), None)
        .await
        .unwrap();
    db::players::register(&mut conn, id, owner.id, name)
        .await
        .unwrap();
    db::players::find_owned(&app.state.db, owner.id, id)
        .await
        .unwrap()
        .unwrap()
}

/// Mints the player's device token (`mpx_live_…`).
pub async fn device_token(app: &TestApp, player_id: Uuid) -> String {
    let token = auth::device::new_api_token();
    let hash = auth::device::api_token_hash(&token);
    assert!(
        db::player_tokens::insert_if_none_active(&app.state.db, player_id, &hash)
            .await
            .unwrap()
    );
    token
}

/// Stores a capabilities manifest's `features` as the bridge would.
pub async fn set_features(app: &TestApp, player_id: Uuid, features: Value) {
    sqlx::query("update players set capabilities = $2 where id = $1")
        .bind(player_id)
        .bind(features)
        .execute(&app.state.db)
        .await
        .unwrap();
}

/// `{"detail": …}` of a device-plane error.
pub fn detail(r: &TestResponse) -> Value {
    r.json()["detail"].clone()
}

/// A request with the device token as bearer, from `ip`.
pub async fn device_post(
    app: &TestApp,
    path: &str,
    body: &str,
    token: Option<&str>,
    ip: &str,
) -> TestResponse {
    let mut b = http::Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    app.send_from(ip, b.body(Body::from(body.to_string())).unwrap())
        .await
}

/// An open SSE response, read frame by frame.
pub struct SseReader {
    body: Body,
    pub text: String,
}

/// GETs `path`; `Ok` with a reader when the answer is 200, else the whole response.
pub async fn open_sse(app: &TestApp, path: &str) -> Result<SseReader, TestResponse> {
    let mut req = json_request(Method::GET, path, None, None, &[]);
    let addr: std::net::SocketAddr = "127.0.0.1:40000".parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    if status != StatusCode::OK {
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        return Err(TestResponse {
            status,
            headers,
            body,
        });
    }
    assert_eq!(headers["content-type"], "text/event-stream");
    Ok(SseReader {
        body: resp.into_body(),
        text: String::new(),
    })
}

impl SseReader {
    /// Reads until the text so far contains `needle`; false on timeout or end of stream.
    pub async fn until(&mut self, needle: &str, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while !self.text.contains(needle) {
            match tokio::time::timeout_at(deadline, self.body.frame()).await {
                Ok(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        self.text.push_str(&String::from_utf8_lossy(data));
                    }
                }
                _ => return false,
            }
        }
        true
    }
}

/// The device-service context the api builds for its handlers.
pub fn device_ctx(app: &TestApp) -> device::Ctx {
    api::routes::player_device::device_ctx(&app.state)
}
