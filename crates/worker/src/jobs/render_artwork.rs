//! The `render_artwork` consumer: writes the web renditions of a post's artwork (every post
//! gets `.webp`; still images also png/gif/bmp; animations also gif) and the nearest-neighbour
//! `_upscaled.webp`, then records them in `post_files`. Idempotent: rerunning rewrites the same
//! files and rows. If the post was deleted or its artwork replaced meanwhile, the files written
//! are removed again and nothing is recorded.
use std::future::Future;
use std::time::Duration;

use apalis::prelude::{Attempt, BoxDynError, Data, WorkerBuilder, WorkerBuilderExt};
use apalis_core::error::WorkerError;
use jobs::RenderArtwork;
use media::Format;
use vault::{Area, Ext};

use super::{catch_panic, storage, worker_name, Retry};
use crate::Deps;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendered {
    Done {
        files: usize,
    },
    /// The post is gone or soft-deleted.
    Gone,
    /// The artwork was replaced since the job was queued; the newer job renders it.
    Stale,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderJobError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(transparent)]
    Vault(#[from] vault::VaultError),
    #[error("stored artwork no longer inspects: {0}")]
    Inspect(#[from] media::InspectError),
    #[error("rendering failed: {0}")]
    Render(#[from] media::render::RenderError),
    #[error("render task failed: {0}")]
    Task(String),
}

fn ext(format: Format) -> Ext {
    match format {
        Format::Png => Ext::Png,
        Format::Gif => Ext::Gif,
        Format::Webp => Ext::Webp,
        Format::Bmp => Ext::Bmp,
    }
}

fn native_ext(native: &str) -> (Ext, &'static str) {
    match native {
        "gif" => (Ext::Gif, "gif"),
        "webp" => (Ext::Webp, "webp"),
        "bmp" => (Ext::Bmp, "bmp"),
        _ => (Ext::Png, "png"),
    }
}

pub async fn render(deps: &Deps, job: &RenderArtwork) -> Result<Rendered, RenderJobError> {
    let Some(post) = db::posts::find_by_id(&deps.pool, job.post_id).await? else {
        return Ok(Rendered::Gone);
    };
    if post.deleted_by_user {
        return Ok(Rendered::Gone);
    }
    if post.storage_key != job.storage_key {
        return Ok(Rendered::Stale);
    }
    let key = job.storage_key;
    let (native, name) = native_ext(post.native_format.as_deref().unwrap_or("png"));
    let bytes = deps.vault.read(Area::Artwork, &key, native).await?;
    let (variants, upscaled) = tokio::task::spawn_blocking(move || {
        let insp = media::inspect(&format!("artwork.{name}"), &bytes)?;
        let variants = media::render::variants(&insp, &bytes)?;
        let upscaled = media::render::upscaled_webp(&insp, &bytes)?;
        Ok::<_, RenderJobError>((variants, upscaled))
    })
    .await
    .map_err(|e| RenderJobError::Task(e.to_string()))??;

    let mut outputs: Vec<(Ext, &str, Vec<u8>)> = variants
        .into_iter()
        .map(|(f, data)| (ext(f), f.extension(), data))
        .collect();
    outputs.push((Ext::UpscaledWebp, "upscaled_webp", upscaled));
    for (e, _, data) in &outputs {
        deps.vault.write(Area::Artwork, &key, *e, data).await?;
    }

    let mut tx = deps.pool.begin().await.map_err(db::DbError::from)?;
    let live = db::posts::lock_live_key(&mut tx, job.post_id).await?;
    if live != Some(key) {
        drop(tx);
        for (e, _, _) in &outputs {
            deps.vault.delete(Area::Artwork, &key, *e).await?;
        }
        return Ok(if live.is_none() {
            Rendered::Gone
        } else {
            Rendered::Stale
        });
    }
    for (_, format, data) in &outputs {
        db::posts::upsert_file(&mut tx, job.post_id, format, data.len() as i64, false).await?;
    }
    tx.commit().await.map_err(db::DbError::from)?;
    // Permalinks and listings cached before now list only the native file; the files are
    // already recorded, so a Redis hiccup only delays the new list until the cache TTL.
    for family in [
        kv::cache::post_family(job.post_id),
        kv::cache::FEEDS.to_string(),
    ] {
        if let Err(e) = deps.kv.bump_generation(&family).await {
            tracing::warn!(post_id = job.post_id, error = %e, "cache invalidation failed");
        }
    }
    Ok(Rendered::Done {
        files: outputs.len(),
    })
}

async fn handle(job: RenderArtwork, deps: Data<Deps>, attempt: Attempt) -> Result<(), BoxDynError> {
    let post_id = job.post_id;
    match render(&deps, &job).await {
        Ok(outcome) => {
            metrics::counter!("worker_job_runs_total", "job" => RenderArtwork::QUEUE, "outcome" => "ok").increment(1);
            tracing::info!(post_id, ?outcome, "renditions done");
            Ok(())
        }
        Err(e) => {
            metrics::counter!("worker_job_runs_total", "job" => RenderArtwork::QUEUE, "outcome" => "error").increment(1);
            tracing::warn!(post_id, attempt = attempt.current(), error = %e, "rendering failed");
            Err(e.into())
        }
    }
}

/// Consumes the queue until `stop` resolves or the backend fails.
pub(crate) async fn run_worker(
    deps: Deps,
    retry: Retry,
    stop: impl Future<Output = std::io::Result<()>> + Send + 'static,
) -> Result<(), WorkerError> {
    WorkerBuilder::new(worker_name(RenderArtwork::QUEUE))
        .backend(storage::<RenderArtwork>(&deps, RenderArtwork::QUEUE))
        .retry(retry)
        .timeout(ATTEMPT_TIMEOUT)
        .enable_tracing()
        .layer(catch_panic())
        .data(deps)
        .build(handle)
        .run_until(stop)
        .await
}
