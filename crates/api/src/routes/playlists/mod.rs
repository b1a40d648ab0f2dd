//! Playlists (http-api.md §2.8): posts of kind 'playlist' holding an ordered list of artworks,
//! addressed by their storage key. Direct-access rules decide who may open one, as for posts;
//! only the author and moderators may change one.
pub mod create_playlist;
pub mod delete_playlist;
pub mod get_playlist;
pub mod list_playlists;
pub mod update_playlist;

use std::collections::HashMap;

use db::playlists::{PlaylistRow, Reader};
use db::users::UserRow;
use domain::role::can_moderate;
use domain::visibility::{can_access, PostFlags, Viewer};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::routes::posts::{flags as post_flags, viewer};
use crate::state::AppState;

pub const MAX_TITLE_CHARS: usize = 128;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
pub const MAX_POSTS: usize = 100;

/// Missing, deleted and forbidden playlists answer alike, so existence is not revealed.
pub fn playlist_not_found() -> ApiError {
    ApiError::not_found("Playlist not found")
}

/// The reader the item queries filter for, derived from the one visibility viewer.
pub fn reader(v: Viewer) -> Reader {
    match v {
        Viewer::Anonymous => Reader {
            user_id: None,
            moderator: false,
        },
        Viewer::User { id, moderator } => Reader {
            user_id: Some(id),
            moderator,
        },
    }
}

fn flags(p: &PlaylistRow) -> PostFlags {
    PostFlags {
        owner_id: p.owner_id,
        visible: p.visible,
        hidden_by_user: p.hidden_by_user,
        hidden_by_mod: p.hidden_by_mod,
        non_conformant: p.non_conformant,
        public_visibility: p.public_visibility,
        deleted_by_user: p.deleted_by_user,
    }
}

/// The playlist a path key names, if this viewer may open it (anything else is the same 404).
pub async fn visible_playlist(
    state: &AppState,
    me: Option<&UserRow>,
    key: &str,
) -> ApiResult<PlaylistRow> {
    let key = Uuid::parse_str(key).map_err(|_| playlist_not_found())?;
    let v = viewer(me);
    db::playlists::find_by_key(&state.db, key, reader(v))
        .await?
        .filter(|p| can_access(&flags(p), v))
        .ok_or_else(playlist_not_found)
}

/// Author or moderator; others may see the playlist but not change it.
pub fn ensure_can_edit(actor: &UserRow, p: &PlaylistRow) -> ApiResult<()> {
    if actor.id == p.owner_id || can_moderate(&actor.roles) {
        Ok(())
    } else {
        Err(ApiError::forbidden("You cannot modify this playlist"))
    }
}

/// Trimmed title of 1-128 characters.
pub fn title(raw: &str) -> ApiResult<String> {
    let t = raw.trim();
    if t.is_empty() || t.chars().count() > MAX_TITLE_CHARS {
        return Err(ApiError::invalid_field(
            "title",
            format!("title must be 1-{MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(t.to_string())
}

/// Trimmed description of at most 1000 characters; blank means none.
pub fn description(raw: Option<String>) -> ApiResult<Option<String>> {
    let d = raw.map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
    if d.as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(ApiError::invalid_field(
            "description",
            format!("description must be at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(d)
}

/// The items to store for a requested list: at most 100 ids (else 422), every one an existing
/// artwork (else 400). Artworks the actor may not open are dropped silently, so a playlist
/// never reveals or relies on a post its author cannot see. Order and repeats are kept.
pub async fn items(state: &AppState, actor: &UserRow, ids: &[i64]) -> ApiResult<Vec<i64>> {
    if ids.len() > MAX_POSTS {
        return Err(ApiError::invalid_field(
            "post_ids",
            format!("a playlist holds at most {MAX_POSTS} posts"),
        ));
    }
    let rows = db::posts::find_by_ids(&state.db, ids).await?;
    let by_id: HashMap<i64, _> = rows
        .iter()
        .filter(|p| p.kind == "artwork")
        .map(|p| (p.id, p))
        .collect();
    if let Some(unknown) = ids.iter().find(|id| !by_id.contains_key(id)) {
        return Err(ApiError::bad_request(format!("Post {unknown} not found")));
    }
    let v = viewer(Some(actor));
    Ok(ids
        .iter()
        .copied()
        .filter(|id| by_id.get(id).is_some_and(|p| can_access(&post_flags(p), v)))
        .collect())
}
