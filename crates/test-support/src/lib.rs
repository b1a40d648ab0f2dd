//! Test harness: an in-process api over a per-test database (from `#[sqlx::test]`), Redis under
//! a unique key prefix, a temporary vault, and helpers to call routes and create users.
#![allow(clippy::unwrap_used, clippy::expect_used)]
pub mod art;
pub mod github;
pub mod mail;
pub mod player_sim;
use std::collections::HashMap;
use std::net::SocketAddr;

use api::AppState;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use db::users::UserRow;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub const PASSWORD: &str = "pixels4ever";

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub prefix: String,
    _vault: tempfile::TempDir,
    /// `PKI_DIR` of the app (unless the test overrode it), with `crl.pem` as `MQTT_CRL_FILE`.
    /// Empty: a test that needs certificates uses [`TestApp::with_pki`].
    pub pki_dir: tempfile::TempDir,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The `error.code` of a `/v1` error envelope.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
    /// Value of a `Set-Cookie` for `name` (None if not set).
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }
}

/// The configuration tests run with; `overrides` replace single keys.
pub fn test_config(prefix: &str, vault_dir: &str, overrides: &[(&str, &str)]) -> config::Config {
    let mut m: HashMap<String, String> = HashMap::from([
        (
            "JWT_SECRET_KEY".into(),
            "test-secret-test-secret-test-secret-42".into(),
        ),
        ("MAKAPIX_IP_HASH_SALT".into(), "test-salt".into()),
        ("REDIS_PREFIX".into(), prefix.into()),
        ("VAULT_DIR".into(), vault_dir.into()),
        ("MAKAPIX_VAULT_MIN_FREE_BYTES".into(), "0".into()),
        ("TRUSTED_PROXIES".into(), "10.255.255.1".into()),
        ("SITE_URL".into(), "http://127.0.0.1:8080".into()),
    ]);
    if let Ok(url) = std::env::var("REDIS_URL") {
        m.insert("REDIS_URL".into(), url);
    }
    for (k, v) in overrides {
        m.insert((*k).into(), (*v).into());
    }
    config::Config::from_source(&m).expect("test config")
}

impl TestApp {
    pub async fn new(pool: db::PgPool) -> Self {
        Self::with_overrides(pool, &[]).await
    }

    pub async fn with_overrides(pool: db::PgPool, overrides: &[(&str, &str)]) -> Self {
        let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
        let vault = tempfile::tempdir().expect("vault dir");
        let pki_dir = tempfile::tempdir().expect("pki dir");
        let pki_path = pki_dir.path().to_str().unwrap().to_string();
        let crl_path = format!("{pki_path}/crl.pem");
        // The test's own overrides come last and win.
        let defaults = [
            ("PKI_DIR", pki_path.as_str()),
            ("MQTT_CRL_FILE", crl_path.as_str()),
        ];
        let overrides: Vec<(&str, &str)> = defaults
            .into_iter()
            .chain(overrides.iter().copied())
            .collect();
        let cfg = test_config(&prefix, vault.path().to_str().unwrap(), &overrides);
        let kv = kv::Kv::connect(cfg.redis_url.expose(), &cfg.redis_prefix)
            .await
            .expect("redis");
        let state = AppState::new(cfg, pool, kv).expect("state");
        let router = api::router::build(state.clone());
        Self {
            state,
            router,
            prefix,
            _vault: vault,
            pki_dir,
        }
    }

    /// Sends a request as if from `ip` (the socket peer).
    pub async fn send_from(&self, ip: &str, mut req: Request<Body>) -> TestResponse {
        let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(addr));
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> TestResponse {
        self.send_from("127.0.0.1", req).await
    }

    /// A JSON request with an optional bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> TestResponse {
        self.send(json_request(method, path, body, token, &[]))
            .await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.call(Method::GET, path, None, token).await
    }

    pub async fn post(&self, path: &str, body: Value, token: Option<&str>) -> TestResponse {
        self.call(Method::POST, path, Some(body), token).await
    }

    /// Creates a user directly (verified or not) with the test password.
    pub async fn create_user(&self, email: &str, handle: &str, verified: bool) -> UserRow {
        let email = domain::Email::parse(email).unwrap();
        let handle = domain::Handle::parse(handle).unwrap();
        let hash = api::accounts::hash_password(PASSWORD.to_string())
            .await
            .unwrap();
        let mut tx = self.state.db.begin().await.unwrap();
        let roles = vec!["user".to_string()];
        let u = api::accounts::create_user(
            &mut tx,
            &self.state,
            api::accounts::CreateUser {
                email: &email,
                handle: handle.as_str(),
                handle_normalized: &handle.normalized(),
                password_hash: Some(&hash),
                email_verified: verified,
                roles: &roles,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        u
    }

    /// A verified user and an access token for it.
    pub async fn user_with_token(&self, handle: &str) -> (UserRow, String) {
        let u = self
            .create_user(&format!("{handle}@example.com"), handle, true)
            .await;
        let token = self.token_for(&u);
        (u, token)
    }

    /// Mints an access token directly (no HTTP round trip).
    pub fn token_for(&self, u: &UserRow) -> String {
        self.state
            .jwt
            .issue(
                &u.public_sqid,
                &u.user_key.to_string(),
                &u.roles,
                chrono_now(),
            )
            .unwrap()
            .0
    }

    /// Gives a user extra roles (moderator, owner) directly in the database.
    pub async fn grant_roles(&self, u: &UserRow, roles: &[&str]) -> UserRow {
        let mut conn = self.state.db.acquire().await.unwrap();
        let mut all = u.roles.clone();
        all.extend(roles.iter().map(|r| r.to_string()));
        db::users::set_roles(&mut conn, u.id, &all).await.unwrap();
        db::users::find_by_id(&self.state.db, u.id)
            .await
            .unwrap()
            .unwrap()
    }
}

impl TestApp {
    /// Like [`TestApp::with_overrides`], with the process's test CA in the app's `PKI_DIR`, so
    /// players can be registered and issued certificates.
    pub async fn with_pki(pool: db::PgPool, overrides: &[(&str, &str)]) -> Self {
        let app = Self::with_overrides(pool, overrides).await;
        install_test_ca(std::path::Path::new(&app.state.config.pki_dir));
        app
    }
}

/// This process's test CA (RSA-2048, for speed; production CAs are 4096-bit), generated on
/// first use into a directory that lives as long as the process.
fn test_ca_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("test CA dir");
        pki::Ca::load_or_create(dir.path(), 2048).expect("test CA");
        dir
    })
    .path()
}

/// Copies the test CA (`ca.crt`, `ca.key`) into `dir`, creating it.
pub fn install_test_ca(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    for name in ["ca.crt", "ca.key"] {
        std::fs::copy(test_ca_dir().join(name), dir.join(name)).unwrap();
    }
}

/// A fresh directory holding a copy of the test CA, for `PKI_DIR` overrides.
pub fn test_pki_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("pki dir");
    install_test_ca(dir.path());
    dir
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Builds a JSON request; `headers` adds raw headers (cookies, X-Forwarded-For).
pub fn json_request(
    method: Method,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    match body {
        Some(v) => b
            .header("content-type", "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    }
}

/// A `multipart/form-data` request with files `(field, filename, bytes)` and text fields.
pub fn multipart_request(
    method: Method,
    path: &str,
    token: Option<&str>,
    files: &[(&str, &str, &[u8])],
    fields: &[(&str, &str)],
) -> Request<Body> {
    let boundary = "mpxBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, filename, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let mut b = Request::builder().method(method).uri(path).header(
        "content-type",
        format!("multipart/form-data; boundary={boundary}"),
    );
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Body::from(body)).unwrap()
}
