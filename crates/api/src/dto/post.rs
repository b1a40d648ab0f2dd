//! The `Post` shape of http-api.md §2.4, built from the `PostView` read model.
use chrono::{DateTime, Utc};
use db::post_views::PostView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::user::UserPublic;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostFile {
    pub format: String,
    pub file_bytes: i64,
    pub is_native: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct License {
    pub id: i32,
    pub identifier: String,
    pub title: String,
    pub canonical_url: String,
    pub badge_path: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Post {
    pub id: i64,
    pub storage_key: Uuid,
    pub public_sqid: String,
    pub kind: String,
    pub owner_id: i32,
    pub title: String,
    pub description: Option<String>,
    pub hashtags: Vec<String>,
    pub mod_hashtags: Vec<String>,
    pub art_url: Option<String>,
    pub storage_shard: Option<String>,
    pub native_format: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub file_bytes: Option<i64>,
    pub frame_count: Option<i32>,
    pub min_frame_duration_ms: Option<i32>,
    pub max_frame_duration_ms: Option<i32>,
    pub total_duration_ms: Option<i32>,
    pub unique_colors: Option<i32>,
    pub transparency_meta: bool,
    pub transparency_actual: bool,
    pub alpha_meta: bool,
    pub alpha_actual: bool,
    pub metadata_modified_at: DateTime<Utc>,
    pub artwork_modified_at: DateTime<Utc>,
    pub dwell_time_ms: i32,
    pub visible: bool,
    pub hidden_by_user: bool,
    pub hidden_by_mod: bool,
    pub non_conformant: bool,
    pub public_visibility: bool,
    pub deleted_by_user: bool,
    pub deleted_by_user_date: Option<DateTime<Utc>>,
    pub promoted: bool,
    pub promoted_category: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub owner: UserPublic,
    pub reaction_count: i64,
    pub comment_count: i64,
    pub view_count: i64,
    pub user_has_liked: bool,
    pub files: Vec<PostFile>,
    pub license_id: Option<i32>,
    pub license: Option<License>,
    pub has_mkpx: bool,
    pub mkpx_file_bytes: Option<i64>,
    pub mkpx_attached_at: Option<DateTime<Utc>>,
    pub remixable: bool,
    pub parent_count: i64,
    pub child_count: i64,
}

/// `{VAULT_PUBLIC_BASE_URL}/{shard}/{storage_key}.{ext}`.
pub fn art_url(vault_base: &str, key: &Uuid, native_format: &str) -> String {
    device::notify::art_url(vault_base, key, native_format)
}

impl Post {
    /// The flags visibility depends on, so cached posts can be checked without the row.
    pub fn flags(&self) -> domain::visibility::PostFlags {
        domain::visibility::PostFlags {
            owner_id: self.owner_id,
            visible: self.visible,
            hidden_by_user: self.hidden_by_user,
            hidden_by_mod: self.hidden_by_mod,
            non_conformant: self.non_conformant,
            public_visibility: self.public_visibility,
            deleted_by_user: self.deleted_by_user,
        }
    }

    pub fn from_view(v: PostView, vault_base: &str) -> Self {
        let p = v.post;
        Self {
            art_url: p
                .native_format
                .as_deref()
                .map(|f| art_url(vault_base, &p.storage_key, f)),
            id: p.id,
            storage_key: p.storage_key,
            public_sqid: p.public_sqid,
            kind: p.kind,
            owner_id: p.owner_id,
            title: p.title,
            description: p.description,
            hashtags: p.hashtags,
            mod_hashtags: p.mod_hashtags,
            storage_shard: p.storage_shard,
            native_format: p.native_format,
            width: p.width,
            height: p.height,
            file_bytes: p.file_bytes,
            frame_count: p.frame_count,
            min_frame_duration_ms: p.min_frame_duration_ms,
            max_frame_duration_ms: p.max_frame_duration_ms,
            total_duration_ms: p.total_duration_ms,
            unique_colors: p.unique_colors,
            transparency_meta: p.transparency_meta,
            transparency_actual: p.transparency_actual,
            alpha_meta: p.alpha_meta,
            alpha_actual: p.alpha_actual,
            metadata_modified_at: p.metadata_modified_at,
            artwork_modified_at: p.artwork_modified_at,
            dwell_time_ms: p.dwell_time_ms,
            visible: p.visible,
            hidden_by_user: p.hidden_by_user,
            hidden_by_mod: p.hidden_by_mod,
            non_conformant: p.non_conformant,
            public_visibility: p.public_visibility,
            deleted_by_user: p.deleted_by_user,
            deleted_by_user_date: p.deleted_by_user_date,
            promoted: p.promoted,
            promoted_category: p.promoted_category,
            created_at: p.created_at,
            updated_at: p.updated_at,
            owner: UserPublic::from(&v.owner),
            reaction_count: i64::from(p.reaction_count),
            comment_count: i64::from(p.comment_count),
            view_count: p.view_count,
            user_has_liked: false,
            files: v
                .files
                .into_iter()
                .map(|f| PostFile {
                    format: f.format,
                    file_bytes: f.file_bytes,
                    is_native: f.is_native,
                })
                .collect(),
            license_id: p.license_id,
            license: v.license.map(|l| License {
                id: l.id,
                identifier: l.identifier,
                title: l.title,
                canonical_url: l.canonical_url,
                badge_path: l.badge_path,
            }),
            has_mkpx: false,
            mkpx_file_bytes: None,
            mkpx_attached_at: None,
            remixable: p.remixable,
            parent_count: 0,
            child_count: 0,
        }
    }
}
