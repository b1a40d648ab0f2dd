//! `GET /v1/auth/me`: the caller with roles, capabilities and quotas (read without consuming).
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use domain::limits;
use serde::Serialize;
use utoipa::ToSchema;

use crate::dto::user::UserFull;
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Capabilities {
    can_post_public: bool,
    can_moderate: bool,
    can_own_players: bool,
}

#[derive(Serialize, ToSchema)]
pub struct StorageQuota {
    used_bytes: i64,
    limit_bytes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct UploadQuota {
    window: &'static str,
    limit: u32,
    remaining: u32,
    reset_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct PlayerQuota {
    used: i64,
    limit: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Quotas {
    storage: StorageQuota,
    uploads: UploadQuota,
    players: PlayerQuota,
}

#[derive(Serialize, ToSchema)]
pub struct ModerationState {
    banned_until: Option<DateTime<Utc>>,
    deactivated: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    user: UserFull,
    roles: Vec<String>,
    capabilities: Capabilities,
    quotas: Quotas,
    moderation: ModerationState,
    needs_welcome: bool,
}

/// The upload limit shares its name with the upload handler's limiter.
pub fn upload_limit(reputation: i32) -> kv::Limit {
    kv::Limit::new("upload", limits::uploads_per_hour(reputation), 3600)
}

#[utoipa::path(get, path = "/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, description = "unauthorized")))]
pub async fn me(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<MeResponse>> {
    let limit = upload_limit(user.reputation);
    let peek = state.kv.peek(limit, &user.id.to_string()).await.ok();
    let uploads = UploadQuota {
        window: "1h",
        limit: limit.max,
        remaining: peek.map_or(limit.max, |d| d.remaining),
        reset_at: Utc::now() + Duration::seconds(peek.map_or(3600, |d| d.reset_secs as i64)),
    };
    let used_bytes = db::post_views::storage_used(&state.db, user.id).await?;
    let roles = user.roles.clone();
    Ok(Json(MeResponse {
        capabilities: Capabilities {
            can_post_public: user.auto_public_approval || domain::role::can_moderate(&roles),
            can_moderate: domain::role::can_moderate(&roles),
            can_own_players: user.email_verified,
        },
        quotas: Quotas {
            storage: StorageQuota {
                used_bytes,
                limit_bytes: limits::storage_limit_bytes(user.reputation),
            },
            uploads,
            // Players arrive with the device plane; until then nobody owns one.
            players: PlayerQuota {
                used: 0,
                limit: limits::MAX_PLAYERS_PER_USER,
            },
        },
        moderation: ModerationState {
            banned_until: user.banned_until,
            deactivated: user.deactivated,
        },
        needs_welcome: !user.welcome_completed,
        user: UserFull::from(&user),
        roles,
    }))
}
