//! Response caching with generation counters: a cache key embeds the current generation of its
//! family, so invalidating a whole family is one `INCR` and never a key scan. Old entries are
//! simply never read again and expire by their TTL.
use crate::{Kv, KvResult};

impl Kv {
    /// The current generation of a cache family (0 before the first bump).
    pub async fn generation(&self, family: &str) -> KvResult<u64> {
        let mut c = self.conn();
        let v: Option<u64> = redis::cmd("GET")
            .arg(self.key(&format!("gen:{family}")))
            .query_async(&mut c)
            .await?;
        Ok(v.unwrap_or(0))
    }

    /// Moves a family to a new generation, orphaning every entry cached under the old one.
    pub async fn bump_generation(&self, family: &str) -> KvResult<u64> {
        let mut c = self.conn();
        let v: u64 = redis::cmd("INCR")
            .arg(self.key(&format!("gen:{family}")))
            .query_async(&mut c)
            .await?;
        Ok(v)
    }

    pub async fn get_bytes(&self, name: &str) -> KvResult<Option<Vec<u8>>> {
        let mut c = self.conn();
        let v: Option<Vec<u8>> = redis::cmd("GET")
            .arg(self.key(name))
            .query_async(&mut c)
            .await?;
        Ok(v)
    }

    pub async fn set_bytes_ex(&self, name: &str, value: &[u8], ttl_secs: u64) -> KvResult<()> {
        let mut c = self.conn();
        let _: () = redis::cmd("SET")
            .arg(self.key(name))
            .arg(value)
            .arg("EX")
            .arg(ttl_secs)
            .query_async(&mut c)
            .await?;
        Ok(())
    }
}

/// The cache family of every public listing (recent, promoted, hashtags, `GET /post`).
pub const FEEDS: &str = "feeds";

/// The cache family of who may act as a player: bumped when a player is deleted or its owner is
/// banned, deactivated or changes role; the mqtt-bridge's authenticated-player cache follows it.
pub const PLAYERS: &str = "players";

/// The cache family of one post's permalink data.
pub fn post_family(post_id: i64) -> String {
    format!("post:{post_id}")
}
