//! Fixtures for the request tests: a `Ctx` over the per-test database with its own Redis
//! prefix, users, players, posts and playlists made directly in SQL, and a helper that sends
//! a request the way the mqtt-bridge does.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use device::Ctx;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

const ALPHABET: &str = "k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt";
pub const VAULT: &str = "http://127.0.0.1:8081";

pub async fn ctx(pool: PgPool) -> Ctx {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into());
    let kv = kv::Kv::connect(&url, &format!("test-{}", Uuid::new_v4()))
        .await
        .unwrap();
    Ctx {
        db: pool,
        kv,
        sqids: domain::SqidCodec::new(ALPHABET).unwrap(),
        vault_base_url: VAULT.into(),
    }
}

/// A verified user whose handle and sqid are `handle` and `s-{handle}`.
pub async fn user(pool: &PgPool, handle: &str) -> i32 {
    sqlx::query_scalar(
        "insert into users (public_sqid, handle, handle_normalized, email, email_normalized,
                            email_verified)
         values ('s-' || $1, $1, $1, $1 || '@example.com', $1 || '@example.com', true)
         returning id",
    )
    .bind(handle)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Runs `update users set {assignments} where id = $1`.
pub async fn set_user(pool: &PgPool, id: i32, assignments: &str) {
    sqlx::query(&format!("update users set {assignments} where id = $1"))
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
}

/// A registered player of `owner`; returns its key.
pub async fn player(pool: &PgPool, owner: i32) -> Uuid {
    let key = Uuid::new_v4();
    sqlx::query(
        "insert into players (player_key, owner_id, name, registration_status, registered_at)
         values ($1, $2, 'frame', 'registered', now())",
    )
    .bind(key)
    .bind(owner)
    .execute(pool)
    .await
    .unwrap();
    key
}

/// What an artwork looks like; `files` are extra renditions besides the native file.
#[derive(Debug, Clone)]
pub struct Art {
    pub width: i32,
    pub height: i32,
    pub native: &'static str,
    pub native_bytes: i64,
    pub files: Vec<(&'static str, i64)>,
    pub hashtags: Vec<&'static str>,
    pub public: bool,
    pub promoted: bool,
}

impl Default for Art {
    fn default() -> Self {
        Self {
            width: 32,
            height: 32,
            native: "png",
            native_bytes: 1000,
            files: vec![("webp", 800)],
            hashtags: vec![],
            public: true,
            promoted: false,
        }
    }
}

/// A public, visible artwork post with its file rows; returns its id.
pub async fn artwork(pool: &PgPool, owner: i32, art: Art) -> i64 {
    let tags: Vec<String> = art.hashtags.iter().map(|t| t.to_string()).collect();
    let id: i64 = sqlx::query_scalar(
        "insert into posts (public_sqid, owner_id, title, kind, native_format, width, height,
                            file_bytes, frame_count, hashtags, public_visibility, promoted)
         values ($1, $2, 'art', 'artwork', $3, $4, $5, $6, 1, $7, $8, $9) returning id",
    )
    .bind(format!("p{}", Uuid::new_v4().simple()))
    .bind(owner)
    .bind(art.native)
    .bind(art.width)
    .bind(art.height)
    .bind(art.native_bytes)
    .bind(&tags)
    .bind(art.public)
    .bind(art.promoted)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut files = vec![(art.native, art.native_bytes, true)];
    files.extend(art.files.iter().map(|(f, b)| (*f, *b, false)));
    for (format, bytes, native) in files {
        sqlx::query(
            "insert into post_files (post_id, format, file_bytes, is_native) values ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(format)
        .bind(bytes)
        .bind(native)
        .execute(pool)
        .await
        .unwrap();
    }
    id
}

pub async fn plain(pool: &PgPool, owner: i32) -> i64 {
    artwork(pool, owner, Art::default()).await
}

/// A public playlist of these posts in order; returns its id.
pub async fn playlist(pool: &PgPool, owner: i32, items: &[i64]) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "insert into posts (public_sqid, owner_id, title, kind, public_visibility, dwell_time_ms)
         values ($1, $2, 'list', 'playlist', true, 12000) returning id",
    )
    .bind(format!("l{}", Uuid::new_v4().simple()))
    .bind(owner)
    .fetch_one(pool)
    .await
    .unwrap();
    for (i, post) in items.iter().enumerate() {
        sqlx::query(
            "insert into playlist_items (playlist_id, position, post_id, dwell_time_ms)
             values ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(i as i32)
        .bind(post)
        .bind(if i == 0 { Some(5000) } else { None })
        .execute(pool)
        .await
        .unwrap();
    }
    id
}

/// Runs `update posts set {assignments} where id = $1`.
pub async fn set_post(pool: &PgPool, id: i64, assignments: &str) {
    sqlx::query(&format!("update posts set {assignments} where id = $1"))
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
}

/// Sends a request as the mqtt-bridge does: `{request_id, request_type, player_key, ..extra}`
/// on the topic of `key`. Returns the reply, checking it went to `rid`.
pub async fn request(ctx: &Ctx, key: Uuid, request_type: &str, extra: Value) -> Value {
    let rid = Uuid::new_v4().simple().to_string();
    let mut v = json!({"request_id": rid, "request_type": request_type, "player_key": key});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    let (reply_id, body) = raw(ctx, key, &serde_json::to_vec(&v).unwrap()).await;
    assert_eq!(reply_id, rid);
    let reply: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(reply["request_id"], json!(rid));
    reply
}

pub async fn raw(ctx: &Ctx, key: Uuid, payload: &[u8]) -> (String, Vec<u8>) {
    device::requests::handle_mqtt(ctx, key, payload)
        .await
        .expect("every request gets a reply")
}

pub async fn query(ctx: &Ctx, key: Uuid, extra: Value) -> Value {
    request(ctx, key, "query_posts", extra).await
}

/// The `post_id`s of a `query_posts` reply.
pub fn ids(reply: &Value) -> Vec<i64> {
    reply["posts"]
        .as_array()
        .unwrap_or_else(|| panic!("no posts in {reply}"))
        .iter()
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect()
}

/// Asserts an error reply with this code (and the envelope's exact keys).
pub fn assert_error(reply: &Value, code: &str) {
    assert_eq!(reply["success"], json!(false), "{reply}");
    assert_eq!(reply["error_code"], json!(code), "{reply}");
    assert!(reply["error"].is_string(), "{reply}");
}

/// Makes the next `query_posts` see database changes at once, as an api write would.
pub async fn feeds_changed(ctx: &Ctx) {
    ctx.kv.bump_generation(kv::cache::FEEDS).await.unwrap();
    // The generation mirror trusts what it read for a moment.
    tokio::time::sleep(device::requests::cache::GENERATION_TTL).await;
}
