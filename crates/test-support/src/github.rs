//! A small fake of GitHub's OAuth and user API on a local port, so the sign-in flow is tested
//! end to end over real HTTP without leaving the machine.
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub struct FakeGithubUser {
    pub id: i64,
    pub login: String,
    pub email: String,
    pub verified: bool,
}

#[derive(Default)]
struct Inner {
    codes: HashMap<String, FakeGithubUser>,
    tokens: HashMap<String, FakeGithubUser>,
}

#[derive(Clone)]
pub struct FakeGithub {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
}

pub const CLIENT_ID: &str = "fake-client";
pub const CLIENT_SECRET: &str = "fake-secret";

impl FakeGithub {
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/login/oauth/access_token", post(token))
            .route("/user", get(user))
            .route("/user/emails", get(emails))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, inner }
    }

    /// Registers a user and returns a one-time code GitHub would hand to the callback.
    pub fn issue_code(&self, user: FakeGithubUser) -> String {
        let code = format!("code-{}", uuid::Uuid::new_v4().simple());
        self.inner.lock().unwrap().codes.insert(code.clone(), user);
        code
    }

    /// Config overrides that point the api at this fake.
    pub fn overrides(&self) -> Vec<(String, String)> {
        let base = format!("http://{}", self.addr);
        vec![
            ("GITHUB_OAUTH_CLIENT_ID".into(), CLIENT_ID.into()),
            ("GITHUB_OAUTH_CLIENT_SECRET".into(), CLIENT_SECRET.into()),
            (
                "GITHUB_AUTHORIZE_URL".into(),
                format!("{base}/login/oauth/authorize"),
            ),
            (
                "GITHUB_TOKEN_URL".into(),
                format!("{base}/login/oauth/access_token"),
            ),
            ("GITHUB_API_URL".into(), base),
            (
                "GITHUB_REDIRECT_URI".into(),
                "http://127.0.0.1:8080/api/v1/auth/github/callback".into(),
            ),
        ]
    }
}

type Shared = Arc<Mutex<Inner>>;

async fn token(
    State(s): State<Shared>,
    Form(f): Form<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    // The oauth2 crate sends client credentials with HTTP basic auth, so only the code is in the form.
    let code = f.get("code").cloned().unwrap_or_default();
    let mut inner = s.lock().unwrap();
    match inner.codes.remove(&code) {
        Some(u) => {
            let t = format!("gho_{}", uuid::Uuid::new_v4().simple());
            inner.tokens.insert(t.clone(), u);
            (
                StatusCode::OK,
                Json(json!({"access_token": t, "token_type": "bearer", "scope": "user:email"})),
            )
        }
        None => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "bad_verification_code"})),
        ),
    }
}

fn who(s: &Shared, headers: &HeaderMap) -> Option<FakeGithubUser> {
    let t = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .to_string();
    s.lock().unwrap().tokens.get(&t).cloned()
}

async fn user(State(s): State<Shared>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
    match who(&s, &headers) {
        Some(u) => (StatusCode::OK, Json(json!({"id": u.id, "login": u.login}))),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Bad credentials"})),
        ),
    }
}

async fn emails(State(s): State<Shared>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
    match who(&s, &headers) {
        Some(u) => (
            StatusCode::OK,
            Json(json!([{"email": u.email, "primary": true, "verified": u.verified}])),
        ),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Bad credentials"})),
        ),
    }
}
