//! Publishing on Redis pub/sub channels under the deployment prefix, so events raised on one
//! api instance reach connections held by another.
use crate::{Kv, KvResult};

impl Kv {
    /// Publishes `payload` on the logical channel `name`; returns how many subscribers got it.
    pub async fn publish(&self, name: &str, payload: &str) -> KvResult<i64> {
        let mut c = self.conn();
        let n: i64 = redis::cmd("PUBLISH")
            .arg(self.key(name))
            .arg(payload)
            .query_async(&mut c)
            .await?;
        Ok(n)
    }
}

/// The channel every new notification is published on (payload: `{"user_id", "item"}`).
pub const NOTIFICATIONS: &str = "notifications";
