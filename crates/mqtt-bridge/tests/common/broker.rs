//! A private Mosquitto per test, configured from the project's own `mosquitto/` template and ACL
//! (the same substitutions the stack script makes), on free ports, with a fresh CA. Private
//! rather than the stack's: the stack's bridge also holds `$share/bridge/...` and would answer
//! (with `authentication_failed`, since the test's players live in a test database), and a test
//! may restart its broker to prove the bridge reconnects.
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use test_support::player_sim::SimConfig;
use uuid::Uuid;

pub const USERNAME: &str = "svc_backend";

pub struct Broker {
    pub internal_port: u16,
    pub tls_port: u16,
    pub password: String,
    pub ca: pki::Ca,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

impl Broker {
    pub async fn start() -> Broker {
        let dir = tempfile::tempdir().expect("broker dir");
        // In `pki/` as the api keeps it, so an api with PKI_DIR there mints certificates this
        // broker accepts. 2048 bits keeps generation fast; the stack's CA is 4096.
        let ca = pki::Ca::load_or_create(&dir.path().join("pki"), 2048).expect("CA");
        let server = ca
            .issue_broker(&["127.0.0.1".to_string()])
            .expect("broker cert");
        let crl = ca.crl_pem(&[], chrono::Utc::now()).expect("CRL");
        let password = format!("pw-{}", Uuid::new_v4().simple());
        let d = dir.path();
        let write = |name: &str, text: &str| std::fs::write(d.join(name), text).expect(name);
        write("ca.crt", ca.cert_pem());
        write("broker.crt", &server.cert_pem);
        write("broker.key", &server.key_pem);
        write("crl.pem", &crl);
        std::fs::copy(repo_file("mosquitto/acl"), d.join("acl")).expect("acl");
        let st = Command::new("mosquitto_passwd")
            .args(["-c", "-b"])
            .arg(d.join("passwd"))
            .args([USERNAME, &password])
            .status()
            .expect("mosquitto_passwd");
        assert!(st.success(), "mosquitto_passwd failed");
        let (internal_port, tls_port) = (free_port(), free_port());
        let template =
            std::fs::read_to_string(repo_file("mosquitto/mosquitto.conf.template")).expect("tpl");
        let path = |n: &str| d.join(n).display().to_string();
        let conf = template
            .replace("@@PASSWORD_FILE@@", &path("passwd"))
            .replace("@@ACL_FILE@@", &path("acl"))
            .replace("@@RUN_USER@@", "root")
            .replace(
                "@@INTERNAL_LISTENER@@",
                &format!("{internal_port} 127.0.0.1"),
            )
            .replace("@@TLS_LISTENER@@", &format!("{tls_port} 127.0.0.1"))
            .replace("@@CA_FILE@@", &path("ca.crt"))
            .replace("@@CERT_FILE@@", &path("broker.crt"))
            .replace("@@KEY_FILE@@", &path("broker.key"))
            .replace("@@CRL_FILE@@", &path("crl.pem"));
        assert!(
            !conf.contains("@@"),
            "unfilled placeholder in the template:\n{conf}"
        );
        write("mosquitto.conf", &conf);
        let mut b = Broker {
            internal_port,
            tls_port,
            password,
            ca,
            dir,
            child: None,
        };
        b.spawn().await;
        b
    }

    async fn spawn(&mut self) {
        let d = self.dir.path();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(d.join("mosquitto.log"))
            .expect("log");
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(d.join("mosquitto.conf"))
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("mosquitto");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        for port in [self.internal_port, self.tls_port] {
            while tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
            {
                assert!(
                    Instant::now() < deadline,
                    "mosquitto did not listen:\n{}",
                    self.log()
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    /// Stops the broker (SIGKILL: sessions vanish as in a crash) and starts it again on the
    /// same ports; retained messages are gone (`persistence false`).
    pub async fn restart(&mut self) {
        self.stop();
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.spawn().await;
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Where the CA lives (`ca.crt`, `ca.key`): the api's `PKI_DIR` for onboarding tests.
    pub fn pki_dir(&self) -> String {
        self.dir.path().join("pki").display().to_string()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("mosquitto.log")).unwrap_or_default()
    }

    /// A simulator for `key` with a certificate from this broker's CA and test-friendly timings.
    pub fn sim_config(&self, key: Uuid) -> SimConfig {
        let cert = self.ca.issue_player(&key).expect("player cert");
        let mut c = SimConfig::new(
            "127.0.0.1",
            self.tls_port,
            key,
            self.ca.cert_pem(),
            &cert.cert_pem,
            &cert.key_pem,
        );
        c.request_timeout = Duration::from_secs(5);
        c.retry_pauses = vec![];
        c
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A plain `svc_backend` client on the internal listener, standing in for the server side.
pub struct Backend {
    pub client: rumqttc::AsyncClient,
    rx: tokio::sync::mpsc::UnboundedReceiver<rumqttc::Publish>,
    subacks: tokio::sync::watch::Receiver<u32>,
    task: tokio::task::JoinHandle<()>,
}

impl Backend {
    pub async fn connect(broker: &Broker, client_id: &str) -> Backend {
        use rumqttc::{Event, Packet};
        let mut o = rumqttc::MqttOptions::new(client_id, "127.0.0.1", broker.internal_port);
        o.set_credentials(USERNAME, broker.password.as_str());
        o.set_max_packet_size(256 * 1024, 256 * 1024);
        let (client, mut eventloop) = rumqttc::AsyncClient::new(o, 64);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (connected_tx, mut connected) = tokio::sync::watch::channel(false);
        let (suback_tx, subacks) = tokio::sync::watch::channel(0u32);
        let task = tokio::spawn(async move {
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        connected_tx.send_replace(true);
                    }
                    Ok(Event::Incoming(Packet::SubAck(_))) => {
                        suback_tx.send_modify(|n| *n += 1);
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        let _ = tx.send(p);
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(5), connected.wait_for(|c| *c))
            .await
            .expect("backend CONNACK")
            .expect("backend task");
        Backend {
            client,
            rx,
            subacks,
            task,
        }
    }

    /// Subscribes (QoS 1) and waits for the SUBACK.
    pub async fn subscribe(&mut self, filter: &str) {
        let before = *self.subacks.borrow();
        self.client
            .subscribe(filter, rumqttc::QoS::AtLeastOnce)
            .await
            .unwrap();
        tokio::time::timeout(
            Duration::from_secs(5),
            self.subacks.wait_for(|n| *n > before),
        )
        .await
        .expect("SUBACK")
        .expect("backend task");
    }

    pub async fn publish(&self, topic: &str, body: &serde_json::Value) {
        self.client
            .publish(topic, rumqttc::QoS::AtLeastOnce, false, body.to_string())
            .await
            .unwrap();
    }

    /// The next publish whose topic ends with `suffix`, skipping others.
    pub async fn recv_on(&mut self, suffix: &str, timeout: Duration) -> Option<rumqttc::Publish> {
        self.recv_matching(|t| t.ends_with(suffix), timeout).await
    }

    /// The next publish whose topic satisfies `want`, skipping others.
    pub async fn recv_matching(
        &mut self,
        want: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<rumqttc::Publish> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let p = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .ok()??;
            if want(&p.topic) {
                return Some(p);
            }
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.task.abort();
    }
}
