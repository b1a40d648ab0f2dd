//! Reports (http-api.md §2.12): anyone flags a user, post or comment; moderators list them and
//! resolve them, which can hide, take down or ban. Anonymous reporters are known only by a
//! salted hash of their address, forgotten after 30 days.
pub mod actions;
pub mod alert;
pub mod create_report;
pub mod list_reports;
pub mod update_report;

use chrono::{DateTime, Utc};
use db::reports::ReportRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;

/// The longest reporter or moderator note, in characters.
pub const MAX_NOTES: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TargetType {
    User,
    Post,
    Comment,
}

impl TargetType {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetType::User => "user",
            TargetType::Post => "post",
            TargetType::Comment => "comment",
        }
    }
}

/// A reported thing, by the id kind its type uses: post id, comment UUID, user sqid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    User(String),
    Post(i64),
    Comment(Uuid),
}

impl Target {
    /// Parses a client's `target_id`; a malformed post or comment id is a 422.
    pub fn parse(kind: TargetType, raw: &str) -> Result<Self, ApiError> {
        let raw = raw.trim();
        match kind {
            TargetType::User => Ok(Target::User(raw.to_string())),
            TargetType::Post => raw.parse().map(Target::Post).map_err(|_| {
                ApiError::invalid_field("target_id", "Post target_id must be an integer id")
            }),
            TargetType::Comment => Uuid::parse_str(raw).map(Target::Comment).map_err(|_| {
                ApiError::invalid_field("target_id", "Comment target_id must be a UUID")
            }),
        }
    }

    /// Reads back a stored report's target (stored ids were parsed on the way in).
    pub fn from_stored(kind: &str, id: &str) -> Option<Self> {
        let kind = match kind {
            "user" => TargetType::User,
            "post" => TargetType::Post,
            "comment" => TargetType::Comment,
            _ => return None,
        };
        Self::parse(kind, id).ok()
    }

    pub fn kind(&self) -> TargetType {
        match self {
            Target::User(_) => TargetType::User,
            Target::Post(_) => TargetType::Post,
            Target::Comment(_) => TargetType::Comment,
        }
    }

    /// The canonical stored form (`007` is stored as `7`, UUIDs hyphenated lower-case).
    pub fn id_string(&self) -> String {
        match self {
            Target::User(sqid) => sqid.clone(),
            Target::Post(id) => id.to_string(),
            Target::Comment(id) => id.to_string(),
        }
    }
}

/// `Report` of http-api.md §2.12.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    pub id: Uuid,
    pub target_type: String,
    pub target_id: String,
    pub reason_code: String,
    /// The reporter's text; never changed by moderators.
    pub notes: Option<String>,
    pub mod_notes: Option<String>,
    /// `open`, `triaged` or `resolved`.
    pub status: String,
    /// `hide`, `take_down`, `ban` or `none` once a moderator decided.
    pub action_taken: Option<String>,
    /// None for anonymous reports.
    pub reporter_handle: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ReportRow> for Report {
    fn from(r: ReportRow) -> Self {
        Self {
            id: r.id,
            target_type: r.target_type,
            target_id: r.target_id,
            reason_code: r.reason_code,
            notes: r.notes,
            mod_notes: r.mod_notes,
            status: r.status,
            action_taken: r.action_taken,
            reporter_handle: r.reporter_handle,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub fn report_not_found() -> ApiError {
    ApiError::not_found("Report not found")
}

pub fn target_not_found() -> ApiError {
    ApiError::not_found("Report target not found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_by_kind() {
        assert_eq!(
            Target::parse(TargetType::Post, " 007 ").unwrap(),
            Target::Post(7)
        );
        assert_eq!(Target::Post(7).id_string(), "7");
        let e = Target::parse(TargetType::Post, "abc").unwrap_err();
        assert_eq!(e.code, "validation_error");
        let e = Target::parse(TargetType::Comment, "12").unwrap_err();
        assert_eq!(e.code, "validation_error");
        let id = Uuid::new_v4();
        assert_eq!(
            Target::from_stored("comment", &id.to_string()),
            Some(Target::Comment(id))
        );
        assert_eq!(
            Target::parse(TargetType::User, "aB3").unwrap(),
            Target::User("aB3".into())
        );
        assert_eq!(Target::from_stored("blog", "1"), None);
    }
}
