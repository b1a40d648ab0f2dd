//! `PUT /v1/user/me/highlights/reorder`: the caller's highlights in a new order. The list must
//! name exactly the currently pinned posts, each once; anything else changes nothing.
use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{begin, commit};
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReorderBody {
    /// Every pinned post id, in the new order (first = position 0).
    pub post_ids: Vec<i64>,
}

/// Why `wanted` is not a permutation of `current`, if it is not.
fn mismatch(current: &[i64], wanted: &[i64]) -> Option<&'static str> {
    let unique: HashSet<i64> = wanted.iter().copied().collect();
    if unique.len() != wanted.len() {
        return Some("post_ids lists a post more than once");
    }
    let pinned: HashSet<i64> = current.iter().copied().collect();
    if unique != pinned {
        return Some("post_ids must list exactly the currently highlighted posts");
    }
    None
}

#[utoipa::path(put, path = "/v1/user/me/highlights/reorder", tag = "users",
    security(("bearer" = [])),
    request_body = ReorderBody,
    responses((status = 204, description = "Reordered"),
              (status = 401, description = "Not signed in"),
              (status = 422, description = "Not exactly the current set (`validation_error`)")))]
pub async fn reorder_highlights(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    ValidJson(body): ValidJson<ReorderBody>,
) -> ApiResult<StatusCode> {
    let mut tx = begin(&state).await?;
    db::highlights::lock_user(&mut tx, me.id).await?;
    db::highlights::prune(&mut tx, me.id).await?;
    let current: Vec<i64> = db::highlights::list(&mut *tx, me.id)
        .await?
        .into_iter()
        .map(|h| h.post_id)
        .collect();
    if let Some(msg) = mismatch(&current, &body.post_ids) {
        return Err(ApiError::invalid_field("post_ids", msg));
    }
    db::highlights::reorder(&mut tx, me.id, &body.post_ids).await?;
    commit(tx).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::mismatch;

    #[test]
    fn only_a_permutation_passes() {
        assert_eq!(mismatch(&[1, 2, 3], &[3, 1, 2]), None);
        assert_eq!(mismatch(&[], &[]), None);
        assert!(mismatch(&[1, 2, 3], &[1, 2]).is_some());
        assert!(mismatch(&[1, 2], &[1, 2, 4]).is_some());
        assert!(mismatch(&[1, 2], &[1, 1]).is_some());
        assert!(mismatch(&[1, 2], &[1, 2, 2]).is_some());
    }
}
