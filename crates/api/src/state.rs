//! Shared application state handed to every handler.
use std::sync::Arc;
use std::time::Instant;

use auth::JwtKeys;
use config::Config;
use db::PgPool;
use domain::SqidCodec;
use jobs::Queues;
use kv::Kv;
use vault::Vault;

use crate::listing::hot::{self, HotCache};

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: PgPool,
    pub kv: Kv,
    pub queues: Queues,
    pub jwt: JwtKeys,
    pub sqids: SqidCodec,
    pub vault: Vault,
    pub http: reqwest::Client,
    pub started: Instant,
    /// Rendered anonymous listings and permalinks (see `listing::hot`).
    pub hot: HotCache,
    pub hot_posts: HotCache,
    pub generations: hot::GenerationMirror,
    /// Live notification delivery: this process's one Redis subscription (see `realtime`).
    pub realtime: crate::realtime::Hub,
}

impl AppState {
    /// Builds the state from its parts; the caller owns connection setup (tests pass their own pool).
    pub fn new(config: Config, db: PgPool, kv: Kv) -> anyhow::Result<Self> {
        let sqids = SqidCodec::new(&config.sqids_alphabet)?;
        let jwt = JwtKeys::new(
            config.jwt_secret.expose().as_bytes(),
            config.access_token_minutes,
        );
        let queues = Queues::new(kv.conn(), &config.redis_prefix);
        let vault = Vault::new(&config.vault_dir, config.vault_min_free_bytes);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .user_agent("makapix-club")
            .build()?;
        let realtime =
            crate::realtime::Hub::new(config.redis_url.expose(), kv.key(kv::pubsub::NOTIFICATIONS));
        Ok(Self {
            config: Arc::new(config),
            db,
            kv,
            queues,
            jwt,
            sqids,
            vault,
            http,
            started: Instant::now(),
            hot: HotCache::new(hot::LISTING_ENTRIES),
            hot_posts: HotCache::new(hot::POST_ENTRIES),
            generations: hot::GenerationMirror::default(),
            realtime,
        })
    }
}
