//! `GET /v1/p/{sqid}`: the permalink. Direct-access rules; a forbidden post is a 404 like a
//! missing one. Does not count a view.
use axum::extract::{Path, State};
use axum::Json;

use super::{flags, post_not_found, viewer};
use crate::dto::post::Post;
use crate::error::ApiResult;
use crate::extract::MaybeAuthUser;
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/p/{sqid}", tag = "posts", params(("sqid" = String, Path)),
    responses((status = 200, body = Post), (status = 404, description = "Post not found")))]
pub async fn get_post(
    State(state): State<AppState>,
    MaybeAuthUser(me): MaybeAuthUser,
    Path(sqid): Path<String>,
) -> ApiResult<Json<Post>> {
    let id = state.sqids.decode(&sqid).ok_or_else(post_not_found)?;
    let view = db::post_views::load(&state.db, id)
        .await?
        .ok_or_else(post_not_found)?;
    if view.post.public_sqid != sqid
        || !domain::visibility::can_access(&flags(&view.post), viewer(me.as_ref()))
    {
        return Err(post_not_found());
    }
    Ok(Json(Post::from_view(
        view,
        &state.config.vault_public_base_url,
    )))
}
