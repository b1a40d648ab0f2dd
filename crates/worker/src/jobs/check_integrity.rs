//! `check-integrity` (every 6 h): re-hashes the native file of a batch of live artworks, walking
//! post ids with a cursor in `job_cursors` that wraps around at the end, so every file is
//! checked in turn. A missing file or a SHA-256 that differs from `posts.hash` sets
//! `non_conformant` (the post leaves discovery) with an audit entry; nothing here ever clears
//! the flag, a moderator does once the file is fixed.
use sha2::{Digest, Sha256};
use vault::{Area, Ext, VaultError};

use crate::Deps;

pub const NAME: &str = "check-integrity";
/// Posts per run.
pub const BATCH: i64 = 100;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntegrityReport {
    pub checked: u64,
    pub missing: u64,
    pub mismatched: u64,
    /// Posts this run flagged (an already flagged post is not counted again).
    pub flagged: u64,
    /// Files that could not be read for another reason (left for the next pass).
    pub unreadable: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    Intact,
    Missing,
    Mismatch,
}

impl Finding {
    fn note(self) -> &'static str {
        match self {
            Finding::Intact => "intact",
            Finding::Missing => "native file missing",
            Finding::Mismatch => "native file hash mismatch",
        }
    }
}

fn native_ext(native: Option<&str>) -> Ext {
    match native {
        Some("gif") => Ext::Gif,
        Some("webp") => Ext::Webp,
        Some("bmp") => Ext::Bmp,
        _ => Ext::Png,
    }
}

/// Checks the next `batch` posts after the stored cursor.
pub async fn check_integrity(deps: &Deps, batch: i64) -> anyhow::Result<IntegrityReport> {
    let after = db::maintenance::cursor(&deps.pool, NAME).await?;
    let posts = db::maintenance::live_artworks_after(&deps.pool, after, batch).await?;
    let mut report = IntegrityReport::default();
    for post in &posts {
        let Some(expected) = post.hash.as_deref() else {
            continue;
        };
        let ext = native_ext(post.native_format.as_deref());
        let finding = match deps.vault.read(Area::Artwork, &post.storage_key, ext).await {
            Ok(bytes) => {
                let actual =
                    tokio::task::spawn_blocking(move || hex::encode(Sha256::digest(&bytes)))
                        .await?;
                if actual == expected {
                    Finding::Intact
                } else {
                    Finding::Mismatch
                }
            }
            Err(VaultError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Finding::Missing,
            Err(e) => {
                report.unreadable += 1;
                tracing::warn!(job = NAME, post_id = post.id, error = %e, "native file unreadable");
                continue;
            }
        };
        report.checked += 1;
        match finding {
            Finding::Intact => continue,
            Finding::Missing => report.missing += 1,
            Finding::Mismatch => report.mismatched += 1,
        }
        tracing::warn!(
            job = NAME,
            post_id = post.id,
            storage_key = %post.storage_key,
            finding = finding.note(),
            "artwork failed the integrity check"
        );
        if flag(deps, post.id, post.storage_key, finding).await? {
            report.flagged += 1;
        }
    }
    // A short batch reached the end: start over from the first post next time.
    let next = match posts.last() {
        Some(last) if posts.len() as i64 == batch => last.id,
        _ => 0,
    };
    db::maintenance::set_cursor(&deps.pool, NAME, next).await?;
    if report.flagged > 0 {
        if let Err(e) = deps.kv.bump_generation(kv::cache::FEEDS).await {
            tracing::warn!(job = NAME, error = %e, "feed cache invalidation failed");
        }
    }
    tracing::info!(
        job = NAME,
        checked = report.checked,
        missing = report.missing,
        mismatched = report.mismatched,
        flagged = report.flagged,
        unreadable = report.unreadable,
        "integrity batch checked"
    );
    Ok(report)
}

/// Sets the flag and records why, together; true when the post was not flagged before.
async fn flag(
    deps: &Deps,
    post_id: i64,
    key: uuid::Uuid,
    finding: Finding,
) -> anyhow::Result<bool> {
    let mut tx = deps.pool.begin().await?;
    let changed = db::maintenance::mark_non_conformant(&mut tx, post_id, key).await?;
    if changed {
        db::audit::record(
            &mut tx,
            db::audit::AuditEntry {
                actor_id: None,
                action: "mark_non_conformant",
                target_type: "post",
                target_id: &post_id.to_string(),
                reason_code: Some("integrity_check"),
                note: Some(finding.note()),
            },
        )
        .await?;
    }
    tx.commit().await?;
    if changed {
        if let Err(e) = deps
            .kv
            .bump_generation(&kv::cache::post_family(post_id))
            .await
        {
            tracing::warn!(job = NAME, post_id, error = %e, "post cache invalidation failed");
        }
    }
    Ok(changed)
}
