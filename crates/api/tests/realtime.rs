//! Live notifications across processes: two real `makapix-api serve` processes share one
//! database and one Redis; a browser connected to one must see, within two seconds, a
//! notification raised through the other, and only its own.
// Test helpers outside #[test] fns panic on purpose, like the assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use db::notifications::NewNotification;
use db::users::UserRow;
use serde_json::Value;
use sqlx::PgPool;
use test_support::TestApp;

/// One `makapix-api serve` child, killed when dropped.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
    vault: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.vault);
        let _ = std::fs::remove_file(&self.log);
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The URL of the per-test database, on the server `DATABASE_URL` names.
fn database_url(pool: &PgPool) -> String {
    let mut url = url::Url::parse(&std::env::var("DATABASE_URL").unwrap()).unwrap();
    url.set_path(pool.connect_options().get_database().unwrap());
    url.to_string()
}

/// Starts a server with the same secrets, database, Redis and Redis prefix as `app`.
async fn start(app: &TestApp, db_url: &str) -> Server {
    let cfg = &app.state.config;
    let (port, metrics) = (free_port(), free_port());
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let vault = std::env::temp_dir().join(format!("makapix-rt-vault-{tag}"));
    let log = std::env::temp_dir().join(format!("makapix-rt-{tag}.log"));
    std::fs::create_dir_all(&vault).unwrap();
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_makapix-api"))
        .arg("serve")
        .env_clear()
        .env("DATABASE_URL", db_url)
        .env("REDIS_URL", cfg.redis_url.expose())
        .env("REDIS_PREFIX", &cfg.redis_prefix)
        .env("JWT_SECRET_KEY", cfg.jwt_secret.expose())
        .env("MAKAPIX_IP_HASH_SALT", cfg.ip_hash_salt.expose())
        .env("SQIDS_ALPHABET", &cfg.sqids_alphabet)
        .env("VAULT_DIR", &vault)
        .env("MAKAPIX_VAULT_MIN_FREE_BYTES", "0")
        .env("API_BIND", format!("127.0.0.1:{port}"))
        .env("API_METRICS_BIND", format!("127.0.0.1:{metrics}"))
        .env("EDGE_RATE_PER_SECOND", "1000")
        .env("EDGE_BURST", "100000")
        .env("RUST_LOG", "info")
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    let mut server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
        vault,
    };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let health = http.get(format!("{}/v1/health", server.base)).send().await;
        if health.is_ok_and(|r| r.status().is_success()) {
            return server;
        }
        let exited = server.child.try_wait().unwrap();
        if exited.is_some() || Instant::now() > deadline {
            let out = std::fs::read_to_string(&server.log).unwrap_or_default();
            panic!("makapix-api serve did not come up ({exited:?}):\n{out}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A minimal event-stream reader over a streaming response.
struct Events {
    resp: reqwest::Response,
    buf: String,
}

impl Events {
    async fn open(server: &Server, token: &str) -> Self {
        let resp = reqwest::Client::new()
            .get(format!("{}/v1/realtime/notifications", server.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), reqwest::StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        Self {
            resp,
            buf: String::new(),
        }
    }

    /// The next named event as (name, data); comments (keepalives) are skipped.
    async fn next(&mut self) -> (String, Value) {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut name, mut data) = (None, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event: ") {
                        name = Some(v.to_string());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if let Some(name) = name {
                    return (name, serde_json::from_str(&data).unwrap());
                }
                continue;
            }
            let chunk = self.resp.chunk().await.unwrap().expect("stream ended");
            self.buf.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Nothing but keepalives for `d`.
    async fn quiet_for(&mut self, d: Duration) {
        if let Ok(ev) = tokio::time::timeout(d, self.next()).await {
            panic!("unexpected event {ev:?}");
        }
    }
}

async fn follow(server: &Server, target: &UserRow, token: &str) {
    let r = reqwest::Client::new()
        .post(format!(
            "{}/v1/user/u/{}/follow",
            server.base, target.public_sqid
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
}

async fn store(app: &TestApp, user: &UserRow, actor: Option<&UserRow>) -> uuid::Uuid {
    let row = db::notifications::insert(
        &app.state.db,
        &NewNotification {
            user_id: user.id,
            notification_type: if actor.is_some() {
                "reaction"
            } else {
                "trust_granted"
            },
            post_id: None,
            actor_id: actor.map(|a| a.id),
            actor_handle: actor.map(|a| a.handle.as_str()),
            actor_avatar_url: None,
            actor_public_sqid: actor.map(|a| a.public_sqid.as_str()),
            emoji: actor.map(|_| "🔥"),
            comment_id: None,
            comment_preview: None,
            content_title: None,
            content_sqid: None,
            content_art_url: None,
        },
    )
    .await
    .unwrap();
    row.id
}

/// Waits until the killed servers' database sessions are gone, so the test database can be
/// dropped when the test ends.
async fn wait_sessions_gone(pool: &PgPool) {
    for _ in 0..50 {
        let n: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity where datname = current_database()",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if n <= i64::from(pool.size()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_notification_raised_on_one_instance_reaches_a_client_on_another(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    let (carol, carol_t) = app.user_with_token("carol").await;
    // Alice has two unread notifications and one read one before connecting.
    store(&app, &alice, Some(&bob)).await;
    store(&app, &alice, Some(&carol)).await;
    let read = store(&app, &alice, None).await;
    db::notifications::mark_read(&app.state.db, alice.id, &[read])
        .await
        .unwrap();

    let db_url = database_url(&pool);
    let (one, two) = (start(&app, &db_url).await, start(&app, &db_url).await);

    let mut alice_events = Events::open(&one, &alice_t).await;
    let (name, data) = alice_events.next().await;
    assert_eq!(name, "connected");
    assert_eq!(data["unread_count"], 2);
    let mut bob_events = Events::open(&two, &bob_t).await;
    let (name, data) = bob_events.next().await;
    assert_eq!(name, "connected");
    assert_eq!(data["unread_count"], 0);

    // Carol follows bob through the first instance: bob, on the second, hears of it.
    let started = Instant::now();
    follow(&one, &bob, &carol_t).await;
    let (name, item) = tokio::time::timeout(Duration::from_secs(2), bob_events.next())
        .await
        .expect("bob's notification within 2 s");
    assert_eq!(name, "notification");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(item["user_id"], bob.id);
    assert_eq!(item["actor_handle"], "carol");

    // Bob follows alice through the second instance: alice, on the first, hears of it, and
    // the first notification she gets is hers, not bob's.
    let started = Instant::now();
    follow(&two, &alice, &bob_t).await;
    let (name, item) = tokio::time::timeout(Duration::from_secs(2), alice_events.next())
        .await
        .expect("alice's notification within 2 s");
    let elapsed = started.elapsed();
    assert_eq!(name, "notification");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert_eq!(item["user_id"], alice.id);
    assert_eq!(item["notification_type"], "follow");
    assert_eq!(item["actor_handle"], "bob");
    assert_eq!(item["actor_public_sqid"], bob.public_sqid.as_str());
    assert_eq!(item["is_read"], false);
    let stored: uuid::Uuid = item["id"].as_str().unwrap().parse().unwrap();
    let rows = db::notifications::list(&app.state.db, alice.id, true, None, 10)
        .await
        .unwrap();
    assert_eq!(
        rows[0].id, stored,
        "the event carries the stored notification"
    );
    bob_events.quiet_for(Duration::from_millis(300)).await;

    // A new connection counts it.
    let mut again = Events::open(&two, &alice_t).await;
    let (name, data) = again.next().await;
    assert_eq!(name, "connected");
    assert_eq!(data["unread_count"], 3);

    drop((alice_events, bob_events, again, one, two));
    wait_sessions_gone(&pool).await;
}
