//! `POST /v1/post/{id}/approve-public`: a moderator approves a post for discovery (recent,
//! search, hashtags, promoted). Audit-logged.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::edits::{audit, begin, commit, lock_live_post, post_id, require_moderator};
use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::notify::{notify, Kind, Notice};
use crate::state::AppState;

/// Answer of both approve-public routes.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicVisibility {
    pub post_id: i64,
    pub public_visibility: bool,
}

#[utoipa::path(post, path = "/v1/post/{id}/approve-public", tag = "posts",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Post id")),
    responses((status = 201, body = PublicVisibility),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 404, description = "Post not found")))]
pub async fn approve_public(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<PublicVisibility>)> {
    require_moderator(&actor)?;
    let id = post_id(&id)?;
    let mut tx = begin(&state).await?;
    let post = lock_live_post(&mut tx, id).await?;
    db::post_edits::set_public_visibility(&mut tx, id, true).await?;
    audit(&mut tx, &actor, "approve_public", id, None, None).await?;
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    let notice = Notice::new(post.owner_id, Kind::PostApproved, Some(&actor)).post(id);
    notify(&state, notice).await;
    Ok((
        StatusCode::CREATED,
        Json(PublicVisibility {
            post_id: id,
            public_visibility: true,
        }),
    ))
}
