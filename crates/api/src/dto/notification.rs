//! The notification shape of http-api.md §2.11.
use chrono::{DateTime, Utc};
use db::notifications::NotificationRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub user_id: i32,
    pub notification_type: String,
    pub post_id: Option<i64>,
    pub actor_handle: Option<String>,
    pub actor_avatar_url: Option<String>,
    pub actor_public_sqid: Option<String>,
    pub emoji: Option<String>,
    pub comment_id: Option<Uuid>,
    pub comment_preview: Option<String>,
    pub content_title: Option<String>,
    pub content_sqid: Option<String>,
    pub content_art_url: Option<String>,
    pub is_read: bool,
    pub created_at: DateTime<Utc>,
}

impl From<NotificationRow> for Notification {
    fn from(r: NotificationRow) -> Self {
        Self {
            id: r.id,
            user_id: r.user_id,
            notification_type: r.notification_type,
            post_id: r.post_id,
            actor_handle: r.actor_handle,
            actor_avatar_url: r.actor_avatar_url,
            actor_public_sqid: r.actor_public_sqid,
            emoji: r.emoji,
            comment_id: r.comment_id,
            comment_preview: r.comment_preview,
            content_title: r.content_title,
            content_sqid: r.content_sqid,
            content_art_url: r.content_art_url,
            is_read: r.is_read,
            created_at: r.created_at,
        }
    }
}

/// What travels on the notifications channel to every api instance's live connections.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Published {
    pub user_id: i32,
    pub item: Notification,
}
