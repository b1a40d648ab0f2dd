//! Helpers of the broker tests: the stack's broker settings, MQTT clients as the backend and as a
//! p3a (mTLS with rustls and the ring provider), polling helpers, and a revoked serial that
//! cleans up after itself.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use e2e::{uuid::Uuid, Stack};
use rumqttc::{
    AsyncClient, ConnectionError, Event, EventLoop, LastWill, MqttOptions, Packet, QoS,
    TlsConfiguration, Transport,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The stack's values that the broker tests need, with paths made absolute (tests run in
/// tests/e2e, the stack's paths are relative to the repository root).
pub struct Broker {
    pub stack: Stack,
}

impl Broker {
    pub fn load() -> Self {
        Self {
            stack: Stack::load(),
        }
    }

    pub fn path(&self, key: &str) -> PathBuf {
        let p = PathBuf::from(self.stack.get(key));
        if p.is_absolute() {
            p
        } else {
            self.stack.root.join(p)
        }
    }

    pub fn ca(&self) -> pki::Ca {
        let dir = self.path("PKI_DIR");
        let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
        pki::Ca::from_pem(&read("ca.crt"), &read("ca.key")).unwrap()
    }

    pub fn internal(
        &self,
        id: &str,
        credentials: Option<(&str, &str)>,
    ) -> (AsyncClient, EventLoop) {
        let port = self.stack.get("MQTT_BROKER_PORT").parse().unwrap();
        let mut o = MqttOptions::new(id, self.stack.get("MQTT_BROKER_HOST"), port);
        o.set_keep_alive(Duration::from_secs(30));
        if let Some((u, p)) = credentials {
            o.set_credentials(u, p);
        }
        AsyncClient::new(o, 16)
    }

    pub fn backend(&self, id: &str) -> (AsyncClient, EventLoop) {
        let user = self.stack.get("MQTT_USERNAME");
        let pass = self.stack.get("MQTT_PASSWORD");
        self.internal(id, Some((user, pass)))
    }

    /// A TLS client as the p3a connects: the CA as only root, optionally a client pair.
    pub fn player(
        &self,
        id: &str,
        pair: Option<(&str, &str)>,
        will: Option<LastWill>,
    ) -> (AsyncClient, EventLoop) {
        let ca_pem = std::fs::read_to_string(self.path("PKI_DIR").join("ca.crt")).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        for c in rustls_pemfile::certs(&mut ca_pem.as_bytes()) {
            roots.add(c.unwrap()).unwrap();
        }
        let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
        let tls = match pair {
            Some((cert, key)) => {
                let chain: Vec<CertificateDer<'static>> =
                    rustls_pemfile::certs(&mut cert.as_bytes())
                        .collect::<Result<_, _>>()
                        .unwrap();
                let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut key.as_bytes())
                    .unwrap()
                    .unwrap();
                builder.with_client_auth_cert(chain, key).unwrap()
            }
            None => builder.with_no_client_auth(),
        };
        let port = self.stack.get("MQTT_PUBLIC_PORT").parse().unwrap();
        let mut o = MqttOptions::new(id, self.stack.get("MQTT_PUBLIC_HOST"), port);
        o.set_keep_alive(Duration::from_secs(30));
        // What the p3a sends: its key and an empty password (the broker ignores both).
        o.set_credentials("bogus-username", "");
        o.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(
            Arc::new(tls),
        )));
        if let Some(w) = will {
            o.set_last_will(w);
        }
        AsyncClient::new(o, 16)
    }

    /// The api's configuration for this stack (what `drop_session` reads).
    pub fn config(&self) -> config::Config {
        let mut m: HashMap<String, String> = HashMap::new();
        for k in [
            "JWT_SECRET_KEY",
            "MAKAPIX_IP_HASH_SALT",
            "MQTT_BROKER_HOST",
            "MQTT_BROKER_PORT",
            "MQTT_USERNAME",
            "MQTT_PASSWORD",
        ] {
            m.insert(k.into(), self.stack.get(k).into());
        }
        for k in ["PKI_DIR", "MQTT_CRL_FILE"] {
            m.insert(k.into(), self.path(k).to_string_lossy().into_owned());
        }
        config::Config::from_source(&m).unwrap()
    }

    /// Runs `makapix-api pki-init` (the binary the stack runs) to rebuild the CRL.
    pub fn publish_crl(&self) {
        let exe = std::fs::read_to_string(self.stack.root.join(".stack/pids/api.exe")).unwrap();
        let mut cmd = std::process::Command::new(exe.trim());
        cmd.arg("pki-init").current_dir(&self.stack.root);
        let env = std::fs::read_to_string(self.stack.root.join(".stack/env")).unwrap();
        for line in env.lines().filter(|l| !l.starts_with('#')) {
            if let Some((k, _)) = line.split_once('=') {
                cmd.env(k.trim(), self.stack.get(k.trim()));
            }
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "pki-init: {out:?}");
    }

    pub async fn db(&self) -> sqlx::PgPool {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(self.stack.get("DATABASE_URL"))
            .await
            .unwrap()
    }
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", Uuid::new_v4().simple())
}

/// Polls until CONNACK; the error otherwise (refused, handshake failure, closed).
pub async fn connect(el: &mut EventLoop) -> Result<(), ConnectionError> {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Event::Incoming(Packet::ConnAck(_)) = el.poll().await? {
                return Ok(());
            }
        }
    })
    .await
    .expect("neither CONNACK nor an error within 10 s")
}

/// Subscribes and polls until the SUBACK; returns its return codes as text.
pub async fn subscribe(c: &AsyncClient, el: &mut EventLoop, filter: &str) -> String {
    c.subscribe(filter, QoS::AtLeastOnce).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Event::Incoming(Packet::SubAck(a)) = el.poll().await.unwrap() {
                return format!("{:?}", a.return_codes);
            }
        }
    })
    .await
    .expect("no SUBACK")
}

/// The first publish received within `wait` on a topic `keep` accepts, if any.
pub async fn next_publish(
    el: &mut EventLoop,
    wait: Duration,
    keep: impl Fn(&str) -> bool,
) -> Option<(String, Vec<u8>)> {
    tokio::time::timeout(wait, async {
        loop {
            match el.poll().await {
                Ok(Event::Incoming(Packet::Publish(p))) if keep(&p.topic) => {
                    return (p.topic.clone(), p.payload.to_vec());
                }
                Ok(_) => {}
                Err(e) => panic!("connection lost while waiting for a message: {e}"),
            }
        }
    })
    .await
    .ok()
}

/// Keeps a connection polled in the background (acks, pings) until it ends; the handle yields
/// when and how it ended.
pub fn drive(mut el: EventLoop) -> tokio::task::JoinHandle<(Instant, ConnectionError)> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = el.poll().await {
                return (Instant::now(), e);
            }
        }
    })
}

/// A revoked serial in the stack database for the duration of a test. Dropping it (also when
/// the test panics) deletes the row and rebuilds the CRL, so runs leave nothing behind.
pub struct RevokedRow {
    serial: String,
}

impl RevokedRow {
    pub async fn insert(b: &Broker, serial: &str, key: Uuid) -> Self {
        let pool = b.db().await;
        sqlx::query(
            "insert into player_cert_serials (serial, player_id, player_key, expires_at, revoked_at)
             values ($1, null, $2, now() + interval '1 year', now())",
        )
        .bind(serial)
        .bind(key)
        .execute(&pool)
        .await
        .unwrap();
        Self {
            serial: serial.to_string(),
        }
    }
}

impl Drop for RevokedRow {
    fn drop(&mut self) {
        let serial = self.serial.clone();
        // Drop cannot await: a thread with its own runtime does the clean-up.
        let cleanup = std::thread::spawn(move || {
            let b = Broker::load();
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                sqlx::query("delete from player_cert_serials where serial = $1")
                    .bind(&serial)
                    .execute(&b.db().await)
                    .await
                    .unwrap();
            });
            b.publish_crl();
        });
        if cleanup.join().is_err() && !std::thread::panicking() {
            panic!("removing revoked serial {} failed", self.serial);
        }
    }
}
