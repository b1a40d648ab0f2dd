//! `POST /v1/report`: anyone reports a user, post or comment. Signed-in reporters get 10 an
//! hour; anonymous ones 5 an hour and 20 a day per address. Moderators are alerted (email and
//! `new_report`) at most once per target per 6 hours.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use db::users::UserRow;
use domain::limits::REPORT_REASONS;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{alert, target_not_found, Report, Target, TargetType, MAX_NOTES};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, MaybeAuthUser, RateLimiter, ValidJson};
use crate::limits;
use crate::routes::admin::bounded;
use crate::routes::posts::record_view::ip_hash;
use crate::routes::posts::{flags, viewer};
use crate::routes::users::{can_view, Visibility};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateReport {
    pub target_type: TargetType,
    /// Post: integer id as a string; comment: UUID; user: public sqid.
    pub target_id: String,
    /// One of `spam`, `harassment`, `hate`, `sexual_explicit`, `violence_gore`,
    /// `illegal_csam`, `self_harm`, `copyright`, `other`.
    pub reason_code: String,
    /// At most 2000 characters.
    pub notes: Option<String>,
}

/// What the alert links to: the post of a post or comment report.
pub struct Located {
    pub post_id: Option<i64>,
    pub comment_id: Option<uuid::Uuid>,
}

/// Finds the target as the reporter may see it; what they cannot open is not found.
async fn locate(state: &AppState, me: Option<&UserRow>, target: &Target) -> ApiResult<Located> {
    let post_visible =
        |p: &db::posts::PostRow| domain::visibility::can_access(&flags(p), viewer(me));
    match target {
        Target::User(sqid) => {
            let id = state.sqids.decode_user(sqid).ok_or_else(target_not_found)?;
            db::users::find_by_id(&state.db, id)
                .await?
                .filter(|u| &u.public_sqid == sqid && can_view(me, u, Visibility::Profile))
                .ok_or_else(target_not_found)?;
            Ok(Located {
                post_id: None,
                comment_id: None,
            })
        }
        Target::Post(id) => {
            db::posts::find_by_id(&state.db, *id)
                .await?
                .filter(post_visible)
                .ok_or_else(target_not_found)?;
            Ok(Located {
                post_id: Some(*id),
                comment_id: None,
            })
        }
        Target::Comment(id) => {
            let c = db::moderation::find_comment(&state.db, *id)
                .await?
                .filter(|c| !c.deleted)
                .ok_or_else(target_not_found)?;
            db::posts::find_by_id(&state.db, c.post_id)
                .await?
                .filter(post_visible)
                .ok_or_else(target_not_found)?;
            Ok(Located {
                post_id: Some(c.post_id),
                comment_id: Some(c.id),
            })
        }
    }
}

#[utoipa::path(post, path = "/v1/report", tag = "reports", security((), ("bearer" = [])),
    request_body = CreateReport,
    responses((status = 201, body = Report),
              (status = 404, description = "No such target (or one the reporter cannot see)"),
              (status = 422, description = "validation_error: unknown type or reason, malformed id, notes too long"),
              (status = 429, description = "rate_limited")))]
pub async fn create_report(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<CreateReport>,
) -> ApiResult<(StatusCode, Json<Report>)> {
    if !REPORT_REASONS
        .iter()
        .any(|(code, _)| *code == body.reason_code)
    {
        return Err(ApiError::invalid_field(
            "reason_code",
            "reason_code is not a known report reason",
        ));
    }
    let notes = bounded("notes", body.notes.as_deref(), MAX_NOTES)?;
    let target = Target::parse(body.target_type, &body.target_id)?;
    // Guests are counted, and remembered, by a salted hash: the address itself is never kept.
    let guest = match &me {
        Some(u) => {
            limiter
                .check(limits::REPORT_USER, &u.id.to_string())
                .await?;
            None
        }
        None => {
            let hash = ip_hash(state.config.ip_hash_salt.expose(), ip);
            limiter.check(limits::REPORT_IP_HOUR, &hash).await?;
            limiter.check(limits::REPORT_IP_DAY, &hash).await?;
            Some(hash)
        }
    };
    let located = locate(&state, me.as_ref(), &target).await?;
    let target_id = target.id_string();
    let row = db::reports::insert(
        &state.db,
        &db::reports::NewReport {
            reporter_id: me.as_ref().map(|u| u.id),
            reporter_ip: guest.as_deref(),
            target_type: target.kind().as_str(),
            target_id: &target_id,
            reason_code: &body.reason_code,
            notes,
        },
    )
    .await?;
    alert::alert_moderators(&state, &row, me.as_ref(), &located).await;
    Ok((StatusCode::CREATED, Json(Report::from(row))))
}
