//! Read-through caching of listing results in Redis under a generation counter (see
//! `crate::cache` for invalidation). Fails open: while Redis is down every request is computed.
use std::future::Future;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiResult;
use crate::state::AppState;

/// Returns the value cached for `key` in the current generation of `family`, or computes it,
/// caches it for `ttl_secs` and returns it.
pub async fn cached<T, F, Fut>(
    state: &AppState,
    family: &str,
    key: &str,
    ttl_secs: u64,
    compute: F,
) -> ApiResult<T>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce() -> Fut,
    Fut: Future<Output = ApiResult<T>>,
{
    let generation = match state.kv.generation(family).await {
        Ok(g) => g,
        Err(e) => {
            tracing::debug!(error = %e, "cache unavailable, computing");
            return compute().await;
        }
    };
    let name = format!("cache:{family}:{generation}:{key}");
    if let Ok(Some(bytes)) = state.kv.get_bytes(&name).await {
        if let Ok(v) = serde_json::from_slice::<T>(&bytes) {
            return Ok(v);
        }
    }
    let value = compute().await?;
    if let Ok(bytes) = serde_json::to_vec(&value) {
        if let Err(e) = state.kv.set_bytes_ex(&name, &bytes, ttl_secs).await {
            tracing::debug!(error = %e, "cache write failed");
        }
    }
    Ok(value)
}
