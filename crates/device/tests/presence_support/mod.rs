//! Fixtures for the presence and view tests: a `Ctx` over the per-test database and a Redis
//! prefix of its own, rows made directly, and a subscriber for the owner's player events.
#![allow(dead_code)]
use std::time::Duration;

use device::Ctx;
use futures::StreamExt;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

const ALPHABET: &str = "k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt";

pub fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into())
}

pub async fn ctx(pool: PgPool) -> Ctx {
    let kv = kv::Kv::connect(&redis_url(), &format!("test-{}", Uuid::new_v4()))
        .await
        .unwrap();
    Ctx {
        db: pool,
        kv,
        sqids: domain::SqidCodec::new(ALPHABET).unwrap(),
        vault_base_url: "http://127.0.0.1:8081".into(),
    }
}

pub async fn user(pool: &PgPool, handle: &str) -> i32 {
    sqlx::query_scalar(
        "insert into users (public_sqid, handle, handle_normalized, email, email_normalized,
                            email_verified)
         values ($1, $1, $1, $1 || '@example.com', $1 || '@example.com', true) returning id",
    )
    .bind(handle)
    .fetch_one(pool)
    .await
    .unwrap()
}

pub async fn post(pool: &PgPool, owner_id: i32) -> i64 {
    sqlx::query_scalar(
        "insert into posts (public_sqid, owner_id, title) values ($1, $2, 'art') returning id",
    )
    .bind(format!("p{}", Uuid::new_v4().simple()))
    .bind(owner_id)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A player row: registered to `owner`, or pending when `owner` is `None`. Returns (id, key).
pub async fn player(pool: &PgPool, owner: Option<i32>) -> (Uuid, Uuid) {
    let key = Uuid::new_v4();
    let id = sqlx::query_scalar(
        "insert into players (player_key, owner_id, name, registration_status, registered_at)
         values ($1, $2, 'frame', case when $2::int is null then 'pending' else 'registered' end,
                 case when $2::int is null then null else now() end)
         returning id",
    )
    .bind(key)
    .bind(owner)
    .fetch_one(pool)
    .await
    .unwrap();
    (id, key)
}

pub async fn row(pool: &PgPool, key: Uuid) -> db::players::PlayerRow {
    db::players::find_by_key(pool, key).await.unwrap().unwrap()
}

/// Subscribes to this test's `PLAYER_EVENTS` channel.
pub async fn events(ctx: &Ctx) -> Events {
    let channel = ctx.kv.key(kv::pubsub::PLAYER_EVENTS);
    let (sink, stream) = kv::pubsub::subscribe(&redis_url(), &channel).await.unwrap();
    Events {
        _sink: sink,
        stream,
    }
}

pub struct Events {
    _sink: kv::pubsub::PubSubSink,
    stream: kv::pubsub::PubSubStream,
}

impl Events {
    pub async fn next(&mut self) -> Value {
        let msg = tokio::time::timeout(Duration::from_secs(5), self.stream.next())
            .await
            .expect("no player event within 5 s")
            .unwrap();
        serde_json::from_str(&kv::pubsub::payload(&msg).unwrap()).unwrap()
    }

    /// Fails if an event arrives within a short grace period.
    pub async fn none(&mut self) {
        let got = tokio::time::timeout(Duration::from_millis(300), self.stream.next()).await;
        if let Ok(Some(msg)) = got {
            panic!("unexpected event: {:?}", kv::pubsub::payload(&msg));
        }
    }
}
