//! `PATCH /v1/user/{user_key}`: edits a profile (self, or a moderator on a regular user).
//! Every check runs before the transaction, so an error writes nothing.
use axum::extract::{Path, State};
use axum::Json;
use db::users::{ProfileUpdate, UserRow};
use domain::limits::MONITORED_HASHTAGS;
use domain::role::is_owner;
use domain::Handle;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use super::{begin, commit, ensure_can_manage, user_by_key};
use crate::dto::user::UserFull;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

/// Absent fields stay unchanged; `null` or an empty string clears a text field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserBody {
    pub handle: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub bio: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 48)]
    pub tagline: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub website: Option<Option<String>>,
    pub hidden_by_user: Option<bool>,
    /// Monitored hashtags the user opts in to see.
    pub approved_hashtags: Option<Vec<String>>,
}

/// Tells an explicit `null` (Some(None)) from an absent field (None, via `default`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Length-checks one text field (characters, as the column counts them); "" means clear.
fn text(field: &str, v: Option<Option<String>>, max: usize) -> ApiResult<Option<Option<String>>> {
    let Some(v) = v else { return Ok(None) };
    let v = v.filter(|s| !s.trim().is_empty());
    if v.as_ref().is_some_and(|s| s.chars().count() > max) {
        return Err(ApiError::invalid_field(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(Some(v))
}

/// A website is shown as a link: refuse schemes other than http(s) (e.g. `javascript:`).
fn check_website(w: &Option<Option<String>>) -> ApiResult<()> {
    if let Some(Some(s)) = w {
        if let Ok(u) = url::Url::parse(s.trim()) {
            if !matches!(u.scheme(), "http" | "https") {
                return Err(ApiError::invalid_field(
                    "website",
                    "website must be an http(s) link",
                ));
            }
        }
    }
    Ok(())
}

/// Lower-cased, without `#`, deduplicated; anything outside the monitored set is a 400.
fn hashtags(tags: Option<Vec<String>>) -> ApiResult<Option<Vec<String>>> {
    let Some(tags) = tags else { return Ok(None) };
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().trim_start_matches('#').to_lowercase();
        if !MONITORED_HASHTAGS.contains(&t.as_str()) {
            return Err(ApiError::bad_request(format!(
                "approved_hashtags may only contain: {}",
                MONITORED_HASHTAGS.join(", ")
            )));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(Some(out))
}

/// The new handle when it differs from the current one; the owner's handle is frozen.
fn new_handle(target: &UserRow, raw: Option<String>) -> ApiResult<Option<Handle>> {
    let Some(raw) = raw else { return Ok(None) };
    let h = Handle::parse(&raw).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if h.as_str() == target.handle {
        return Ok(None);
    }
    if is_owner(&target.roles) {
        return Err(ApiError::forbidden(
            "The site owner's handle cannot be changed",
        ));
    }
    Ok(Some(h))
}

fn taken() -> ApiError {
    ApiError::conflict("This handle is already taken")
}

/// Renames inside the caller's transaction; the unique index settles a race with another rename.
async fn apply_handle(
    conn: &mut db::PgConnection,
    actor: &UserRow,
    target: &UserRow,
    h: &Handle,
) -> ApiResult<()> {
    let norm = h.normalized();
    if db::users::handle_taken(&mut *conn, &norm, Some(target.id)).await? {
        return Err(taken());
    }
    match db::users::set_handle(conn, target.id, h.as_str(), &norm).await {
        Err(db::DbError::Conflict { .. }) => return Err(taken()),
        other => other?,
    }
    let note = format!("{} -> {}", target.handle, h.as_str());
    audit(conn, actor, target, "change_handle", Some(&note)).await
}

/// Handle changes and moderator edits are audit-logged (§1.10).
async fn audit(
    conn: &mut db::PgConnection,
    actor: &UserRow,
    target: &UserRow,
    action: &str,
    note: Option<&str>,
) -> ApiResult<()> {
    let entry = db::audit::AuditEntry {
        actor_id: Some(actor.id),
        action,
        target_type: "user",
        target_id: &target.public_sqid,
        reason_code: None,
        note,
    };
    Ok(db::audit::record(conn, entry).await?)
}

#[utoipa::path(patch, path = "/v1/user/{user_key}", tag = "users", security(("bearer" = [])),
    params(("user_key" = String, Path, description = "The user's UUID key")),
    request_body = UpdateUserBody,
    responses((status = 200, body = UserFull),
              (status = 400, description = "Invalid handle or hashtag"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not your profile, or the owner's handle"),
              (status = 404, description = "Unknown user"),
              (status = 409, description = "Handle taken"),
              (status = 422, description = "Unknown field or text too long")))]
pub async fn update_user(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(user_key): Path<String>,
    ValidJson(body): ValidJson<UpdateUserBody>,
) -> ApiResult<Json<UserFull>> {
    let target = user_by_key(&state, &user_key).await?;
    ensure_can_manage(&actor, &target)?;
    let update = ProfileUpdate {
        bio: text("bio", body.bio, 1000)?,
        tagline: text("tagline", body.tagline, 48)?,
        website: text("website", body.website, 500)?,
        hidden_by_user: body.hidden_by_user,
        approved_hashtags: hashtags(body.approved_hashtags)?,
    };
    check_website(&update.website)?;
    let handle = new_handle(&target, body.handle)?;

    let mut tx = begin(&state).await?;
    db::users::lock_by_id(&mut tx, target.id).await?;
    if let Some(h) = &handle {
        apply_handle(&mut tx, &actor, &target, h).await?;
    }
    db::users::update_profile(&mut tx, target.id, &update).await?;
    if actor.id != target.id {
        audit(&mut tx, &actor, &target, "update_user", None).await?;
    }
    let updated = db::users::find_by_id(&mut *tx, target.id)
        .await?
        .ok_or_else(|| ApiError::not_found("User not found"))?;
    commit(tx).await?;
    Ok(Json(UserFull::from(&updated)))
}
