//! Raising social notifications (http-api.md §1.10). Producers call [`notify`] after their
//! own transaction commits; it never fails them. Self-actions, pairs with a block in either
//! direction and anything past 720 per hour from one actor to one recipient are dropped
//! silently. Each stored notification is published on Redis so live connections on any api
//! instance receive it.
use db::notifications::NewNotification;
use db::users::UserRow;
use kv::Limit;
use uuid::Uuid;

use crate::dto::notification::{Notification, Published};
use crate::state::AppState;

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

/// Stores and publishes the notification unless a rule drops it. Returns it when stored.
pub async fn notify(state: &AppState, n: Notice<'_>) -> Option<Notification> {
    match try_notify(state, &n).await {
        Ok(stored) => stored,
        Err(e) => {
            tracing::warn!(error = %e, kind = n.kind.as_str(), "notification not stored");
            None
        }
    }
}

async fn try_notify(state: &AppState, n: &Notice<'_>) -> anyhow::Result<Option<Notification>> {
    if let Some(actor) = n.actor {
        if actor.id == n.recipient
            || db::social::blocked_either_way(&state.db, actor.id, n.recipient).await?
        {
            return Ok(None);
        }
        let subject = format!("{}:{}", actor.id, n.recipient);
        // Redis down: better an unthrottled notification than a lost one.
        if let Ok(d) = state.kv.hit(PER_PAIR, &subject).await {
            if !d.allowed {
                return Ok(None);
            }
        }
    }
    let post = match n.post_id {
        Some(id) => db::posts::find_by_id(&state.db, id).await?,
        None => None,
    };
    let art_url = post.as_ref().and_then(|p| {
        p.native_format.as_deref().map(|f| {
            crate::dto::post::art_url(&state.config.vault_public_base_url, &p.storage_key, f)
        })
    });
    let preview: Option<String> = n.comment_preview.map(|c| c.chars().take(100).collect());
    let row = db::notifications::insert(
        &state.db,
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
    let payload = serde_json::to_string(&Published {
        user_id: n.recipient,
        item: item.clone(),
    })?;
    if let Err(e) = state.kv.publish(kv::pubsub::NOTIFICATIONS, &payload).await {
        // Stored already: the recipient sees it on the next list or reconnect.
        tracing::warn!(error = %e, "notification not published");
    }
    Ok(Some(item))
}
