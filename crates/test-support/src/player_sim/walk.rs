//! The p3a's channel refresh (§4.2): walk `query_posts` from the top following cursors, skip
//! posts whose `storage_key` is not a UUID, and recompute each download URL from the key.
use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{PlayerSim, SimError};

/// How a walk pages; the defaults are the p3a's except the 350 ms pause between pages.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub limit: u32,
    pub sort: String,
    pub pause: Duration,
    /// The p3a's cache target per channel.
    pub max_posts: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            limit: 32,
            sort: "server_order".into(),
            pause: Duration::ZERO,
            max_posts: 2048,
        }
    }
}

/// Why a walk stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkEnd {
    /// `has_more: false`.
    Complete,
    EmptyPage,
    TargetReached,
    /// `has_more: true` without `next_cursor`: the p3a treats the walk as incomplete.
    MissingCursor,
}

#[derive(Debug, Clone)]
pub struct ChannelWalk {
    /// Kept posts, in page order.
    pub posts: Vec<Value>,
    pub pages: usize,
    /// Posts dropped because `storage_key` is not a UUID.
    pub skipped: usize,
    pub end: WalkEnd,
}

impl PlayerSim {
    /// Walks `channel` (with `identifiers` such as `{"user_sqid": …}` or `{"hashtag": …}`);
    /// a reply with `success: false` is returned as [`SimError::Reply`].
    pub async fn walk_channel(
        &self,
        channel: &str,
        identifiers: Value,
        opts: &WalkOptions,
    ) -> Result<ChannelWalk, SimError> {
        let mut walk = ChannelWalk {
            posts: Vec::new(),
            pages: 0,
            skipped: 0,
            end: WalkEnd::Complete,
        };
        let mut cursor = Value::Null;
        loop {
            if walk.pages > 0 && !opts.pause.is_zero() {
                tokio::time::sleep(opts.pause).await;
            }
            let mut fields = json!({
                "channel": channel, "sort": opts.sort, "limit": opts.limit, "cursor": cursor,
            });
            if let (Some(f), Value::Object(ids)) = (fields.as_object_mut(), &identifiers) {
                f.extend(ids.clone());
            }
            let reply = self.request("query_posts", fields).await?;
            if reply["success"] != json!(true) {
                return Err(SimError::Reply(reply));
            }
            walk.pages += 1;
            let posts = reply["posts"].as_array().cloned().unwrap_or_default();
            if posts.is_empty() {
                walk.end = WalkEnd::EmptyPage;
                return Ok(walk);
            }
            for p in posts {
                let key_ok = p["storage_key"]
                    .as_str()
                    .is_some_and(|k| uuid::Uuid::parse_str(k).is_ok());
                if key_ok {
                    walk.posts.push(p);
                } else {
                    walk.skipped += 1;
                }
            }
            if walk.posts.len() >= opts.max_posts {
                walk.end = WalkEnd::TargetReached;
                return Ok(walk);
            }
            if reply["has_more"] != json!(true) {
                walk.end = WalkEnd::Complete;
                return Ok(walk);
            }
            match reply.get("next_cursor").and_then(Value::as_str) {
                Some(c) => cursor = json!(c),
                None => {
                    walk.end = WalkEnd::MissingCursor;
                    return Ok(walk);
                }
            }
        }
    }
}

/// The download extension the p3a derives from `art_url` (case-insensitive suffix): `.webp`,
/// `.gif`, `.png`, `.jpg` (also for `.jpeg`); anything else, `.bmp` included, becomes `.webp`.
pub fn extension(art_url: &str) -> &'static str {
    let u = art_url.to_ascii_lowercase();
    if u.ends_with(".gif") {
        ".gif"
    } else if u.ends_with(".png") {
        ".png"
    } else if u.ends_with(".jpg") || u.ends_with(".jpeg") {
        ".jpg"
    } else {
        ".webp"
    }
}

/// `{vault}/{hex(sha256(key)[0]&0x3f)}/{hex(sha256(key)[1]&0x3f)}/{key}{ext}`: the URL the p3a
/// downloads from, recomputed rather than taken from the reply.
pub fn vault_url(vault_base: &str, storage_key: &str, art_url: &str) -> String {
    let h = Sha256::digest(storage_key.as_bytes());
    format!(
        "{}/{:02x}/{:02x}/{storage_key}{}",
        vault_base.trim_end_matches('/'),
        h[0] & 0x3f,
        h[1] & 0x3f,
        extension(art_url)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_follow_the_firmware() {
        assert_eq!(extension("https://v/a/b/k.PNG"), ".png");
        assert_eq!(extension("https://v/a/b/k.gif"), ".gif");
        assert_eq!(extension("https://v/a/b/k.jpeg"), ".jpg");
        assert_eq!(extension("https://v/a/b/k.jpg"), ".jpg");
        assert_eq!(extension("https://v/a/b/k.bmp"), ".webp");
        assert_eq!(extension("https://v/a/b/k.webp"), ".webp");
        assert_eq!(extension(""), ".webp");
    }

    #[test]
    fn vault_url_uses_the_v2_shard() {
        let key = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let h = Sha256::digest(key.as_bytes());
        let want = format!(
            "http://v:8081/{:02x}/{:02x}/{key}.png",
            h[0] & 0x3f,
            h[1] & 0x3f
        );
        assert_eq!(vault_url("http://v:8081/", key, "x.png"), want);
        // Each shard level is two lowercase hex digits below 0x40.
        let url = vault_url("http://v", key, "x.bmp");
        let parts: Vec<&str> = url.trim_start_matches("http://v/").split('/').collect();
        for p in &parts[..2] {
            assert_eq!(p.len(), 2);
            assert!(u8::from_str_radix(p, 16).unwrap() < 0x40);
        }
        assert!(url.ends_with(".webp"));
    }
}
