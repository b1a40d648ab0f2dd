//! Web-side helpers of the player end-to-end tests: a signed-in member who owns players (its
//! sqid and user id, for the `/u/{sqid}/player/...` routes) and published artworks to walk.
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::{animated_gif, fresh_client_ip, multipart, Stack};

/// A signed-in member, with the ids the device-plane owner routes need.
pub struct Member {
    pub http: reqwest::Client,
    pub token: String,
    pub sqid: String,
    pub handle: String,
    pub user_id: i64,
}

impl Member {
    /// Signs up a fresh member (mail code and all) from a fresh client address.
    pub async fn sign_up(stack: &Stack) -> Self {
        let http = stack.client(fresh_client_ip(), false);
        let token = stack.sign_up_member(&http).await;
        Self::from_token(stack, http, token).await
    }

    /// The stack's owner account (it approves posts).
    pub async fn site_owner(stack: &Stack) -> Self {
        let http = stack.client(fresh_client_ip(), false);
        let token = stack
            .sign_in(
                &http,
                stack.get("MAKAPIX_OWNER_EMAIL"),
                stack.get("MAKAPIX_OWNER_PASSWORD"),
            )
            .await;
        Self::from_token(stack, http, token).await
    }

    async fn from_token(stack: &Stack, http: reqwest::Client, token: String) -> Self {
        let me: Value = http
            .get(stack.api("/v1/auth/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let user = &me["user"];
        Self {
            sqid: user["public_sqid"].as_str().expect("public_sqid").into(),
            handle: user["handle"].as_str().expect("handle").into(),
            user_id: user["id"].as_i64().expect("user id"),
            http,
            token,
        }
    }

    /// `METHOD {SITE}/api{path}` with this member's bearer token; returns (status, JSON or Null).
    pub async fn call(
        &self,
        stack: &Stack,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, stack.api(path))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `{SITE}/api/u/{sqid}/player{rest}`: the owner routes of this member's players.
    pub fn players_path(&self, rest: &str) -> String {
        format!("/u/{}/player{rest}", self.sqid)
    }

    /// The member's player as `GET /u/{sqid}/player/{id}` shows it.
    pub async fn player(&self, stack: &Stack, player_id: &str) -> Value {
        let (status, body) = self
            .call(
                stack,
                reqwest::Method::GET,
                &self.players_path(&format!("/{player_id}")),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Polls the player until `pred` holds (presence and state arrive through the bridge).
    pub async fn wait_player(
        &self,
        stack: &Stack,
        player_id: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let p = self.player(stack, player_id).await;
            if pred(&p) {
                return p;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "player never reached the expected state within {timeout:?}: {p}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Uploads a GIF with `hashtag`; returns (post id, storage key).
    pub async fn upload_gif(&self, stack: &Stack, title: &str, hashtag: &str) -> (i64, String) {
        let gif = animated_gif();
        let (ctype, body) = multipart(
            ("image", "frame.gif", &gif),
            &[("title", title), ("hashtags", hashtag)],
        );
        let resp = self
            .http
            .post(stack.api("/v1/post/upload"))
            .bearer_auth(&self.token)
            .header("content-type", ctype)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        let created: Value = resp.json().await.unwrap();
        let post = &created["post"];
        (
            post["id"].as_i64().unwrap(),
            post["storage_key"].as_str().unwrap_or_default().to_string(),
        )
    }

    /// As the site owner: approves a pending post for public feeds.
    pub async fn approve(&self, stack: &Stack, post_id: i64) {
        let (status, body) = self
            .call(
                stack,
                reqwest::Method::POST,
                &format!("/v1/post/{post_id}/approve-public"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    /// Registers a provisioned player by its code (`POST /player/register`).
    pub async fn register_player(
        &self,
        stack: &Stack,
        code: &str,
        name: &str,
    ) -> (StatusCode, Value) {
        self.call(
            stack,
            reqwest::Method::POST,
            "/player/register",
            Some(json!({"registration_code": code, "name": name})),
        )
        .await
    }
}

/// A hashtag nobody else uses, so a channel walk sees only this test's posts.
pub fn fresh_hashtag() -> String {
    format!("e2e{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}
