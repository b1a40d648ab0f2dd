//! In-flight markers for requests. The p3a retries a request after 10 s with the same
//! request_id (up to three times); shared subscriptions already give each copy to one bridge, but
//! a retry that arrives while the first copy is still being worked on (an overloaded moment)
//! would do the same work twice, possibly on two bridges. So a request first claims
//! `mqtt:inflight:{player_key}:{request_id}` in Redis (SET NX EX); a copy that finds the claim is
//! dropped, since the first copy's reply answers it (the p3a matches replies by request_id only).
//! The claim is released once the reply is published, so a retry after that (the reply was lost)
//! is processed again, which is harmless: every request is idempotent or a read. Replies are not
//! cached: at full load that would hold gigabytes of 128 KiB replies in Redis. When Redis does not
//! answer, requests are processed anyway (fail open).
use uuid::Uuid;

#[derive(Clone)]
pub struct InFlight {
    kv: kv::Kv,
    ttl_secs: u64,
}

impl InFlight {
    /// `ttl_secs` bounds how long a crashed bridge's claim blocks retries.
    pub fn new(kv: kv::Kv, ttl_secs: u64) -> Self {
        Self { kv, ttl_secs }
    }

    fn name(player_key: &Uuid, request_id: &str) -> String {
        format!("mqtt:inflight:{player_key}:{request_id}")
    }

    /// True when this copy should be processed (nobody else is working on it).
    pub async fn claim(&self, player_key: &Uuid, request_id: &str) -> bool {
        match self
            .kv
            .set_nx_ex(&Self::name(player_key, request_id), "1", self.ttl_secs)
            .await
        {
            Ok(fresh) => fresh,
            Err(e) => {
                tracing::warn!(error = %e, "request dedup unavailable; processing anyway");
                true
            }
        }
    }

    pub async fn release(&self, player_key: &Uuid, request_id: &str) {
        if let Err(e) = self.kv.del(&Self::name(player_key, request_id)).await {
            tracing::warn!(error = %e, "could not release a request claim; it expires by itself");
        }
    }
}
