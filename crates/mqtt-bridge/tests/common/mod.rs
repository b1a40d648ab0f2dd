//! What every bridge test needs: a test database and Redis prefix (TestApp), a private broker,
//! bridges running in-process under a unique shared-subscription group, and registered players
//! with simulators.
#![allow(dead_code)]
pub mod broker;

use std::time::Duration;

use mqtt_bridge::{BridgeHandle, Settings};
use test_support::player_sim::{PlayerSim, SimConfig};
use test_support::TestApp;
use uuid::Uuid;

pub use broker::Broker;

pub const WAIT: Duration = Duration::from_secs(10);

pub struct Owned {
    pub id: Uuid,
    pub key: Uuid,
    pub token: String,
    pub sqid: String,
}

pub struct Rig {
    pub app: TestApp,
    pub broker: Broker,
    /// Unique per test, although the broker is private too: bridges of one test share it.
    pub group: String,
}

impl Rig {
    pub async fn new(pool: db::PgPool) -> Rig {
        let broker = Broker::start().await;
        let (internal, tls) = (
            broker.internal_port.to_string(),
            broker.tls_port.to_string(),
        );
        let pki_dir = broker.pki_dir();
        let app = TestApp::with_overrides(
            pool,
            &[
                ("MQTT_BROKER_PORT", internal.as_str()),
                ("MQTT_PASSWORD", broker.password.as_str()),
                ("MQTT_PUBLIC_PORT", tls.as_str()),
                ("VAULT_PUBLIC_BASE_URL", "http://127.0.0.1:8081"),
                ("PKI_DIR", pki_dir.as_str()),
            ],
        )
        .await;
        Rig {
            app,
            broker,
            group: format!("t{}", &Uuid::new_v4().simple().to_string()[..12]),
        }
    }

    pub fn ctx(&self) -> device::Ctx {
        device::Ctx {
            db: self.app.state.db.clone(),
            kv: self.app.state.kv.clone(),
            sqids: self.app.state.sqids.clone(),
            vault_base_url: self.app.state.config.vault_public_base_url.clone(),
        }
    }

    /// The production settings (from the test config) with this test's group.
    pub fn settings(&self) -> Settings {
        let mut s = Settings::from_config(&self.app.state.config);
        s.group = self.group.clone();
        s
    }

    /// The same database with Redis under another prefix: a bridge whose in-flight claims
    /// (see `mqtt_bridge::dedup`) are invisible to the others.
    pub async fn ctx_with_own_redis(&self) -> device::Ctx {
        let prefix = format!("test-{}", Uuid::new_v4().simple());
        let kv = kv::Kv::connect(self.app.state.config.redis_url.expose(), &prefix)
            .await
            .unwrap();
        device::Ctx { kv, ..self.ctx() }
    }

    /// Starts a bridge and waits until its subscriptions are in place.
    pub async fn bridge_with(&self, s: Settings) -> BridgeHandle {
        self.bridge_on(s, self.ctx()).await
    }

    pub async fn bridge_on(&self, s: Settings, ctx: device::Ctx) -> BridgeHandle {
        let b = BridgeHandle::spawn(s, ctx);
        assert!(
            b.wait_subscribed(WAIT).await,
            "bridge did not subscribe\n{}",
            self.broker.log()
        );
        b
    }

    pub async fn bridge(&self) -> BridgeHandle {
        self.bridge_with(self.settings()).await
    }

    /// A registered player of a fresh verified user: (player id, player key).
    pub async fn registered_player(&self, handle: &str) -> (Uuid, Uuid) {
        let o = self.owned_player(handle).await;
        (o.id, o.key)
    }

    /// A registered player with its owner's token and sqid, for the owner's REST routes.
    pub async fn owned_player(&self, handle: &str) -> Owned {
        let (owner, token) = self.app.user_with_token(handle).await;
        let key = Uuid::new_v4();
        let code: String = Uuid::new_v4().simple().to_string()[..6].to_uppercase();
        let expires = chrono::Utc::now() + chrono::Duration::minutes(15);
        let mut conn = self.app.state.db.acquire().await.unwrap();
        let id = db::players::create_pending(&mut *conn, key, &code, expires, Some("p3a"), None)
            .await
            .unwrap();
        db::players::register(&mut conn, id, owner.id, "frame")
            .await
            .unwrap();
        Owned {
            id,
            key,
            token,
            sqid: owner.public_sqid,
        }
    }

    /// Serves the api on a free port (as `makapix-api` does) and returns its base URL.
    pub async fn serve_api(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = self
            .app
            .router
            .clone()
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}")
    }

    pub fn sim_config(&self, key: Uuid) -> SimConfig {
        let mut c = self.broker.sim_config(key);
        c.vault_base_url = self.app.state.config.vault_public_base_url.clone();
        c
    }

    pub async fn sim(&self, key: Uuid) -> PlayerSim {
        PlayerSim::connect(self.sim_config(key))
            .await
            .unwrap_or_else(|e| panic!("simulator: {e}\n{}", self.broker.log()))
    }

    /// (connection_status, last_seen_at set, brightness) of a player row.
    pub async fn presence(&self, id: Uuid) -> (String, bool, Option<i32>) {
        sqlx::query_as(
            "select connection_status, last_seen_at is not null, brightness from players where id = $1",
        )
        .bind(id)
        .fetch_one(&self.app.state.db)
        .await
        .unwrap()
    }

    /// Polls `check` every 50 ms until it holds or `WAIT` passes.
    pub async fn eventually<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !check().await {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
