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
    /// Live player events for owners' SSE streams (`kv::pubsub::PLAYER_EVENTS`), same design.
    pub player_events: crate::realtime::Hub,
    /// Player commands go out through this connection (see `mqtt`).
    pub mqtt: crate::mqtt::Publisher,
    /// The players' CA, read (or created) from `PKI_DIR` on first use; see [`AppState::ca`].
    pub pki: Arc<tokio::sync::OnceCell<pki::Ca>>,
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
        let mqtt = crate::mqtt::Publisher::new(&config);
        let player_events = crate::realtime::Hub::with_decoder(
            config.redis_url.expose(),
            kv.key(kv::pubsub::PLAYER_EVENTS),
            crate::routes::player_commands::player_events::decode,
        );
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
            player_events,
            mqtt,
            pki: Arc::default(),
        })
    }
}

/// Key size of a CA this process has to create (only when `PKI_DIR` holds none yet; `pki-init`
/// normally makes it first).
const CA_KEY_BITS: usize = 4096;

impl AppState {
    /// The players' CA. Loading reads two files and creating one generates an RSA key, so both
    /// run off the async threads, once per process; a failure is retried on the next call.
    pub async fn ca(&self) -> anyhow::Result<pki::Ca> {
        let dir = std::path::PathBuf::from(&self.config.pki_dir);
        let ca = self
            .pki
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || pki::Ca::load_or_create(&dir, CA_KEY_BITS))
                    .await?
                    .map_err(anyhow::Error::from)
            })
            .await?;
        Ok(ca.clone())
    }
}
