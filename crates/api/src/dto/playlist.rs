//! The `Playlist` shape of http-api.md §2.8. Its `id` is the playlist post's storage key (a
//! UUID, as in the original); `post_ids` are the items this viewer may open, in play order.
use chrono::{DateTime, Utc};
use db::playlists::PlaylistRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Playlist {
    pub id: Uuid,
    pub owner_id: i32,
    pub title: String,
    pub description: Option<String>,
    pub post_ids: Vec<i64>,
    pub visible: bool,
    pub hidden_by_user: bool,
    pub hidden_by_mod: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PlaylistRow> for Playlist {
    fn from(p: PlaylistRow) -> Self {
        Self {
            id: p.storage_key,
            owner_id: p.owner_id,
            title: p.title,
            description: p.description,
            post_ids: p.post_ids,
            visible: p.visible,
            hidden_by_user: p.hidden_by_user,
            hidden_by_mod: p.hidden_by_mod,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}
