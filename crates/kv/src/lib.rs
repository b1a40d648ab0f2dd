//! Redis access: one connection manager, every key under a deployment prefix, and the
//! atomic fixed-window rate limiter used by the API.
pub mod cache;
pub mod pubsub;
pub mod rate_limit;

pub use rate_limit::{Decision, Limit};
pub use redis::aio::ConnectionManager;

#[derive(Debug, thiserror::Error)]
pub enum KvError {
    #[error(transparent)]
    Redis(#[from] redis::RedisError),
}

pub type KvResult<T> = Result<T, KvError>;

/// Cheap to clone; all clones share one multiplexed connection that reconnects by itself.
#[derive(Clone)]
pub struct Kv {
    conn: ConnectionManager,
    prefix: String,
}

impl Kv {
    pub async fn connect(url: &str, prefix: &str) -> KvResult<Self> {
        let client = redis::Client::open(url)?;
        let cfg = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(std::time::Duration::from_secs(2)))
            .set_response_timeout(Some(std::time::Duration::from_secs(2)))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_with_config(client, cfg).await?;
        Ok(Self {
            conn,
            prefix: prefix.to_string(),
        })
    }

    /// The full key for a logical name, so deployments (and tests) never collide.
    pub fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.prefix)
    }

    pub fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    pub async fn ping(&self) -> KvResult<()> {
        let mut c = self.conn.clone();
        let _: String = redis::cmd("PING").query_async(&mut c).await?;
        Ok(())
    }

    /// Stores a value with a time to live.
    pub async fn set_ex(&self, name: &str, value: &str, ttl_secs: u64) -> KvResult<()> {
        let mut c = self.conn.clone();
        let _: () = redis::cmd("SET")
            .arg(self.key(name))
            .arg(value)
            .arg("EX")
            .arg(ttl_secs)
            .query_async(&mut c)
            .await?;
        Ok(())
    }

    /// Sets the key only if absent; true when this call set it.
    pub async fn set_nx_ex(&self, name: &str, value: &str, ttl_secs: u64) -> KvResult<bool> {
        let mut c = self.conn.clone();
        let r: Option<String> = redis::cmd("SET")
            .arg(self.key(name))
            .arg(value)
            .arg("NX")
            .arg("EX")
            .arg(ttl_secs)
            .query_async(&mut c)
            .await?;
        Ok(r.is_some())
    }

    /// Reads and deletes in one step: single-use values (OAuth codes, tickets).
    pub async fn get_del(&self, name: &str) -> KvResult<Option<String>> {
        let mut c = self.conn.clone();
        let v: Option<String> = redis::cmd("GETDEL")
            .arg(self.key(name))
            .query_async(&mut c)
            .await?;
        Ok(v)
    }

    pub async fn exists(&self, name: &str) -> KvResult<bool> {
        let mut c = self.conn.clone();
        let n: i64 = redis::cmd("EXISTS")
            .arg(self.key(name))
            .query_async(&mut c)
            .await?;
        Ok(n > 0)
    }

    pub async fn del(&self, name: &str) -> KvResult<()> {
        let mut c = self.conn.clone();
        let _: i64 = redis::cmd("DEL")
            .arg(self.key(name))
            .query_async(&mut c)
            .await?;
        Ok(())
    }
}
