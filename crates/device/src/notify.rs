//! Raising social notifications (http-api.md §1.10), shared by the api's routes and the player
//! requests (a reaction sent from a player notifies like one made on the web). Producers call
//! [`notify`] after their own transaction commits; it never fails them. Self-actions, pairs
//! with a block in either direction and anything past 720 per hour from one actor to one
//! recipient are dropped silently. Each stored notification is published on Redis so live
//! connections on any api instance receive it.
use chrono::{DateTime, Utc};
use db::notifications::{NewNotification, NotificationRow};
use db::users::UserRow;
use db::PgPool;
use kv::{Kv, Limit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::DeviceError;

const PER_PAIR: Limit = Limit::new("social_notif", 720, 3600);

/// Every notification type; the string is the stored and published `notification_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reaction,
    Comment,
    CommentReply,
    CommentLike,
    Follow,
    PostPromoted,
    PostApproved,
    ModHashtagsUpdated,
    ReputationChange,
    ModeratorGranted,
    ModeratorRevoked,
    NewReport,
    ReportResolved,
    Remix,
    TrustGranted,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reaction => "reaction",
            Kind::Comment => "comment",
            Kind::CommentReply => "comment_reply",
            Kind::CommentLike => "comment_like",
            Kind::Follow => "follow",
            Kind::PostPromoted => "post_promoted",
            Kind::PostApproved => "post_approved",
            Kind::ModHashtagsUpdated => "mod_hashtags_updated",
            Kind::ReputationChange => "reputation_change",
            Kind::ModeratorGranted => "moderator_granted",
            Kind::ModeratorRevoked => "moderator_revoked",
            Kind::NewReport => "new_report",
            Kind::ReportResolved => "report_resolved",
            Kind::Remix => "remix",
            Kind::TrustGranted => "trust_granted",
        }
    }
}

/// One event for one recipient. `actor` is who caused it (none for system events).
pub struct Notice<'a> {
    pub recipient: i32,
    pub kind: Kind,
    pub actor: Option<&'a UserRow>,
    pub post_id: Option<i64>,
    pub emoji: Option<&'a str>,
    pub comment_id: Option<Uuid>,
    /// Shortened to 100 characters here.
    pub comment_preview: Option<&'a str>,
}

impl<'a> Notice<'a> {
    pub fn new(recipient: i32, kind: Kind, actor: Option<&'a UserRow>) -> Self {
        Self {
            recipient,
            kind,
            actor,
            post_id: None,
            emoji: None,
            comment_id: None,
            comment_preview: None,
        }
    }

    pub fn post(mut self, post_id: i64) -> Self {
        self.post_id = Some(post_id);
        self
    }
}

/// The notification shape of http-api.md §2.11 (lists, and the live stream's events).
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

/// Where notifications go: the database, Redis (throttle and live delivery) and the public
/// vault address the post thumbnail (`content_art_url`) is built from.
#[derive(Clone, Copy)]
pub struct Outlet<'a> {
    pub db: &'a PgPool,
    pub kv: &'a Kv,
    pub vault_base_url: &'a str,
}

/// Stores and publishes the notification unless a rule drops it. Returns it when stored.
pub async fn notify(to: Outlet<'_>, n: Notice<'_>) -> Option<Notification> {
    match try_notify(to, &n).await {
        Ok(stored) => stored,
        Err(e) => {
            tracing::warn!(error = %e, kind = n.kind.as_str(), "notification not stored");
            None
        }
    }
}

async fn try_notify(to: Outlet<'_>, n: &Notice<'_>) -> Result<Option<Notification>, DeviceError> {
    if let Some(actor) = n.actor {
        if actor.id == n.recipient
            || db::social::blocked_either_way(to.db, actor.id, n.recipient).await?
        {
            return Ok(None);
        }
        let subject = format!("{}:{}", actor.id, n.recipient);
        // Redis down: better an unthrottled notification than a lost one.
        if let Ok(d) = to.kv.hit(PER_PAIR, &subject).await {
            if !d.allowed {
                return Ok(None);
            }
        }
    }
    let post = match n.post_id {
        Some(id) => db::posts::find_by_id(to.db, id).await?,
        None => None,
    };
    let art_url = post.as_ref().and_then(|p| {
        p.native_format
            .as_deref()
            .map(|f| art_url(to.vault_base_url, &p.storage_key, f))
    });
    let preview: Option<String> = n.comment_preview.map(|c| c.chars().take(100).collect());
    let row = db::notifications::insert(
        to.db,
        &NewNotification {
            user_id: n.recipient,
            notification_type: n.kind.as_str(),
            post_id: post.as_ref().map(|p| p.id),
            actor_id: n.actor.map(|a| a.id),
            actor_handle: n.actor.map(|a| a.handle.as_str()),
            actor_avatar_url: n.actor.and_then(|a| a.avatar_url.as_deref()),
            actor_public_sqid: n.actor.map(|a| a.public_sqid.as_str()),
            emoji: n.emoji,
            comment_id: n.comment_id,
            comment_preview: preview.as_deref(),
            content_title: post.as_ref().map(|p| p.title.as_str()),
            content_sqid: post.as_ref().map(|p| p.public_sqid.as_str()),
            content_art_url: art_url.as_deref(),
        },
    )
    .await?;
    let item = Notification::from(row);
    let published = serde_json::to_string(&Published {
        user_id: n.recipient,
        item: item.clone(),
    });
    // Stored already: if delivery fails the recipient sees it on the next list or reconnect.
    match published {
        Ok(payload) => {
            if let Err(e) = to.kv.publish(kv::pubsub::NOTIFICATIONS, &payload).await {
                tracing::warn!(error = %e, "notification not published");
            }
        }
        Err(e) => tracing::warn!(error = %e, "notification not serialisable"),
    }
    Ok(Some(item))
}

/// `{base}/{shard}/{key}.{ext}` on the v2 vault layout (`.webp` for an unknown format).
pub fn art_url(vault_base: &str, key: &Uuid, native_format: &str) -> String {
    let ext = match native_format {
        "png" => vault::Ext::Png,
        "gif" => vault::Ext::Gif,
        "bmp" => vault::Ext::Bmp,
        _ => vault::Ext::Webp,
    };
    format!(
        "{}/{}",
        vault_base.trim_end_matches('/'),
        vault::relative_path(vault::Area::Artwork, key, ext)
    )
}
