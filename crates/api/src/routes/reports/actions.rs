//! What resolving a report does to its target, inside the resolution's transaction and with
//! its audit entry: `hide` sets the moderator's hidden flag; `take_down` (alias `delete`)
//! makes a post invisible to all but its author and moderators, or blanks a comment; `ban`
//! bans the account (a reported user, or the author of the post or comment) for 7 days.
use chrono::{Duration, Utc};
use db::reports::ReportRow;
use db::users::UserRow;
use db::PgConnection;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{target_not_found, Target};
use crate::error::{ApiError, ApiResult};
use crate::routes::admin::{audit_user, ban, ensure_can_sanction, lock_user};
use crate::state::AppState;

/// How long a ban from report resolution lasts.
pub const REPORT_BAN_DAYS: i64 = 7;
/// What a taken-down comment shows instead of its text (the text is kept for moderators).
pub const COMMENT_TAKEN_DOWN: &str = "[deleted by moderator]";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Hide,
    /// `delete` is accepted as another name: nothing is destroyed, so it is stored as this.
    #[serde(alias = "delete")]
    TakeDown,
    Ban,
    None,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Hide => "hide",
            Action::TakeDown => "take_down",
            Action::Ban => "ban",
            Action::None => "none",
        }
    }
}

/// What changed, so the caches can be told after commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Nothing,
    /// A post's visibility.
    Post(i64),
    /// A comment on this post (its counters and thread).
    CommentOn(i64),
    /// An account's standing, which listings filter on.
    Account,
}

/// The moderator's reason, as audit entries record it.
pub struct Why<'a> {
    pub actor: &'a UserRow,
    pub report: &'a ReportRow,
    pub note: &'a str,
}

impl Why<'_> {
    async fn audit(
        &self,
        conn: &mut PgConnection,
        action: &str,
        target_type: &str,
        target_id: &str,
    ) -> ApiResult<()> {
        let entry = db::audit::AuditEntry {
            actor_id: Some(self.actor.id),
            action,
            target_type,
            target_id,
            reason_code: Some(&self.report.reason_code),
            note: Some(self.note),
        };
        Ok(db::audit::record(conn, entry).await?)
    }
}

fn not_applicable(msg: &str) -> ApiError {
    ApiError::invalid_field("action_taken", msg)
}

/// Applies `action` to the report's target. `none` changes nothing.
pub async fn apply(
    conn: &mut PgConnection,
    state: &AppState,
    why: &Why<'_>,
    action: Action,
) -> ApiResult<Effect> {
    if action == Action::None {
        return Ok(Effect::Nothing);
    }
    let report = why.report;
    let target =
        Target::from_stored(&report.target_type, &report.target_id).ok_or_else(target_not_found)?;
    match target {
        Target::User(sqid) => {
            let id = state
                .sqids
                .decode_user(&sqid)
                .ok_or_else(target_not_found)?;
            let user = db::users::lock_by_id(conn, id)
                .await?
                .filter(|u| u.public_sqid == sqid)
                .ok_or_else(target_not_found)?;
            match action {
                Action::Hide => {
                    ensure_can_sanction(why.actor, &user)?;
                    db::moderation::set_user_hidden_by_mod(conn, user.id, true).await?;
                    let reason = Some(report.reason_code.as_str());
                    audit_user(conn, why.actor, "hide_user", &user, reason, Some(why.note)).await?;
                    Ok(Effect::Account)
                }
                Action::Ban => ban_for_report(conn, why, user.id).await,
                _ => Err(not_applicable("take_down applies to posts and comments")),
            }
        }
        Target::Post(id) => {
            let post = db::post_edits::lock(conn, id)
                .await?
                .ok_or_else(target_not_found)?;
            let post_id = id.to_string();
            match action {
                Action::Hide => {
                    db::post_edits::set_hidden_by_mod(conn, id, true).await?;
                    why.audit(conn, "hide_post", "post", &post_id).await?;
                    Ok(Effect::Post(id))
                }
                Action::TakeDown => {
                    db::moderation::take_down_post(conn, id).await?;
                    why.audit(conn, "take_down_post", "post", &post_id).await?;
                    Ok(Effect::Post(id))
                }
                _ => ban_for_report(conn, why, post.owner_id).await,
            }
        }
        Target::Comment(id) => {
            let comment = db::moderation::lock_comment(conn, id)
                .await?
                .ok_or_else(target_not_found)?;
            let comment_id = id.to_string();
            match action {
                Action::Hide => {
                    db::moderation::hide_comment(conn, id).await?;
                    why.audit(conn, "hide_comment", "comment", &comment_id)
                        .await?;
                    Ok(Effect::CommentOn(comment.post_id))
                }
                Action::TakeDown => {
                    db::moderation::take_down_comment(conn, id, COMMENT_TAKEN_DOWN).await?;
                    why.audit(conn, "take_down_comment", "comment", &comment_id)
                        .await?;
                    Ok(Effect::CommentOn(comment.post_id))
                }
                _ => match comment.author_id {
                    Some(author) => ban_for_report(conn, why, author).await,
                    None => Err(not_applicable("A guest's comment has no account to ban")),
                },
            }
        }
    }
}

/// A 7-day ban, unless the account is already banned for longer (a report never shortens a
/// ban a moderator set).
async fn ban_for_report(conn: &mut PgConnection, why: &Why<'_>, user_id: i32) -> ApiResult<Effect> {
    let user = lock_user(conn, user_id).await?;
    ensure_can_sanction(why.actor, &user)?;
    let week = Utc::now() + Duration::days(REPORT_BAN_DAYS);
    let until = user.banned_until.filter(|u| *u > week).unwrap_or(week);
    let reason = Some(why.report.reason_code.as_str());
    ban(conn, why.actor, &user, until, reason, Some(why.note)).await?;
    Ok(Effect::Account)
}
