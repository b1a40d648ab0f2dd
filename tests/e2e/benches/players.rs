//! The 500-player benchmark (bench/players.sh, docs/performance.md): N simulated p3a players
//! connect to the stack's Mosquitto over mTLS and each walks the `all` channel as the firmware
//! does (`query_posts`, limit 32, following cursors, starting over at the end) for a fixed time.
//! Prints connections held, requests/s, p50/p99 round trip and the bridge's RSS.
//!
//! The players are created directly in the stack database (registered to one member signed up
//! through the real HTTP flow), with certificates issued by the stack CA in `PKI_DIR`: the HTTP
//! flow allows 128 players per member and 10 provisions per hour per address. Their serials are
//! not recorded, so deleting the rows at the end revokes nothing. Not part of the test run.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::sync::Arc;
use std::time::{Duration, Instant};

use e2e::players::Member;
use e2e::{json, Stack};
use test_support::player_sim::{PlayerPool, PlayerSim, SimConfig};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The bridge's resident set in MiB, from /proc of the pid the stack recorded (or `BRIDGE_PID`,
/// for a bridge started by hand in place of the stack's).
fn bridge_rss_mib(stack: &Stack) -> Option<f64> {
    let pid = std::env::var("BRIDGE_PID")
        .ok()
        .or_else(|| std::fs::read_to_string(stack.root.join(".stack/pids/mqtt-bridge.pid")).ok())?;
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid.trim())).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

static FIRST_FAILURE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// One player's loop: walk `all` page by page until the deadline, one request every `every`
/// (a paced player, as a frame refreshing its channel) or back to back when `every` is zero;
/// a late reply delays the next request rather than bunching requests up. The first request
/// waits a random part of `every`, so players do not fire in step. Returns round trips (µs)
/// and the number of failed requests (timeouts or `success: false`).
async fn walk_until(
    sim: Arc<PlayerSim>,
    every: Duration,
    deadline: Instant,
) -> (Vec<u32>, u64, u64) {
    let mut lat = Vec::new();
    let mut failed = 0;
    let mut bytes = 0;
    let mut cursor = serde_json::Value::Null;
    let mut next = Instant::now() + every.mul_f64(rand::random::<f64>());
    while next < deadline {
        tokio::time::sleep_until(next.into()).await;
        let started = Instant::now();
        next = started + every;
        let fields =
            json!({"channel": "all", "sort": "server_order", "limit": 32, "cursor": cursor});
        match sim.request_raw("query_posts", fields).await {
            Ok(raw) => match serde_json::from_slice::<Page>(&raw) {
                Ok(page) if page.success => {
                    lat.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
                    bytes += raw.len() as u64;
                    cursor = match (page.has_more, page.next_cursor) {
                        (Some(true), Some(c)) => json!(c),
                        _ => serde_json::Value::Null,
                    };
                }
                other => {
                    let shown = other.map(|_| String::from_utf8_lossy(&raw).into_owned());
                    first_failure(&mut failed, &shown);
                    cursor = serde_json::Value::Null;
                }
            },
            Err(e) => {
                first_failure(&mut failed, &e);
                cursor = serde_json::Value::Null;
            }
        }
        next = next.max(Instant::now());
    }
    (lat, failed, bytes)
}

/// The fields of a `query_posts` reply the walk needs; the posts are skipped, not built.
#[derive(serde::Deserialize)]
struct Page {
    success: bool,
    has_more: Option<bool>,
    next_cursor: Option<String>,
}

fn first_failure(failed: &mut u64, what: &dyn std::fmt::Debug) {
    if *failed == 0 && !FIRST_FAILURE.swap(true, std::sync::atomic::Ordering::Relaxed) {
        eprintln!("first failure: {what:?}");
    }
    *failed += 1;
}

#[tokio::main]
async fn main() {
    let players: usize = env_or("PLAYERS", 500);
    let secs: u64 = env_or("DURATION_SECS", 30);
    let parallel: usize = env_or("CONNECT_PARALLEL", 16);
    let every = Duration::from_millis(env_or("INTERVAL_MS", 240));
    let stack = Stack::load();
    let db = sqlx::PgPool::connect(stack.get("DATABASE_URL"))
        .await
        .unwrap();
    let owner = Member::sign_up(&stack).await;
    let pki_dir = stack.root.join(stack.get("PKI_DIR"));
    let ca = Arc::new(pki::Ca::load(&pki_dir).expect("the stack CA (scripts/stack up)"));
    let ca_pem = ca.cert_pem().to_string();

    let t = Instant::now();
    let (keys, issued) = certificates(&stack, &ca, players).await;
    eprintln!("{players} certificates ready in {:.1?}", t.elapsed());
    for (key, _) in keys.iter().zip(&issued) {
        sqlx::query(
            "insert into players (player_key, owner_id, name, device_model, firmware_version, \
             registration_status, registered_at) \
             values ($1, $2, 'bench', 'p3a', '1.1.1', 'registered', now())",
        )
        .bind(key)
        .bind(i32::try_from(owner.user_id).unwrap())
        .execute(&db)
        .await
        .unwrap();
    }

    let host = stack.get("MQTT_PUBLIC_HOST").to_string();
    let port: u16 = stack.get("MQTT_PUBLIC_PORT").parse().unwrap();
    let configs: Vec<SimConfig> = keys
        .iter()
        .zip(&issued)
        .map(|(key, (cert, key_pem))| {
            let mut c = SimConfig::new(&host, port, *key, &ca_pem, cert, key_pem);
            c.retry_pauses = Vec::new();
            c.connect_timeout = Duration::from_secs(60);
            c
        })
        .collect();
    let rss_idle = bridge_rss_mib(&stack);
    let t = Instant::now();
    let pool = PlayerPool::connect_all(configs, parallel).await;
    let pool = match pool {
        Ok(p) => p,
        Err(e) => {
            cleanup(&db, &keys).await;
            panic!("connecting {players} players failed: {e}");
        }
    };
    eprintln!("connected {} players in {:.1?}", pool.len(), t.elapsed());

    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let tasks: Vec<_> = pool
        .players()
        .iter()
        .map(|p| tokio::spawn(walk_until(p.clone(), every, deadline)))
        .collect();
    let mut rss_peak = rss_idle.unwrap_or(0.0);
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss_peak = rss_peak.max(bridge_rss_mib(&stack).unwrap_or(0.0));
    }
    let held = pool.connected();
    let mut lat = Vec::new();
    let (mut failed, mut bytes) = (0, 0);
    for t in tasks {
        let (l, f, b) = t.await.unwrap();
        lat.extend(l);
        failed += f;
        bytes += b;
    }
    let elapsed = started.elapsed().as_secs_f64();
    pool.disconnect_all().await;
    cleanup(&db, &keys).await;

    lat.sort_unstable();
    let pct = |p: f64| {
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len().max(1)) - 1;
        lat.get(i).map_or(0.0, |us| f64::from(*us) / 1000.0)
    };
    println!("players            {players}");
    println!("connections held   {held}");
    println!("duration           {elapsed:.1} s");
    if every.is_zero() {
        println!("pacing             none (each player back to back)");
    } else {
        println!(
            "pacing             1 request / {} ms per player, {:.0} requests/s offered",
            every.as_millis(),
            players as f64 / every.as_secs_f64()
        );
    }
    println!("requests ok        {}", lat.len());
    println!("requests failed    {failed}");
    println!("requests/s         {:.0}", lat.len() as f64 / elapsed);
    println!(
        "reply size         {:.1} KiB average",
        bytes as f64 / lat.len().max(1) as f64 / 1024.0
    );
    println!("p50 round trip     {:.1} ms", pct(0.50));
    println!("p90 round trip     {:.1} ms", pct(0.90));
    println!("p99 round trip     {:.1} ms", pct(0.99));
    println!("max round trip     {:.1} ms", pct(1.0));
    println!(
        "bridge RSS         {} MiB idle, {rss_peak:.1} MiB peak",
        rss_idle.map_or("?".into(), |r| format!("{r:.1}"))
    );
}

/// The players' keys and certificates, kept in `target/bench/player-certs.json` between runs
/// (RSA-2048 key generation takes minutes for 500) as long as the stack CA is the same.
async fn certificates(
    stack: &Stack,
    ca: &Arc<pki::Ca>,
    n: usize,
) -> (Vec<uuid::Uuid>, Vec<(String, String)>) {
    let path = stack.root.join("target/bench/player-certs.json");
    let cached: Vec<(uuid::Uuid, String, String, String)> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut kept: Vec<_> = cached
        .into_iter()
        .filter(|(_, ca_pem, _, _)| ca_pem == ca.cert_pem())
        .collect();
    if kept.len() < n {
        let fresh: Vec<uuid::Uuid> = (0..n - kept.len()).map(|_| uuid::Uuid::new_v4()).collect();
        let issued = futures_issue(ca, &fresh).await;
        kept.extend(
            fresh
                .into_iter()
                .zip(issued)
                .map(|(k, (c, p))| (k, ca.cert_pem().to_string(), c, p)),
        );
        let _ = std::fs::create_dir_all(path.parent().unwrap());
        let _ = std::fs::write(&path, serde_json::to_vec(&kept).unwrap());
    }
    kept.truncate(n);
    kept.into_iter().map(|(k, _, c, p)| (k, (c, p))).unzip()
}

/// RSA-2048 key generation dominates setup: spread it over the blocking pool.
async fn futures_issue(ca: &Arc<pki::Ca>, keys: &[uuid::Uuid]) -> Vec<(String, String)> {
    let tasks: Vec<_> = keys
        .iter()
        .map(|k| {
            let (ca, k) = (ca.clone(), *k);
            tokio::task::spawn_blocking(move || {
                let c = ca.issue_player(&k).unwrap();
                (c.cert_pem, c.key_pem)
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn cleanup(db: &sqlx::PgPool, keys: &[uuid::Uuid]) {
    let r = sqlx::query("delete from players where player_key = any($1)")
        .bind(keys)
        .execute(db)
        .await;
    if let Err(e) = r {
        eprintln!("could not delete the benchmark players: {e}");
    }
}
