//! `PATCH /v1/post/{id}`: the author (or a moderator) edits an artwork's text and flags.
//! Hashtags are normalised like the upload's, and the moderator tags are merged back in so an
//! author cannot drop them. Every check runs before anything is written.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use db::post_edits::PostEdit;
use db::posts::PostRow;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use super::edits::{
    audit, begin, commit, ensure_author, full_post, is_moderator, lock_live_post, post_id,
};
use super::post_not_found;
use crate::dto::post::Post;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

pub const MAX_HASHTAGS: usize = 64;

/// Absent fields stay unchanged; a `null` or blank description clears it.
#[derive(Deserialize, ToSchema)]
pub struct UpdatePostBody {
    #[schema(min_length = 1, max_length = 128)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
    /// The author's tags; at most 64 after normalisation.
    pub hashtags: Option<Vec<String>>,
    pub hidden_by_user: Option<bool>,
    /// Moderators only.
    pub hidden_by_mod: Option<bool>,
    pub remixable: Option<bool>,
}

/// Tells an explicit `null` (Some(None)) from an absent field (None, via `default`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn title(raw: Option<String>) -> ApiResult<Option<String>> {
    let Some(t) = raw.map(|t| t.trim().to_string()) else {
        return Ok(None);
    };
    if t.is_empty() || t.chars().count() > 128 {
        return Err(ApiError::invalid_field(
            "title",
            "title must be 1-128 characters",
        ));
    }
    Ok(Some(t))
}

fn description(raw: Option<Option<String>>) -> ApiResult<Option<Option<String>>> {
    let Some(d) = raw else { return Ok(None) };
    let d = d.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if d.as_ref().is_some_and(|s| s.chars().count() > 5000) {
        return Err(ApiError::invalid_field(
            "description",
            "description must be at most 5000 characters",
        ));
    }
    Ok(Some(d))
}

/// The author's tags, normalised, with the moderator tags appended (`mod_hashtags ⊆ hashtags`).
fn hashtags(raw: Option<Vec<String>>, post: &PostRow) -> ApiResult<Option<Vec<String>>> {
    let Some(raw) = raw else { return Ok(None) };
    let mut tags = domain::hashtags::normalize(raw.iter().map(String::as_str), usize::MAX)?;
    if tags.len() > MAX_HASHTAGS {
        return Err(ApiError::invalid_field(
            "hashtags",
            format!("at most {MAX_HASHTAGS} hashtags are allowed"),
        ));
    }
    for t in &post.mod_hashtags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    Ok(Some(tags))
}

/// A no-derivatives licence forbids remixing, so the post cannot be offered for it.
async fn check_remixable(conn: &mut db::PgConnection, post: &PostRow) -> ApiResult<()> {
    let Some(license_id) = post.license_id else {
        return Ok(());
    };
    let nd = db::post_views::license(conn, license_id)
        .await?
        .is_some_and(|l| l.identifier.contains("-ND-"));
    if nd {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "remixable_conflicts_with_license",
            "A no-derivatives license does not allow remixing",
        ));
    }
    Ok(())
}

#[utoipa::path(patch, path = "/v1/post/{id}", tag = "posts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    request_body = UpdatePostBody,
    responses((status = 200, body = Post),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not the author, or `hidden_by_mod` without the moderator role"),
              (status = 404, description = "Post not found"),
              (status = 422, description = "validation_error or remixable_conflicts_with_license")))]
pub async fn update_post(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<UpdatePostBody>,
) -> ApiResult<Json<Post>> {
    let id = post_id(&id)?;
    let mut tx = begin(&state).await?;
    let post = lock_live_post(&mut tx, id).await?;
    // Playlists are edited through their own route, with their own limits.
    if post.kind != "artwork" {
        return Err(post_not_found());
    }
    ensure_author(&actor, &post, true)?;
    if body.hidden_by_mod.is_some() && !is_moderator(&actor) {
        return Err(ApiError::forbidden(
            "Only moderators may change hidden_by_mod",
        ));
    }
    let title = title(body.title)?;
    let description = description(body.description)?;
    let hashtags = hashtags(body.hashtags, &post)?;
    if body.remixable == Some(true) {
        check_remixable(&mut tx, &post).await?;
    }
    let edit = PostEdit {
        title: title.as_deref(),
        description: description.as_ref().map(|d| d.as_deref()),
        hashtags: hashtags.as_deref(),
        hidden_by_user: body.hidden_by_user,
        hidden_by_mod: body.hidden_by_mod,
        remixable: body.remixable,
    };
    db::post_edits::update(&mut tx, id, &edit).await?;
    if post.owner_id != actor.id || body.hidden_by_mod.is_some() {
        let note = body.hidden_by_mod.map(|h| format!("hidden_by_mod={h}"));
        audit(&mut tx, &actor, "update_post", id, None, note.as_deref()).await?;
    }
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    full_post(&state, id, &actor).await
}
