//! `POST /v1/post/{id}/promote`: a moderator features a post in one of the promoted
//! categories (it then shows in `/feed/promoted`). Audit-logged.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::edits::{audit, begin, commit, lock_live_post, post_id, require_moderator};
use crate::error::ApiResult;
use crate::extract::{AuthUser, ValidJson};
use crate::notify::{notify, Kind, Notice};
use crate::state::AppState;

/// The closed set of promotion categories; anything else is a 422.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Category {
    #[serde(rename = "frontpage")]
    Frontpage,
    #[serde(rename = "editor-pick")]
    EditorPick,
    #[serde(rename = "weekly-pack")]
    WeeklyPack,
    #[serde(rename = "daily's-best")]
    DailysBest,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Frontpage => "frontpage",
            Category::EditorPick => "editor-pick",
            Category::WeeklyPack => "weekly-pack",
            Category::DailysBest => "daily's-best",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PromoteBody {
    pub category: Category,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Promoted {
    pub promoted: bool,
    pub category: Category,
}

#[utoipa::path(post, path = "/v1/post/{id}/promote", tag = "posts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    request_body = PromoteBody,
    responses((status = 201, body = Promoted),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 404, description = "Post not found"),
              (status = 422, description = "Unknown category")))]
pub async fn promote(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<PromoteBody>,
) -> ApiResult<(StatusCode, Json<Promoted>)> {
    require_moderator(&actor)?;
    let id = post_id(&id)?;
    let mut tx = begin(&state).await?;
    let post = lock_live_post(&mut tx, id).await?;
    db::post_edits::set_promotion(&mut tx, id, Some(body.category.as_str())).await?;
    let note = match &body.note {
        Some(n) => format!("{}: {n}", body.category.as_str()),
        None => body.category.as_str().to_string(),
    };
    let reason = body.reason_code.as_deref();
    audit(&mut tx, &actor, "promote_post", id, reason, Some(&note)).await?;
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    let notice = Notice::new(post.owner_id, Kind::PostPromoted, Some(&actor)).post(id);
    notify(&state, notice).await;
    Ok((
        StatusCode::CREATED,
        Json(Promoted {
            promoted: true,
            category: body.category,
        }),
    ))
}
