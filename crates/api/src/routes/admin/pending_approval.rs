//! `GET /v1/admin/pending-approval`: the approval queue, oldest first, so the posts that have
//! waited longest are reviewed first. Posts nobody else can see are not in it.
use axum::extract::State;
use axum::Json;

use super::{cursor, ModUser};
use crate::dto::post::Post;
use crate::error::ApiResult;
use crate::extract::ValidQuery;
use crate::listing::page::PostPage;
use crate::routes::users::followers::PageParams;
use crate::routes::users::page;
use crate::state::AppState;

#[utoipa::path(get, path = "/v1/admin/pending-approval", tag = "admin",
    security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PostPage),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 422, description = "limit out of range")))]
pub async fn pending_approval(
    State(state): State<AppState>,
    ModUser(_actor): ModUser,
    ValidQuery(p): ValidQuery<PageParams>,
) -> ApiResult<Json<PostPage>> {
    let limit = page::limit(p.limit)?;
    let after = cursor::decode::<i64>(p.cursor.as_deref());
    let rows = db::moderation::pending_approval(&state.db, after, limit + 1).await?;
    let (rows, more) = page::split(rows, limit);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|(id, at)| cursor::encode(id, *at));
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let base = &state.config.vault_public_base_url;
    let items = db::post_views::load_many(&state.db, &ids)
        .await?
        .into_iter()
        .map(|v| Post::from_view(v, base))
        .collect();
    Ok(Json(PostPage { items, next_cursor }))
}
