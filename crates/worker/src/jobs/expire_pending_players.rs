//! `expire-pending-players` (hourly): provisioned players whose registration code expired
//! without an owner claiming them are deleted (player-protocol.md §1.1). They never had a
//! certificate or a token, so nothing else needs tearing down.
use crate::Deps;

pub const NAME: &str = "expire-pending-players";

/// Deletes every pending player whose code has expired; returns how many went.
pub async fn expire_pending_players(deps: &Deps) -> anyhow::Result<u64> {
    let deleted = db::players::delete_expired_pending(&deps.pool).await?;
    tracing::info!(job = NAME, deleted, "expired pending players deleted");
    Ok(deleted)
}
