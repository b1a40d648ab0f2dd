//! Fixed-window rate limits, counted atomically in Redis by one Lua script, so concurrent
//! requests can never overshoot the limit.
use std::sync::LazyLock;

use crate::{Kv, KvResult};

/// A named limit: at most `max` hits per `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub name: &'static str,
    pub max: u32,
    pub window_secs: u64,
}

impl Limit {
    pub const fn new(name: &'static str, max: u32, window_secs: u64) -> Self {
        Self {
            name,
            max,
            window_secs,
        }
    }
}

/// The outcome of one hit, with what the `RateLimit-*` headers report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset_secs: u64,
}

// INCR and the first PEXPIRE happen in one script, so the window always has a TTL and two
// racing requests see distinct counts.
static HIT: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
        return {n, ttl}
        ",
    )
});

static PEEK: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
        local n = tonumber(redis.call('GET', KEYS[1]) or '0')
        local ttl = redis.call('PTTL', KEYS[1])
        return {n, ttl}
        ",
    )
});

fn decide(limit: Limit, count: i64, ttl_ms: i64) -> Decision {
    let max = i64::from(limit.max);
    let reset_ms = if ttl_ms > 0 {
        ttl_ms
    } else {
        i64::try_from(limit.window_secs * 1000).unwrap_or(i64::MAX)
    };
    Decision {
        allowed: count <= max,
        limit: limit.max,
        remaining: u32::try_from((max - count).max(0)).unwrap_or(0),
        reset_secs: u64::try_from((reset_ms + 999) / 1000).unwrap_or(0),
    }
}

impl Kv {
    fn limit_key(&self, limit: Limit, subject: &str) -> String {
        self.key(&format!("ratelimit:{}:{subject}", limit.name))
    }

    /// Counts one hit against `limit` for `subject` (an IP, a user id, an email).
    pub async fn hit(&self, limit: Limit, subject: &str) -> KvResult<Decision> {
        let mut c = self.conn();
        let (n, ttl): (i64, i64) = HIT
            .key(self.limit_key(limit, subject))
            .arg(limit.window_secs * 1000)
            .invoke_async(&mut c)
            .await?;
        let d = decide(limit, n, ttl);
        if !d.allowed {
            metrics::counter!("rate_limited_total", "limit" => limit.name).increment(1);
        }
        Ok(d)
    }

    /// Reads the state of a limit without counting a hit (quotas in `/auth/me`).
    pub async fn peek(&self, limit: Limit, subject: &str) -> KvResult<Decision> {
        let mut c = self.conn();
        let (n, ttl): (i64, i64) = PEEK
            .key(self.limit_key(limit, subject))
            .invoke_async(&mut c)
            .await?;
        Ok(decide(limit, n, ttl))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_math() {
        let l = Limit::new("t", 3, 60);
        assert_eq!(
            decide(l, 1, 59_500),
            Decision {
                allowed: true,
                limit: 3,
                remaining: 2,
                reset_secs: 60
            }
        );
        let d = decide(l, 4, 1000);
        assert!(!d.allowed);
        assert_eq!(d.remaining, 0);
    }

    #[tokio::test]
    async fn concurrent_hits_never_overshoot() {
        let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into());
        let kv = Kv::connect(&url, &format!("test-{}", uuid::Uuid::new_v4()))
            .await
            .unwrap();
        let l = Limit::new("race", 10, 60);
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let kv = kv.clone();
                tokio::spawn(async move { kv.hit(l, "subject").await.unwrap().allowed })
            })
            .collect();
        let mut allowed = 0;
        for t in tasks {
            if t.await.unwrap() {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 10);
        let peek = kv.peek(l, "subject").await.unwrap();
        assert_eq!(peek.remaining, 0);
        assert!(peek.reset_secs > 0 && peek.reset_secs <= 60);
    }
}
