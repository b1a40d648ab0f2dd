//! `PUT /v1/post/{id}/mod-hashtags`: a moderator replaces a post's moderator tags. They count
//! as ordinary hashtags everywhere (monitored ones included) but the author cannot remove them:
//! added tags join `hashtags` (claiming an author tag of the same name), removed ones leave it.
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::edits::{audit, begin, commit, full_post, lock_live_post, post_id, require_moderator};
use super::post_not_found;
use crate::dto::post::Post;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::notify::{notify, Kind, Notice};
use crate::state::AppState;

pub const MAX_MOD_HASHTAGS: usize = 16;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ModHashtagsBody {
    /// The full new set: at most 16 after normalisation, each at most 64 characters.
    pub hashtags: Vec<String>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// The effective list after the change: old tags minus the released ones, then every mod tag.
/// Always rebuilt, so re-sending the same set repairs a list missing a mod tag.
fn merge(hashtags: &[String], old_mod: &[String], new_mod: &[String]) -> Vec<String> {
    let mut out: Vec<String> = hashtags
        .iter()
        .filter(|t| new_mod.contains(t) || !old_mod.contains(t))
        .cloned()
        .collect();
    for t in new_mod {
        if !out.contains(t) {
            out.push(t.clone());
        }
    }
    out
}

/// `+#a −#b`, as the audit note (and later the notification preview) shows it.
fn diff(old_mod: &[String], new_mod: &[String]) -> String {
    let added = new_mod
        .iter()
        .filter(|t| !old_mod.contains(t))
        .map(|t| format!("+#{t}"));
    let removed = old_mod
        .iter()
        .filter(|t| !new_mod.contains(t))
        .map(|t| format!("−#{t}"));
    added.chain(removed).collect::<Vec<_>>().join(" ")
}

#[utoipa::path(put, path = "/v1/post/{id}/mod-hashtags", tag = "posts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Post id")),
    request_body = ModHashtagsBody,
    responses((status = 200, body = Post),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator"),
              (status = 404, description = "Post not found, deleted, or a playlist"),
              (status = 422, description = "More than 16 tags, or a tag over 64 characters")))]
pub async fn set_mod_hashtags(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<ModHashtagsBody>,
) -> ApiResult<Json<Post>> {
    require_moderator(&actor)?;
    let id = post_id(&id)?;
    let new_mod =
        domain::hashtags::normalize(body.hashtags.iter().map(String::as_str), usize::MAX)?;
    if new_mod.len() > MAX_MOD_HASHTAGS {
        return Err(ApiError::invalid_field(
            "hashtags",
            format!("at most {MAX_MOD_HASHTAGS} moderator hashtags are allowed"),
        ));
    }
    let mut tx = begin(&state).await?;
    let post = lock_live_post(&mut tx, id).await?;
    if post.kind != "artwork" {
        return Err(post_not_found());
    }
    let hashtags = merge(&post.hashtags, &post.mod_hashtags, &new_mod);
    db::post_edits::set_mod_hashtags(&mut tx, id, &hashtags, &new_mod).await?;
    let change = diff(&post.mod_hashtags, &new_mod);
    if !change.is_empty() {
        let note = match &body.note {
            Some(n) => format!("{change} — {n}"),
            None => change.clone(),
        };
        let reason = body.reason_code.as_deref();
        audit(
            &mut tx,
            &actor,
            "update_mod_hashtags",
            id,
            reason,
            Some(&note),
        )
        .await?;
    }
    commit(tx).await?;
    crate::cache::post_changed(&state, id).await;
    if !change.is_empty() {
        let mut notice =
            Notice::new(post.owner_id, Kind::ModHashtagsUpdated, Some(&actor)).post(id);
        // The diff ("+#nsfw −#politics") is what the author needs to read.
        notice.comment_preview = Some(&change);
        notify(&state, notice).await;
    }
    full_post(&state, id, &actor).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn claims_releases_and_repairs() {
        assert_eq!(
            merge(&v(&["nsfw", "art"]), &[], &v(&["nsfw"])),
            v(&["nsfw", "art"])
        );
        assert_eq!(merge(&v(&["nsfw", "art"]), &v(&["nsfw"]), &[]), v(&["art"]));
        assert_eq!(
            merge(&v(&["art"]), &v(&["nsfw"]), &v(&["nsfw"])),
            v(&["art", "nsfw"])
        );
        assert_eq!(diff(&v(&["a", "b"]), &v(&["b", "c"])), "+#c −#a");
        assert_eq!(diff(&v(&["a"]), &v(&["a"])), "");
    }
}
