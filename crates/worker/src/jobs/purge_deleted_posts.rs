//! `purge-deleted-posts` (hourly): posts soft-deleted at least a week ago are deleted for good,
//! a bounded batch per run. The row goes first and its files after, so a crash in between can
//! leave an orphan file but never a live row whose files are gone.
use chrono::{DateTime, Utc};
use uuid::Uuid;
use vault::{Area, Ext, Vault, VaultError};

use crate::Deps;

pub const NAME: &str = "purge-deleted-posts";
/// How long a soft-deleted post can still be restored by support before it is gone.
pub const GRACE_DAYS: i64 = 7;
/// Posts per run; an hourly run keeps up with far more deletes than the site sees.
pub const BATCH: i64 = 100;

/// Every file an artwork key can have: the native format is one of the first four, renditions
/// are the others, plus the upscaled preview. Removing them all also catches renditions a
/// render job wrote after the key stopped being recorded anywhere.
pub(crate) const ARTWORK_EXTS: [Ext; 5] =
    [Ext::Png, Ext::Gif, Ext::Webp, Ext::Bmp, Ext::UpscaledWebp];

/// Removes every artwork file of `key`; missing files are fine, the first other error stops.
pub(crate) async fn delete_artwork_files(vault: &Vault, key: &Uuid) -> Result<(), VaultError> {
    for ext in ARTWORK_EXTS {
        vault.delete(Area::Artwork, key, ext).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub purged: u64,
    /// Rows deleted whose files could not all be removed (logged with their key).
    pub file_errors: u64,
}

pub async fn purge_deleted_posts(deps: &Deps, now: DateTime<Utc>) -> anyhow::Result<PurgeReport> {
    let before = now - chrono::Duration::days(GRACE_DAYS);
    let gone = db::maintenance::purge_soft_deleted(&deps.pool, before, BATCH).await?;
    let mut report = PurgeReport {
        purged: gone.len() as u64,
        file_errors: 0,
    };
    for post in &gone {
        if let Err(e) = delete_artwork_files(&deps.vault, &post.storage_key).await {
            report.file_errors += 1;
            tracing::warn!(
                job = NAME,
                post_id = post.id,
                storage_key = %post.storage_key,
                error = %e,
                "post deleted but its files were not all removed"
            );
        }
    }
    if report.purged > 0 {
        if let Err(e) = deps.kv.bump_generation(kv::cache::FEEDS).await {
            tracing::warn!(job = NAME, error = %e, "feed cache invalidation failed");
        }
    }
    tracing::info!(
        job = NAME,
        purged = report.purged,
        file_errors = report.file_errors,
        "soft-deleted posts purged"
    );
    Ok(report)
}
