//! Fixtures of the §6 checks in tests/players_checks.rs: artworks of a chosen size uploaded
//! through the api, a connected simulated p3a, vault files fetched once the worker wrote them,
//! and `query_posts` reduced to post ids.
use std::time::{Duration, Instant};

use e2e::players::Member;
use e2e::reqwest::{Method, StatusCode};
use e2e::{json, multipart, Stack, Value};
use test_support::player_sim::PlayerSim;

use super::{ok, onboard, sim_config, World};

/// A `w`x`h` GIF of `frames` frames. The first 128 pixels carry a fresh UUID bit by bit, so no
/// two calls, in any run against the same stack, share a file hash (`w * h` must be ≥ 128).
pub fn gif(w: u16, h: u16, frames: usize) -> Vec<u8> {
    let salt = *uuid::Uuid::new_v4().as_bytes();
    let palette = [0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255];
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, w, h, &palette).expect("gif encoder");
        if frames > 1 {
            enc.set_repeat(gif::Repeat::Infinite).expect("repeat");
        }
        for i in 0..frames {
            let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h))
                .map(|p| {
                    if i == 0 && p < 128 {
                        (salt[p / 8] >> (p % 8)) & 1
                    } else {
                        (2 + (p / usize::from(w) + i) % 3) as u8
                    }
                })
                .collect();
            let mut frame = gif::Frame::from_indexed_pixels(w, h, pixels, None);
            frame.delay = 10;
            enc.write_frame(&frame).expect("frame");
        }
    }
    out
}

/// `POST /v1/post/upload` of `bytes` as `filename` with comma-separated `hashtags`; returns
/// the created post as the api shows it.
pub async fn upload(
    member: &Member,
    stack: &Stack,
    filename: &str,
    bytes: &[u8],
    hashtags: &str,
) -> Value {
    let (ctype, body) = multipart(
        ("image", filename, bytes),
        &[("title", "Check"), ("hashtags", hashtags)],
    );
    let resp = member
        .http
        .post(stack.api("/v1/post/upload"))
        .bearer_auth(&member.token)
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let created: Value = resp.json().await.unwrap_or(Value::Null);
    assert_eq!(
        status,
        StatusCode::CREATED,
        "upload of {filename}: {created}"
    );
    created["post"].clone()
}

/// `METHOD path` as `member`, asserting the status.
pub async fn call_ok(
    member: &Member,
    stack: &Stack,
    method: Method,
    path: &str,
    body: Option<Value>,
    want: StatusCode,
) -> Value {
    let (status, r) = member.call(stack, method.clone(), path, body).await;
    assert_eq!(status, want, "{method} {path}: {r}");
    r
}

/// Onboards a player for the world's owner and connects it over mTLS.
pub async fn connect(w: &World) -> PlayerSim {
    let (_, creds, key) = onboard(w).await;
    PlayerSim::connect(sim_config(w, key, &creds))
        .await
        .expect("mTLS connect")
}

/// A vault file once the worker wrote it (renditions are made after the upload returns).
pub async fn vault_file(stack: &Stack, url: &str, timeout: Duration) -> Vec<u8> {
    let http = stack.client(e2e::fresh_client_ip(), false);
    let deadline = Instant::now() + timeout;
    loop {
        let resp = http.get(url).send().await.unwrap();
        if resp.status() == StatusCode::OK {
            return resp.bytes().await.unwrap().to_vec();
        }
        assert!(
            Instant::now() < deadline,
            "{url} still {} after {timeout:?} (is the worker running?)",
            resp.status()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The post ids of one `query_posts` page, in order.
pub async fn ids(sim: &PlayerSim, fields: Value) -> Vec<i64> {
    let r = ok(sim, "query_posts", fields).await;
    r["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect()
}

/// Pages `channel` newest first until a post older than `oldest` (or the end) is reached:
/// every post with an id ≥ `oldest` that the channel lists is among the ids returned.
pub async fn ids_down_to(sim: &PlayerSim, channel: &str, oldest: i64) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut req = json!({"channel": channel, "limit": 50});
        if let Some(c) = &cursor {
            req["cursor"] = json!(c);
        }
        let r = ok(sim, "query_posts", req).await;
        let page: Vec<i64> = r["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["post_id"].as_i64().unwrap())
            .collect();
        seen.extend_from_slice(&page);
        if r["has_more"] != true || page.last().is_none_or(|&id| id < oldest) {
            return seen;
        }
        cursor = Some(r["next_cursor"].as_str().unwrap().to_string());
    }
}
