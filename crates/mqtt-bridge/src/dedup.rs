//! Claims on requests in progress. The p3a retries a request 10 s after sending it, with the same
//! request_id (up to three tries); shared subscriptions give each copy to one bridge, but a retry
//! that arrives while the first copy is still being worked on (an overloaded moment) would do the
//! same work twice, possibly on two bridges. So a request first claims
//! `mqtt:inflight:{player_key}:{request_id}` in Redis (SET NX EX); a copy that finds the claim is
//! dropped, since the first copy's reply answers it (the p3a matches replies by request_id only).
//!
//! A claim lives for less than the p3a's retry interval and is renewed while its request is still
//! being worked on, so it is never deleted: a fast request (nearly all of them) costs one Redis
//! command, and a retry that follows a lost reply finds the claim gone and is processed again,
//! which is harmless (every request is a read or idempotent). Replies are not cached: at full
//! load that would hold gigabytes of 128 KiB replies in Redis. When Redis does not answer,
//! requests are processed anyway (fail open).
use std::future::Future;
use std::time::Duration;

use uuid::Uuid;

#[derive(Clone)]
pub struct InFlight {
    kv: kv::Kv,
    claim_secs: u64,
}

impl InFlight {
    /// `claim_secs` must stay under the p3a's 10 s retry interval (see the module notes).
    pub fn new(kv: kv::Kv, claim_secs: u64) -> Self {
        Self {
            kv,
            claim_secs: claim_secs.max(1),
        }
    }

    fn name(player_key: &Uuid, request_id: &str) -> String {
        format!("mqtt:inflight:{player_key}:{request_id}")
    }

    /// True when this copy should be processed (nobody else is working on it).
    pub async fn claim(&self, player_key: &Uuid, request_id: &str) -> bool {
        match self
            .kv
            .set_nx_ex(&Self::name(player_key, request_id), "1", self.claim_secs)
            .await
        {
            Ok(fresh) => fresh,
            Err(e) => {
                tracing::warn!(error = %e, "request dedup unavailable; processing anyway");
                true
            }
        }
    }

    /// Runs `work` for a claimed request, renewing the claim every half lifetime until it ends.
    /// A request that outlived its first claim deletes it when done, so that a retry following
    /// its (lost) reply is not mistaken for a copy of a request in progress.
    pub async fn held_while<T>(
        &self,
        player_key: &Uuid,
        request_id: &str,
        work: impl Future<Output = T>,
    ) -> T {
        let name = Self::name(player_key, request_id);
        let every = Duration::from_secs(self.claim_secs) / 2;
        let renewed = std::sync::atomic::AtomicBool::new(false);
        // Polled beside `work`, so a slow Redis delays renewals, never the work.
        let renew = async {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                tick.tick().await;
                renewed.store(true, std::sync::atomic::Ordering::Relaxed);
                if let Err(e) = self.kv.set_ex(&name, "1", self.claim_secs).await {
                    tracing::warn!(error = %e, "could not renew a request claim");
                }
            }
        };
        tokio::pin!(work, renew);
        let mut renewing = true;
        let out = loop {
            tokio::select! {
                out = &mut work => break out,
                () = &mut renew, if renewing => renewing = false,
            }
        };
        if renewed.load(std::sync::atomic::Ordering::Relaxed) {
            if let Err(e) = self.kv.del(&name).await {
                tracing::warn!(error = %e, "could not release a request claim; it expires");
            }
        }
        out
    }
}
