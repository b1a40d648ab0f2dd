//! `POST /v1/post/{id}/hide`: the author hides their post (`by: "user"`, the default), or a
//! moderator hides it as moderation (`by: "mod"`, audit-logged). Either way only the author
//! and moderators can still open it.
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::edits::{
    audit, begin, commit, ensure_author, lock_live_post, optional_json, post_id, require_moderator,
};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum HideBy {
    #[default]
    User,
    Mod,
}

/// Also the body of `DELETE /v1/post/{id}/hide`; an absent body means `by: "user"`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct HideBody {
    #[serde(default)]
    pub by: HideBy,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/v1/post/{id}/hide", tag = "posts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    request_body(content = Option<HideBody>),
    responses((status = 201, description = "Hidden"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "`by: user` by someone else, or `by: mod` without the role"),
              (status = 404, description = "Post not found"),
              (status = 422, description = "validation_error")))]
pub async fn hide_post(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let id = post_id(&id)?;
    let body: HideBody = optional_json(&body)?;
    if body.by == HideBy::Mod {
        require_moderator(&actor)?;
    }
    let mut tx = begin(&state).await?;
    let post = lock_live_post(&mut tx, id).await?;
    match body.by {
        HideBy::User => {
            ensure_author(&actor, &post, false)?;
            db::post_edits::set_hidden_by_user(&mut tx, id, true).await?;
        }
        HideBy::Mod => {
            db::post_edits::set_hidden_by_mod(&mut tx, id, true).await?;
            let (reason, note) = (body.reason_code.as_deref(), body.note.as_deref());
            audit(&mut tx, &actor, "hide_post", id, reason, note).await?;
        }
    }
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    Ok(StatusCode::CREATED)
}
