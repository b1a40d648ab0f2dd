//! `POST /v1/user/me/highlights`: pins one of the caller's own posts after their last
//! highlight. Pinning an already pinned post answers its current place (idempotent).
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::highlights::MAX_HIGHLIGHTS;
use super::{begin, commit};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::routes::posts::{flags, post_not_found, viewer};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddHighlightBody {
    pub post_id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddedHighlight {
    pub id: i64,
    pub position: i32,
}

#[utoipa::path(post, path = "/v1/user/me/highlights", tag = "users", security(("bearer" = [])),
    request_body = AddHighlightBody,
    responses((status = 201, body = AddedHighlight),
              (status = 400, description = "The post is deleted, or 128 posts are already pinned"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Someone else's post"),
              (status = 404, description = "Post not found"),
              (status = 422, description = "validation_error")))]
pub async fn add_highlight(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    ValidJson(body): ValidJson<AddHighlightBody>,
) -> ApiResult<(StatusCode, Json<AddedHighlight>)> {
    let post = db::posts::find_by_id(&state.db, body.post_id)
        .await?
        .ok_or_else(post_not_found)?;
    if post.owner_id != me.id {
        // Only a post the caller could open may be named as someone else's.
        if domain::visibility::can_access(&flags(&post), viewer(Some(&me))) {
            return Err(ApiError::forbidden("You can only highlight your own posts"));
        }
        return Err(post_not_found());
    }
    if post.deleted_by_user {
        return Err(ApiError::bad_request("Cannot highlight a deleted post"));
    }
    let mut tx = begin(&state).await?;
    db::highlights::lock_user(&mut tx, me.id).await?;
    db::highlights::prune(&mut tx, me.id).await?;
    let pinned = match db::highlights::find(&mut *tx, me.id, post.id).await? {
        Some(h) => h,
        None => {
            if db::highlights::count(&mut *tx, me.id).await? >= MAX_HIGHLIGHTS {
                return Err(ApiError::bad_request(format!(
                    "Maximum {MAX_HIGHLIGHTS} highlights allowed"
                )));
            }
            db::highlights::append(&mut tx, me.id, post.id).await?
        }
    };
    commit(tx).await?;
    Ok((
        StatusCode::CREATED,
        Json(AddedHighlight {
            id: pinned.id,
            position: pinned.position,
        }),
    ))
}
