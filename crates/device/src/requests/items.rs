//! Post items as players receive them (§3.3): artwork items with the requested optional
//! fields, playlist items with their visible artworks, art URLs on the v2 vault layout.
use std::collections::HashMap;

use db::player_feed_lookups::{playlist_artworks, playlist_sizes};
use db::player_query::PlayerPostRow;
use protocol::request::IncludeFields;
use protocol::response::{iso, ArtworkItem, PlaylistItem, PostItem};
use uuid::Uuid;

use crate::{Ctx, DeviceError};

const DEFAULT_DWELL_MS: i32 = 30_000;

/// The v2 shard and `{base}/{shard}/{key}.{ext}`, `ext` being the native format (`.webp`, the
/// rendition every artwork has, when it is unknown).
fn location(ctx: &Ctx, key: &Uuid, native: Option<&str>) -> (String, String) {
    let ext = match native {
        Some("png") => vault::Ext::Png,
        Some("gif") => vault::Ext::Gif,
        Some("bmp") => vault::Ext::Bmp,
        _ => vault::Ext::Webp,
    };
    let url = format!(
        "{}/{}",
        ctx.vault_base_url.trim_end_matches('/'),
        vault::relative_path(vault::Area::Artwork, key, ext)
    );
    (vault::shard(key), url)
}

/// An artwork item; `dwell` overrides the post's own dwell time (a playlist item's setting).
pub fn artwork(
    ctx: &Ctx,
    r: &PlayerPostRow,
    inc: IncludeFields,
    dwell: Option<i32>,
) -> ArtworkItem {
    let (storage_shard, art_url) = location(ctx, &r.storage_key, r.native_format.as_deref());
    ArtworkItem {
        post_id: r.id,
        kind: "artwork",
        created_at: iso(r.created_at),
        storage_key: r.storage_key,
        art_url,
        storage_shard,
        native_format: r.native_format.clone(),
        owner_handle: inc.owner_handle.then(|| r.owner_handle.clone()),
        metadata_modified_at: inc
            .metadata_modified_at
            .then(|| iso(r.metadata_modified_at)),
        artwork_modified_at: inc.artwork_modified_at.then(|| iso(r.artwork_modified_at)),
        width: r.width.filter(|_| inc.width),
        height: r.height.filter(|_| inc.height),
        frame_count: inc.frame_count.then(|| r.frame_count.unwrap_or(1)),
        dwell_time_ms: inc.dwell_time_ms.then(|| dwell.unwrap_or(r.dwell_time_ms)),
        transparency_actual: inc.transparency_actual.then_some(r.transparency_actual),
        alpha_actual: inc.alpha_actual.then_some(r.alpha_actual),
    }
}

/// Who may see what inside playlists: the same rule as the channel the playlist came from.
#[derive(Debug, Clone, Copy)]
pub struct Visibility<'a> {
    pub private_ok_for: Option<i32>,
    pub hidden_tags: &'a [String],
}

/// Items for these rows, in order. Playlists get their visible artworks (with every optional
/// field, since the p3a reads them there) from one query for the whole page.
pub async fn render(
    ctx: &Ctx,
    rows: &[PlayerPostRow],
    inc: IncludeFields,
    vis: Visibility<'_>,
) -> Result<Vec<PostItem>, DeviceError> {
    let playlist_ids: Vec<i64> = rows
        .iter()
        .filter(|r| r.kind == "playlist")
        .map(|r| r.id)
        .collect();
    let mut contents: HashMap<i64, Vec<ArtworkItem>> = HashMap::new();
    let mut sizes: HashMap<i64, i64> = HashMap::new();
    if !playlist_ids.is_empty() {
        for a in
            playlist_artworks(&ctx.db, &playlist_ids, vis.private_ok_for, vis.hidden_tags).await?
        {
            let item = artwork(ctx, &a.post, IncludeFields::ALL, a.item_dwell_time_ms);
            contents.entry(a.playlist_id).or_default().push(item);
        }
        sizes.extend(playlist_sizes(&ctx.db, &playlist_ids).await?);
    }
    Ok(rows
        .iter()
        .map(|r| {
            if r.kind == "playlist" {
                PostItem::Playlist(PlaylistItem {
                    post_id: r.id,
                    kind: "playlist",
                    owner_handle: r.owner_handle.clone(),
                    created_at: iso(r.created_at),
                    metadata_modified_at: iso(r.metadata_modified_at),
                    total_artworks: sizes.get(&r.id).copied().unwrap_or(0),
                    dwell_time_ms: if r.dwell_time_ms > 0 {
                        r.dwell_time_ms
                    } else {
                        DEFAULT_DWELL_MS
                    },
                    artworks: contents.remove(&r.id).unwrap_or_default(),
                })
            } else {
                PostItem::Artwork(artwork(ctx, r, inc, None))
            }
        })
        .collect())
}
