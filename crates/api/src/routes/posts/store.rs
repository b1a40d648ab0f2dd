//! Writes a new artwork: the post row, its native `post_files` row and the vault file, so that
//! either all of them exist or none (the file is removed if the transaction does not commit).
use db::users::UserRow;
use media::Inspection;
use uuid::Uuid;
use vault::{Area, Ext};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub struct Meta<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub hashtags: &'a [String],
    pub hidden_by_user: bool,
    pub public_visibility: bool,
    pub license_id: Option<i32>,
}

pub fn ext_of(format: &str) -> Ext {
    match format {
        "png" => Ext::Png,
        "gif" => Ext::Gif,
        "bmp" => Ext::Bmp,
        _ => Ext::Webp,
    }
}

pub(super) fn as_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The stored facts of an inspected file under a storage key.
pub(super) fn facts<'a>(
    insp: &'a Inspection,
    key: Uuid,
    shard: &'a str,
) -> db::posts::ArtworkFacts<'a> {
    db::posts::ArtworkFacts {
        storage_key: key,
        storage_shard: shard,
        native_format: insp.native_format.extension(),
        width: as_i32(insp.width),
        height: as_i32(insp.height),
        file_bytes: insp.file_bytes as i64,
        frame_count: as_i32(insp.frame_count),
        min_frame_duration_ms: insp.min_frame_duration_ms.map(as_i32),
        max_frame_duration_ms: insp.max_frame_duration_ms.map(as_i32),
        total_duration_ms: insp.total_duration_ms.map(as_i32),
        unique_colors: as_i32(insp.unique_colors),
        transparency_meta: insp.transparency_meta,
        alpha_meta: insp.alpha_meta,
        transparency_actual: insp.transparency_actual,
        alpha_actual: insp.alpha_actual,
        hash: &insp.sha256,
    }
}

/// Maps a failed write of the file facts: losing the race with an identical upload on
/// `uq_posts_hash_active` answers as the duplicate pre-check would have; the rest pass through.
pub(super) async fn lost_hash_race(state: &AppState, e: db::DbError, sha256: &str) -> ApiError {
    match e {
        db::DbError::Conflict { constraint } if constraint == "uq_posts_hash_active" => {
            match db::posts::find_live_by_hash(&state.db, sha256).await {
                Ok(found) => {
                    let (pid, psqid) = found.unwrap_or((0, String::new()));
                    super::upload::duplicate(pid, &psqid)
                }
                Err(e) => e.into(),
            }
        }
        other => other.into(),
    }
}

/// Returns the new post's id and storage key.
pub async fn store_new_artwork(
    state: &AppState,
    user: &UserRow,
    insp: &Inspection,
    bytes: &[u8],
    meta: Meta<'_>,
) -> ApiResult<(i64, Uuid)> {
    let key = Uuid::new_v4();
    let shard = vault::shard(&key);
    let format = insp.native_format.extension();
    let ext = ext_of(format);
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let id = db::posts::next_id(&mut tx).await?;
    let sqid = state.sqids.encode(id);
    let res = db::posts::insert_artwork(
        &mut tx,
        &db::posts::NewArtwork {
            id,
            public_sqid: &sqid,
            owner_id: user.id,
            title: meta.title,
            description: meta.description,
            hashtags: meta.hashtags,
            hidden_by_user: meta.hidden_by_user,
            public_visibility: meta.public_visibility,
            license_id: meta.license_id,
            file: facts(insp, key, &shard),
        },
    )
    .await;
    if let Err(e) = res {
        drop(tx);
        return Err(lost_hash_race(state, e, &insp.sha256).await);
    }
    db::posts::upsert_file(&mut tx, id, format, insp.file_bytes as i64, true).await?;
    state.vault.write(Area::Artwork, &key, ext, bytes).await?;
    if let Err(e) = tx.commit().await {
        let _ = state.vault.delete(Area::Artwork, &key, ext).await;
        return Err(ApiError::internal(e));
    }
    Ok((id, key))
}
