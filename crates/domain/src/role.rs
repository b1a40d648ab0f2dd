//! Site roles. The owner is also a moderator; moderators pass ownership checks.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Moderator,
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Moderator => "moderator",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "user" => Some(Role::User),
            "moderator" => Some(Role::Moderator),
            "owner" => Some(Role::Owner),
            _ => None,
        }
    }
}

/// True when the stored role list grants moderation (moderator or owner).
pub fn can_moderate(roles: &[String]) -> bool {
    roles.iter().any(|r| r == "moderator" || r == "owner")
}

pub fn is_owner(roles: &[String]) -> bool {
    roles.iter().any(|r| r == "owner")
}
