//! Helpers of the end-to-end tests. They talk to the local stack that `scripts/stack up` started
//! (its values come from `.stack/env`), through Caddy at `SITE_URL`, as a browser would, and
//! read the mail the stack's SMTP sink wrote to `MAIL_DIR`.
//!
//! Every test uses its own client address in 127.0.0.0/8 (Caddy reports it in `X-Forwarded-For`
//! and the api trusts Caddy), so rate limits never carry over between runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use reqwest;
pub use serde_json::{json, Value};
pub use uuid;

pub mod players;

/// The running stack's configuration.
pub struct Stack {
    pub root: PathBuf,
    env: HashMap<String, String>,
}

/// The workspace root (this crate lives in `tests/e2e`). Taken from the `CARGO_MANIFEST_DIR`
/// that cargo and nextest set when they run the test, so a test binary built for another
/// checkout that shares the target directory still looks at this checkout's stack.
pub fn workspace_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

impl Stack {
    /// Reads `.stack/env`; an environment variable of the same name overrides a value, as it
    /// does for the stack itself. Panics with a clear message when the stack was never started.
    pub fn load() -> Self {
        let root = workspace_root();
        let path = root.join(".stack/env");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {} ({e}): run scripts/stack up first",
                path.display()
            )
        });
        let mut env = HashMap::new();
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim_start().starts_with('#') {
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                let k = k.trim().trim_start_matches("export ").trim().to_string();
                let v = match std::env::var(&k) {
                    Ok(over) if !over.is_empty() && k != "DATABASE_URL" => over,
                    _ => v.to_string(),
                };
                env.insert(k, v);
            }
        }
        Self { root, env }
    }

    pub fn get(&self, key: &str) -> &str {
        self.env
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{key} is missing from .stack/env"))
    }

    /// `SITE_URL` without a trailing slash.
    pub fn site_url(&self) -> String {
        self.get("SITE_URL").trim_end_matches('/').to_string()
    }

    /// `{SITE_URL}/api{path}`, the public URL of an api route.
    pub fn api(&self, path: &str) -> String {
        format!("{}/api{path}", self.site_url())
    }

    pub fn mail_dir(&self) -> PathBuf {
        let dir = Path::new(self.get("MAIL_DIR"));
        if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            self.root.join(dir)
        }
    }

    /// A client that connects from `ip`, optionally keeping cookies like a browser.
    pub fn client(&self, ip: IpAddr, cookies: bool) -> reqwest::Client {
        reqwest::Client::builder()
            .local_address(ip)
            .cookie_store(cookies)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .expect("http client")
    }

    /// Waits up to `timeout` for a mail to `to` with the given subject and returns its text.
    pub async fn wait_for_mail(&self, to: &str, subject: &str, timeout: Duration) -> Mail {
        let dir = self.mail_dir();
        let deadline = Instant::now() + timeout;
        let mut seen: HashMap<PathBuf, ()> = HashMap::new();
        loop {
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.extension().and_then(|e| e.to_str()) != Some("eml")
                        || seen.contains_key(&path)
                    {
                        continue;
                    }
                    let Ok(bytes) = std::fs::read(&path) else {
                        continue;
                    };
                    if let Some(mail) = Mail::parse(&bytes) {
                        // A file is written once, completely; a half-written one does not parse
                        // into an addressed message and is looked at again next round.
                        seen.insert(path.clone(), ());
                        if mail.to.iter().any(|a| a.eq_ignore_ascii_case(to))
                            && mail.subject == subject
                        {
                            return mail;
                        }
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "no mail to {to} with subject {subject:?} in {} after {timeout:?} \
                 (is the worker running? see .stack/logs/worker.log)",
                dir.display()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The parts of a mail the tests look at.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
}

impl Mail {
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let msg = mail_parser::MessageParser::default().parse(bytes)?;
        let to: Vec<String> = msg
            .to()?
            .iter()
            .filter_map(|a| a.address().map(str::to_string))
            .collect();
        if to.is_empty() {
            return None;
        }
        Some(Self {
            to,
            subject: msg.subject().unwrap_or_default().to_string(),
            text: msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        })
    }
}

/// The verification code in a mail: a line that is exactly six digits, else the first run of
/// exactly six digits anywhere (a default handle such as `makapix-user-123456` could hold one,
/// so the line form wins).
pub fn six_digit_code(text: &str) -> Option<String> {
    let six = |s: &str| s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(line) = text.lines().map(str::trim).find(|l| six(l)) {
        return Some(line.to_string());
    }
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 6 {
                return Some(text[start..i].to_string());
            }
        } else {
            i += 1;
        }
    }
    None
}

/// A fresh client address in 127.0.0.0/8 (never 127.0.0.1, which the api trusts as a proxy).
pub fn fresh_client_ip() -> IpAddr {
    let b = *uuid::Uuid::new_v4().as_bytes();
    IpAddr::V4(Ipv4Addr::new(127, b[0].max(1), b[1], b[2].clamp(2, 254)))
}

/// A fresh email address nobody registered yet.
pub fn fresh_email() -> String {
    format!("e2e-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// The value of the `Set-Cookie` for `name` in a response, with its attributes.
pub fn set_cookie(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// Just the value of a `Set-Cookie` line (`name=value; ...` → `value`).
pub fn cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap_or_default();
    pair.split_once('=')
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

/// The password the end-to-end members sign up with.
pub const MEMBER_PASSWORD: &str = "pixel-art-42";

impl Stack {
    /// Registers a fresh member, verifies the mailed code and signs in; returns the access token.
    pub async fn sign_up_member(&self, http: &reqwest::Client) -> String {
        let email = fresh_email();
        let resp = http
            .post(self.api("/v1/auth/register"))
            .json(&json!({"email": email, "password": MEMBER_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), reqwest::StatusCode::CREATED);
        let mail = self
            .wait_for_mail(
                &email,
                "Your Makapix verification code",
                Duration::from_secs(30),
            )
            .await;
        let code = six_digit_code(&mail.text).expect("a 6-digit code");
        let resp = http
            .post(self.api("/v1/auth/email-otp/verify"))
            .json(&json!({"email": email, "code": code}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), reqwest::StatusCode::OK);
        self.sign_in(http, &email, MEMBER_PASSWORD).await
    }

    /// Signs in and returns the access token.
    pub async fn sign_in(&self, http: &reqwest::Client, email: &str, password: &str) -> String {
        let resp = http
            .post(self.api("/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), reqwest::StatusCode::OK, "sign-in of {email}");
        let body: Value = resp.json().await.unwrap();
        body["token"].as_str().expect("token").to_string()
    }
}

/// A `multipart/form-data` body with one file field and text fields; returns (content type, body).
pub fn multipart(file: (&str, &str, &[u8]), fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = format!("e2e{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    let (name, filename, bytes) = file;
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A 32x32 animated GIF of three frames (delays 100/200/300 ms). The first 128 pixels carry a
/// fresh UUID bit by bit, so no two calls, in any run against the same stack, share a file hash.
pub fn animated_gif() -> Vec<u8> {
    let salt = *uuid::Uuid::new_v4().as_bytes();
    let palette = [0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255];
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, 32, 32, &palette).expect("gif encoder");
        enc.set_repeat(gif::Repeat::Infinite).expect("repeat");
        for (i, delay) in [10u16, 20, 30].into_iter().enumerate() {
            let pixels: Vec<u8> = (0..32 * 32)
                .map(|p| {
                    if i == 0 && p < 128 {
                        (salt[p / 8] >> (p % 8)) & 1
                    } else {
                        (2 + (p / 32 + i) % 3) as u8
                    }
                })
                .collect();
            let mut frame = gif::Frame::from_indexed_pixels(32, 32, pixels, None);
            frame.delay = delay;
            enc.write_frame(&frame).expect("frame");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_six_digit_codes_only() {
        assert_eq!(
            six_digit_code("Your code is 123456.").as_deref(),
            Some("123456")
        );
        assert_eq!(
            six_digit_code("2026 then 1234567 then 042042").as_deref(),
            Some("042042")
        );
        assert_eq!(six_digit_code("none here 12345"), None);
        assert_eq!(
            six_digit_code("Hi makapix-user-100001,\n\nYour code is:\n\n  654321\n").as_deref(),
            Some("654321")
        );
    }

    #[test]
    fn client_ips_are_loopback_but_not_the_proxy() {
        for _ in 0..1000 {
            let ip = fresh_client_ip();
            assert!(ip.is_loopback());
            assert_ne!(ip, IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
    }

    #[test]
    fn cookie_values() {
        assert_eq!(cookie_value("refresh_token=abc=; HttpOnly; Path=/"), "abc=");
    }
}
