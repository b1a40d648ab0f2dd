//! `PATCH /v1/post/comments/{id}`: the author rewrites their comment. Guests' comments cannot
//! be edited (there is no account to prove authorship), nor can deleted ones.
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{check_body, comment_not_found, find_comment, load_comment, Comment};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::routes::posts::edits::{begin, commit};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditCommentBody {
    /// 1 to 2000 characters.
    pub body: String,
}

#[utoipa::path(patch, path = "/v1/post/comments/{id}", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id (UUID)")), request_body = EditCommentBody,
    responses((status = 200, body = Comment),
              (status = 400, description = "The comment was deleted"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not the author, or a guest's comment"),
              (status = 404, description = "Comment not found"),
              (status = 422, description = "Body empty or over 2000 characters")))]
pub async fn update_comment(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path(id): Path<String>,
    ValidJson(req): ValidJson<EditCommentBody>,
) -> ApiResult<Json<Comment>> {
    check_body(&req.body)?;
    let (comment, _) = find_comment(&state, &id, Some(&me)).await?;
    match comment.author_id {
        None => return Err(ApiError::forbidden("Anonymous comments cannot be edited")),
        Some(author) if author != me.id => {
            return Err(ApiError::forbidden("Only the author may edit this comment"))
        }
        Some(_) => {}
    }
    let mut tx = begin(&state).await?;
    // Re-read under lock: a deletion racing this edit must not be undone by it.
    let current = db::comments::lock(&mut tx, comment.id)
        .await?
        .ok_or_else(comment_not_found)?;
    if current.is_deleted() {
        return Err(ApiError::bad_request("Deleted comments cannot be edited"));
    }
    db::comments::set_body(&mut tx, current.id, &req.body).await?;
    commit(tx).await?;
    crate::cache::post_counters_changed(&state, comment.post_id).await;
    Ok(Json(load_comment(&state, comment.id, Some(&me)).await?))
}
