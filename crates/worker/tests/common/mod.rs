//! Shared set-up for the worker's integration tests: the per-test database from `sqlx::test`,
//! Redis under a unique prefix, a temporary vault and an in-process SMTP sink. It builds on the
//! worker's own crates only, so these tests do not depend on the api compiling.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use db::users::{NewUser, UserRow};
use db::PgPool;
use tokio::task::JoinHandle;
use worker::Deps;

pub struct Harness {
    pub deps: Deps,
    pub queues: jobs::Queues,
    pub sink: Arc<smtp_sink::Control>,
    pub mail_dir: PathBuf,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

impl Harness {
    pub async fn new(pool: PgPool) -> Self {
        let mail = tempfile::tempdir().unwrap();
        let vault = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = Arc::new(smtp_sink::Control::default());
        let sink_task = tokio::spawn({
            let (dir, sink) = (mail.path().to_path_buf(), sink.clone());
            async move {
                let _ = smtp_sink::serve(listener, dir, sink).await;
            }
        });
        let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
        let mut m: HashMap<String, String> = HashMap::from([
            (
                "JWT_SECRET_KEY".into(),
                "worker-test-secret-worker-test-secret".into(),
            ),
            ("MAKAPIX_IP_HASH_SALT".into(), "salt".into()),
            ("REDIS_PREFIX".into(), prefix.clone()),
            ("VAULT_DIR".into(), vault.path().to_str().unwrap().into()),
            ("MAKAPIX_VAULT_MIN_FREE_BYTES".into(), "0".into()),
            ("SMTP_HOST".into(), "127.0.0.1".into()),
            ("SMTP_PORT".into(), port.to_string()),
        ]);
        if let Ok(url) = std::env::var("REDIS_URL") {
            m.insert("REDIS_URL".into(), url);
        }
        let config = config::Config::from_source(&m).unwrap();
        let kv = kv::Kv::connect(config.redis_url.expose(), &prefix)
            .await
            .expect("redis on 127.0.0.1:6379");
        let deps = Deps {
            pool,
            vault: vault::Vault::new(vault.path(), 0),
            config: Arc::new(config),
            kv: kv.clone(),
        };
        Self {
            queues: jobs::Queues::new(kv.conn(), &prefix),
            deps,
            sink,
            mail_dir: mail.path().to_path_buf(),
            _dirs: (mail, vault),
            tasks: vec![sink_task],
        }
    }

    /// Runs the queue consumers in the background until the harness is dropped.
    pub fn start_consumers(&mut self) {
        let deps = self.deps.clone();
        self.tasks.push(tokio::spawn(async move {
            worker::run_consumers(deps).await.unwrap();
        }));
    }

    pub fn mailer(&self) -> worker::mail::Mailer {
        worker::mail::Mailer::from_config(&self.deps.config.smtp).unwrap()
    }

    /// Every mail the sink has stored for `to`, oldest first.
    pub fn mails_to(&self, to: &str) -> Vec<Mail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.mail_dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| parse(&std::fs::read(p).unwrap()))
            .filter(|m| m.to.eq_ignore_ascii_case(to))
            .collect()
    }

    /// Waits until at least `n` mails reached `to`.
    pub async fn wait_for_mails(&self, to: &str, n: usize, timeout: Duration) -> Vec<Mail> {
        let start = Instant::now();
        loop {
            let mails = self.mails_to(to);
            if mails.len() >= n {
                return mails;
            }
            assert!(
                start.elapsed() < timeout,
                "expected {n} mail(s) to {to} within {timeout:?}, got {}",
                mails.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A raw Redis connection, for looking at the queue's bookkeeping.
    pub fn redis(&self) -> kv::ConnectionManager {
        self.deps.kv.conn()
    }

    pub fn queue_key(&self, queue: &str, suffix: &str) -> String {
        format!(
            "{}:{suffix}",
            jobs::queue_name(&self.deps.config.redis_prefix, queue)
        )
    }

    /// Inserts a user straight into the database.
    pub async fn create_user(&self, handle: &str, verified: bool, roles: &[&str]) -> UserRow {
        let mut conn = self.deps.pool.acquire().await.unwrap();
        let id = db::users::next_id(&mut conn).await.unwrap();
        let email = format!("{handle}@example.com");
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        db::users::insert(
            &mut conn,
            NewUser {
                id,
                public_sqid: &format!("sq{id}"),
                handle,
                handle_normalized: handle,
                email: &email,
                email_normalized: &email,
                password_hash: None,
                email_verified: verified,
                roles: &roles,
            },
        )
        .await
        .unwrap()
    }
}

fn parse(raw: &[u8]) -> Mail {
    let msg = mail_parser::MessageParser::default().parse(raw).unwrap();
    Mail {
        to: msg
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_string(),
        subject: msg.subject().unwrap_or_default().to_string(),
        text: msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
    }
}
