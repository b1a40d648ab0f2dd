//! `POST /v1/admin/user/{user_key}/ban`: bans an account for 1-365 days, or for good when no
//! duration is given. The ban bites on the user's next request and their sessions end.
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ban, bounded, ensure_can_sanction, lock_user, permanent_ban_until, ModUser};
use crate::error::{ApiError, ApiResult};
use crate::routes::posts::edits::optional_json;
use crate::routes::users::{begin, commit, user_by_key};
use crate::state::AppState;

const MAX_DAYS: i64 = 365;
const MAX_TEXT: usize = 2000;
const MAX_REASON_CODE: usize = 64;

/// Every field is optional, and so is the body.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct BanBody {
    /// Free text; kept as the audit note when `note` is absent.
    pub reason: Option<String>,
    /// 1-365; absent means permanent.
    pub duration_days: Option<i64>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BanResponse {
    /// Always `"banned"`.
    pub status: &'static str,
    /// `9999-12-31T23:59:59Z` for a permanent ban.
    pub until: DateTime<Utc>,
}

#[utoipa::path(post, path = "/v1/admin/user/{user_key}/ban", tag = "admin",
    security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    request_body(content = Option<BanBody>),
    responses((status = 201, body = BanResponse),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator, or the target is the owner (or a moderator and the caller is not the owner)"),
              (status = 404, description = "User not found"),
              (status = 422, description = "duration_days outside 1-365, or a text too long")))]
pub async fn ban_user(
    State(state): State<AppState>,
    ModUser(actor): ModUser,
    Path(user_key): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<BanResponse>)> {
    let body: BanBody = optional_json(&body)?;
    let until = match body.duration_days {
        None => permanent_ban_until()?,
        Some(d) if (1..=MAX_DAYS).contains(&d) => Utc::now() + Duration::days(d),
        Some(_) => {
            return Err(ApiError::invalid_field(
                "duration_days",
                format!("duration_days must be between 1 and {MAX_DAYS}"),
            ))
        }
    };
    let reason_code = bounded("reason_code", body.reason_code.as_deref(), MAX_REASON_CODE)?;
    let note = bounded("note", body.note.as_deref(), MAX_TEXT)?;
    let reason = bounded("reason", body.reason.as_deref(), MAX_TEXT)?;
    let target = user_by_key(&state, &user_key).await?;
    ensure_can_sanction(&actor, &target)?;
    let mut tx = begin(&state).await?;
    let target = lock_user(&mut tx, target.id).await?;
    ban(
        &mut tx,
        &actor,
        &target,
        until,
        reason_code,
        note.or(reason),
    )
    .await?;
    commit(tx).await?;
    crate::cache::feeds_changed(&state).await;
    crate::cache::players_changed(&state).await;
    Ok((
        StatusCode::CREATED,
        Json(BanResponse {
            status: "banned",
            until,
        }),
    ))
}
