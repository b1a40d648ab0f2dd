//! The post listing query of `GET /v1/post` (http-api.md §2.4) as typed values: sorts, ranges,
//! set filters and the keyset cursor. Feeds (recent, promoted, hashtag, following) are this
//! query with fixed settings, so every listing shares one SQL statement.
use std::str::FromStr;

use chrono::{DateTime, Utc};

/// Every sort `GET /v1/post` accepts; all of them order by a 64-bit key, then by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    CreatedAt,
    Width,
    Height,
    FrameCount,
    UniqueColors,
    FileBytes,
    Reactions,
    ReactedAt,
    Random,
}

impl Sort {
    /// The name the SQL statement switches on (`creation_date` is an alias of `created_at`).
    pub fn as_sql(self) -> &'static str {
        match self {
            Sort::CreatedAt => "created_at",
            Sort::Width => "width",
            Sort::Height => "height",
            Sort::FrameCount => "frame_count",
            Sort::UniqueColors => "unique_colors",
            Sort::FileBytes => "file_bytes",
            Sort::Reactions => "reactions",
            Sort::ReactedAt => "reacted_at",
            Sort::Random => "random",
        }
    }
}

impl FromStr for Sort {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "created_at" | "creation_date" => Sort::CreatedAt,
            "width" => Sort::Width,
            "height" => Sort::Height,
            "frame_count" => Sort::FrameCount,
            "unique_colors" => Sort::UniqueColors,
            "file_bytes" => Sort::FileBytes,
            "reactions" => Sort::Reactions,
            "reacted_at" => Sort::ReactedAt,
            "random" => Sort::Random,
            _ => return Err(()),
        })
    }
}

/// Inclusive bounds; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// Where a keyset page continues: after the row with this sort key and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub id: i64,
    pub sort: i64,
}

/// Who the listing is for, as far as the SQL filter is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Discovery: approved, visible, conformant posts only.
    Discovery,
    /// One member's profile list: pending posts included; hidden ones only when `privileged`
    /// (the viewer is that member or a moderator) and the caller did not ask for `visible_only`.
    Profile { owner_id: i32, privileged: bool },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PostQuery {
    pub hashtag: Option<String>,
    pub promoted: Option<bool>,
    /// Posts the given user reacted to.
    pub reacted_by: Option<i32>,
    /// Posts by people the given user follows.
    pub followed_by: Option<i32>,
    pub sort: Sort,
    pub descending: bool,
    pub width: Range,
    pub height: Range,
    pub file_bytes: Range,
    pub frame_count: Range,
    pub unique_colors: Range,
    pub reactions: Range,
    pub comments: Range,
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    pub has_transparency: Option<bool>,
    pub has_semitransparency: Option<bool>,
    pub file_formats: Vec<String>,
    pub kinds: Vec<String>,
    pub bases: Vec<i32>,
    pub base_gte: Option<i32>,
    pub sizes: Vec<i32>,
    pub size_gte: Option<i32>,
    pub cursor: Option<Cursor>,
    pub limit: u32,
}

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

impl PostQuery {
    /// Newest first, artworks only, first page of `limit`.
    pub fn newest(limit: u32) -> Self {
        Self {
            descending: true,
            kinds: vec!["artwork".into()],
            limit,
            ..Self::default()
        }
    }

    /// Random order has no stable position to continue from.
    pub fn pages(&self) -> bool {
        self.sort != Sort::Random
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_parse_and_unknown_is_rejected() {
        assert_eq!("creation_date".parse::<Sort>(), Ok(Sort::CreatedAt));
        assert_eq!("reacted_at".parse::<Sort>(), Ok(Sort::ReactedAt));
        assert!("title".parse::<Sort>().is_err());
        for s in [Sort::Width, Sort::Random, Sort::FileBytes] {
            assert_eq!(s.as_sql().parse::<Sort>(), Ok(s));
        }
    }
}
