//! Posts: upload, permalink and (later) the listing, moderation and file routes.
pub mod approve_public;
pub mod delete_permanent;
pub mod delete_post;
pub mod demote;
pub mod download;
pub mod edits;
pub mod form;
pub mod get_post;
pub mod hide_post;
pub mod list_posts;
pub mod promote;
pub mod recent;
pub mod record_view;
pub mod replace_artwork;
pub mod revoke_public;
pub mod set_mod_hashtags;
pub mod store;
pub mod unhide_post;
pub mod update_post;
pub mod upload;

use db::posts::PostRow;
use domain::visibility::{PostFlags, Viewer};

use crate::error::ApiError;

pub fn flags(p: &PostRow) -> PostFlags {
    PostFlags {
        owner_id: p.owner_id,
        visible: p.visible,
        hidden_by_user: p.hidden_by_user,
        hidden_by_mod: p.hidden_by_mod,
        non_conformant: p.non_conformant,
        public_visibility: p.public_visibility,
        deleted_by_user: p.deleted_by_user,
    }
}

pub fn viewer(u: Option<&db::users::UserRow>) -> Viewer {
    match u {
        None => Viewer::Anonymous,
        Some(u) => Viewer::User {
            id: u.id,
            moderator: domain::role::can_moderate(&u.roles),
        },
    }
}

/// Missing and forbidden posts answer the same, so existence is not revealed.
pub fn post_not_found() -> ApiError {
    ApiError::not_found("Post not found")
}
