//! `UserPublic` and `UserFull`, the user shapes of http-api.md §2.2.
use chrono::{DateTime, Utc};
use db::users::UserRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Badge {
    pub badge: String,
    pub granted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserPublic {
    pub id: i32,
    pub user_key: Uuid,
    pub public_sqid: String,
    pub handle: String,
    pub bio: Option<String>,
    pub tagline: Option<String>,
    pub website: Option<String>,
    pub avatar_url: Option<String>,
    pub badges: Vec<Badge>,
    pub reputation: i32,
    pub hidden_by_user: bool,
    pub hidden_by_mod: bool,
    pub non_conformant: bool,
    pub deactivated: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserFull {
    #[serde(flatten)]
    pub public: UserPublic,
    pub email: String,
    pub email_verified: bool,
    pub welcome_completed: bool,
    pub banned_until: Option<DateTime<Utc>>,
    pub roles: Vec<String>,
    pub auto_public_approval: bool,
    pub approved_hashtags: Vec<String>,
}

impl From<&UserRow> for UserPublic {
    fn from(u: &UserRow) -> Self {
        Self {
            id: u.id,
            user_key: u.user_key,
            public_sqid: u.public_sqid.clone(),
            handle: u.handle.clone(),
            bio: u.bio.clone(),
            tagline: u.tagline.clone(),
            website: u.website.clone(),
            avatar_url: u.avatar_url.clone(),
            badges: Vec::new(),
            reputation: u.reputation,
            hidden_by_user: u.hidden_by_user,
            hidden_by_mod: u.hidden_by_mod,
            non_conformant: u.non_conformant,
            deactivated: u.deactivated,
            created_at: u.created_at,
        }
    }
}

impl From<&UserRow> for UserFull {
    fn from(u: &UserRow) -> Self {
        Self {
            public: UserPublic::from(u),
            email: u.email.clone(),
            email_verified: u.email_verified,
            welcome_completed: u.welcome_completed,
            banned_until: u.banned_until,
            roles: u.roles.clone(),
            auto_public_approval: u.auto_public_approval,
            approved_hashtags: u.approved_hashtags.clone(),
        }
    }
}
