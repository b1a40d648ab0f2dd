//! Emoji reactions on posts (http-api.md §2.6). Signed-in users react under their id,
//! everyone else under the salted hash of their address; the raw address is never stored.
//! Reactions follow the post's direct-access rule: a post the caller cannot open is a 404.
pub mod add_reaction;
pub mod get_reactions;
pub mod reaction_users;
pub mod remove_reaction;
pub mod widget_data;

use std::collections::BTreeMap;
use std::net::IpAddr;

use db::posts::PostRow;
use db::reactions::Reactor;
use db::users::UserRow;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::routes::posts::edits::post_id;
use crate::routes::posts::record_view::ip_hash;
use crate::routes::posts::{flags, post_not_found, viewer};
use crate::state::AppState;

/// The longest emoji string stored (`reactions.emoji` is varchar(20)).
pub const MAX_EMOJI_CHARS: usize = 20;

/// Most reactions listed by `reaction-users`.
pub const MAX_REACTION_USERS: i64 = 200;

/// `{totals, authenticated_totals, anonymous_totals, mine}`: counts by emoji, and the emoji
/// the caller (user, or address when signed out) has on the post.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReactionSummary {
    pub totals: BTreeMap<String, i64>,
    pub authenticated_totals: BTreeMap<String, i64>,
    pub anonymous_totals: BTreeMap<String, i64>,
    pub mine: Vec<String>,
}

/// A usable emoji: not blank and at most 20 characters.
pub fn parse_emoji(raw: &str) -> ApiResult<&str> {
    if raw.trim().is_empty() || raw.chars().count() > MAX_EMOJI_CHARS {
        return Err(ApiError::bad_request(format!(
            "Emoji must be 1 to {MAX_EMOJI_CHARS} characters"
        )));
    }
    Ok(raw)
}

/// The post `raw_id` names when the caller may open it; a 404 otherwise.
pub async fn accessible_post(
    state: &AppState,
    raw_id: &str,
    me: Option<&UserRow>,
) -> ApiResult<PostRow> {
    let id = post_id(raw_id)?;
    db::posts::find_by_id(&state.db, id)
        .await?
        .filter(|p| domain::visibility::can_access(&flags(p), viewer(me)))
        .ok_or_else(post_not_found)
}

/// The caller's salted address hash (the identity of anonymous reactions and comments).
pub fn client_hash(state: &AppState, ip: IpAddr) -> String {
    ip_hash(state.config.ip_hash_salt.expose(), ip)
}

/// Who the caller reacts as.
pub fn reactor<'a>(me: Option<&UserRow>, hash: &'a str) -> Reactor<'a> {
    match me {
        Some(u) => Reactor::User(u.id),
        None => Reactor::Guest(hash),
    }
}

/// The reaction summary of a post for this caller; blocked users' reactions are left out.
pub async fn summary(
    state: &AppState,
    post_id: i64,
    me: Option<&UserRow>,
    hash: &str,
) -> ApiResult<ReactionSummary> {
    let counts = db::reactions::counts(&state.db, post_id, me.map(|u| u.id)).await?;
    let mine = db::reactions::emojis_of(&state.db, post_id, reactor(me, hash)).await?;
    let mut s = ReactionSummary {
        totals: BTreeMap::new(),
        authenticated_totals: BTreeMap::new(),
        anonymous_totals: BTreeMap::new(),
        mine,
    };
    for c in counts {
        if c.authenticated > 0 {
            s.authenticated_totals
                .insert(c.emoji.clone(), c.authenticated);
        }
        if c.anonymous > 0 {
            s.anonymous_totals.insert(c.emoji.clone(), c.anonymous);
        }
        s.totals.insert(c.emoji, c.authenticated + c.anonymous);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_bounds() {
        assert!(parse_emoji("🔥").is_ok());
        assert!(parse_emoji(&"a".repeat(20)).is_ok());
        assert!(parse_emoji(&"a".repeat(21)).is_err());
        assert!(parse_emoji("").is_err());
        assert!(parse_emoji("  ").is_err());
        // Twenty characters, well over twenty bytes.
        assert!(parse_emoji(&"🔥".repeat(20)).is_ok());
    }
}
