//! Background job payloads and the queues they travel on. The api enqueues, the worker runs;
//! both depend on this crate and never on each other. Queue names are stable once deployed.
use apalis::prelude::TaskSink;
use apalis_redis::{Config, ConnectionManager, RedisStorage};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which email to send. Links and codes are carried in the payload because only their hashes
/// are stored; the job is removed from Redis once it has run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EmailKind {
    VerifyLink {
        url: String,
        /// Set when the account was created without a password.
        generated_password: Option<String>,
    },
    VerifyOtp {
        code: String,
    },
    ResetLink {
        url: String,
    },
    ResetOtp {
        code: String,
    },
    /// A new report, for the moderation inbox (`MODERATION_ALERT_EMAIL`); the api sends at
    /// most one per target per 6 hours.
    ReportAlert {
        target_type: String,
        target_id: String,
        reason_code: String,
        notes: Option<String>,
        /// None for an anonymous report.
        reporter_handle: Option<String>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendEmail {
    /// Idempotency key: a redelivered job with the same id is not sent twice.
    pub id: Uuid,
    pub to: String,
    pub handle: String,
    pub email: EmailKind,
}

impl SendEmail {
    pub const QUEUE: &'static str = "send_email";
}

/// Removes a deactivated account and everything it owns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PurgeAccount {
    pub user_id: i32,
}

impl PurgeAccount {
    pub const QUEUE: &'static str = "purge_account";
}

/// Produces the web renditions and the upscaled preview of a post's current artwork.
/// Carries the storage key so a job for a replaced file can tell it is stale.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RenderArtwork {
    pub post_id: i64,
    pub storage_key: Uuid,
}

impl RenderArtwork {
    pub const QUEUE: &'static str = "render_artwork";
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("could not enqueue {queue}: {reason}")]
    Enqueue { queue: &'static str, reason: String },
}

/// The producer side of every queue, sharing one Redis connection.
#[derive(Clone)]
pub struct Queues {
    pub email: RedisStorage<SendEmail>,
    pub purge: RedisStorage<PurgeAccount>,
    pub render: RedisStorage<RenderArtwork>,
}

/// The queue's Redis namespace: `{prefix}:jobs:{name}`.
pub fn queue_name(prefix: &str, name: &str) -> String {
    format!("{prefix}:jobs:{name}")
}

impl Queues {
    pub fn new(conn: ConnectionManager, prefix: &str) -> Self {
        Self {
            email: RedisStorage::new(conn.clone())
                .with_config(Config::default().queue(queue_name(prefix, SendEmail::QUEUE))),
            purge: RedisStorage::new(conn.clone())
                .with_config(Config::default().queue(queue_name(prefix, PurgeAccount::QUEUE))),
            render: RedisStorage::new(conn)
                .with_config(Config::default().queue(queue_name(prefix, RenderArtwork::QUEUE))),
        }
    }

    pub async fn send_email(&self, job: SendEmail) -> Result<(), JobError> {
        let mut s = self.email.clone();
        s.push(job).await.map_err(|e| JobError::Enqueue {
            queue: SendEmail::QUEUE,
            reason: e.to_string(),
        })
    }

    pub async fn purge_account(&self, job: PurgeAccount) -> Result<(), JobError> {
        let mut s = self.purge.clone();
        s.push(job).await.map_err(|e| JobError::Enqueue {
            queue: PurgeAccount::QUEUE,
            reason: e.to_string(),
        })
    }

    pub async fn render_artwork(&self, job: RenderArtwork) -> Result<(), JobError> {
        let mut s = self.render.clone();
        s.push(job).await.map_err(|e| JobError::Enqueue {
            queue: RenderArtwork::QUEUE,
            reason: e.to_string(),
        })
    }
}
