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

impl Harness {
    /// Inserts a live, approved artwork post with `png` as its native file in the vault and
    /// the file's SHA-256 as `hash`, as an upload leaves it.
    pub async fn create_artwork(&self, owner_id: i32, png: &[u8]) -> (i64, uuid::Uuid) {
        use sha2::Digest;
        let key = uuid::Uuid::new_v4();
        let id: i64 = sqlx::query_scalar(
            "insert into posts (public_sqid, owner_id, title, storage_key, storage_shard,
                                native_format, width, height, hash, public_visibility)
             values ($1, $2, 't', $3, $4, 'png', 32, 32, $5, true) returning id",
        )
        .bind(format!("s{}", key.simple()))
        .bind(owner_id)
        .bind(key)
        .bind(vault::shard(&key))
        .bind(hex::encode(sha2::Sha256::digest(png)))
        .fetch_one(&self.deps.pool)
        .await
        .unwrap();
        self.deps
            .vault
            .write(vault::Area::Artwork, &key, vault::Ext::Png, png)
            .await
            .unwrap();
        (id, key)
    }

    pub async fn soft_delete(&self, post_id: i64, at: chrono::DateTime<chrono::Utc>) {
        sqlx::query(
            "update posts set deleted_by_user = true, deleted_by_user_date = $2 where id = $1",
        )
        .bind(post_id)
        .bind(at)
        .execute(&self.deps.pool)
        .await
        .unwrap();
    }

    pub async fn insert_view_event(&self, e: &ViewEvent) {
        sqlx::query(
            "insert into view_events (post_id, viewer_user_id, viewer_ip_hash, view_type,
                                      device, country, created_at)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(e.post)
        .bind(e.user)
        .bind(&e.ip)
        .bind(e.kind)
        .bind(e.device)
        .bind(e.country)
        .bind(e.at)
        .execute(&self.deps.pool)
        .await
        .unwrap();
    }
}

/// A 32×32 PNG whose colour (and so hash) depends on `seed`.
pub fn png(seed: u8) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(32, 32, image::Rgba([seed, 2, 3, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A raw `view_events` row, built up field by field.
#[derive(Debug, Clone)]
pub struct ViewEvent {
    pub post: i64,
    pub kind: &'static str,
    pub at: chrono::DateTime<chrono::Utc>,
    pub user: Option<i32>,
    pub ip: Option<String>,
    pub device: Option<&'static str>,
    pub country: Option<&'static str>,
}

impl ViewEvent {
    pub fn view(post: i64, at: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            post,
            kind: "view",
            at,
            user: None,
            ip: None,
            device: None,
            country: None,
        }
    }

    pub fn impression(post: i64, at: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            kind: "impression",
            ..Self::view(post, at)
        }
    }

    pub fn user(self, id: i32) -> Self {
        Self {
            user: Some(id),
            ..self
        }
    }

    pub fn ip(self, hash: &str) -> Self {
        Self {
            ip: Some(hash.to_string()),
            ..self
        }
    }

    pub fn device(self, device: &'static str) -> Self {
        Self {
            device: Some(device),
            ..self
        }
    }

    pub fn country(self, country: &'static str) -> Self {
        Self {
            country: Some(country),
            ..self
        }
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
