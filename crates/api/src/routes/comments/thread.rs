//! Which comments of a thread one viewer sees. A comment hidden by a moderator (unless the
//! viewer moderates) or written by someone the viewer blocked disappears with its replies.
//! A deleted comment stays as a placeholder only while something below it is still shown.
use std::collections::{HashMap, HashSet};

use db::comments::CommentView;
use uuid::Uuid;

/// The ids of `rows` (all comments of one post) that the viewer sees.
pub fn visible(rows: &[CommentView], viewer_moderates: bool) -> HashSet<Uuid> {
    let by_id: HashMap<Uuid, &CommentView> = rows.iter().map(|r| (r.id, r)).collect();
    let removed = |c: &CommentView| (c.hidden_by_mod && !viewer_moderates) || c.author_blocked;
    // Walks up the (at most two) ancestors; a missing parent cannot happen (foreign key), but
    // would drop the reply rather than show it out of context.
    let excluded = |c: &CommentView| {
        let mut cur = Some(c);
        while let Some(n) = cur {
            if removed(n) {
                return true;
            }
            cur = match n.parent_id {
                Some(p) => match by_id.get(&p) {
                    Some(parent) => Some(*parent),
                    None => return true,
                },
                None => None,
            };
        }
        false
    };
    let kept: Vec<&CommentView> = rows.iter().filter(|c| !excluded(c)).collect();
    // Deepest first, so a placeholder's children are settled before it is.
    let mut order = kept.clone();
    order.sort_by_key(|c| std::cmp::Reverse(c.depth));
    let mut shown = HashSet::new();
    let mut has_shown_child = HashSet::new();
    for c in order {
        let deleted = c.deleted_by_owner || c.deleted_by_mod;
        if !deleted || has_shown_child.contains(&c.id) {
            shown.insert(c.id);
            if let Some(p) = c.parent_id {
                has_shown_child.insert(p);
            }
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn c(n: u128, parent: Option<u128>, depth: i16) -> CommentView {
        CommentView {
            id: Uuid::from_u128(n),
            post_id: 1,
            author_id: Some(1),
            author_ip: None,
            parent_id: parent.map(Uuid::from_u128),
            depth,
            body: "hi".into(),
            hidden_by_mod: false,
            deleted_by_owner: false,
            deleted_by_mod: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            like_count: 0,
            liked_by_me: false,
            author_blocked: false,
            author_handle: None,
            author_avatar_url: None,
            author_public_sqid: None,
        }
    }

    fn ids(set: &HashSet<Uuid>) -> Vec<u128> {
        let mut v: Vec<u128> = set.iter().map(|u| u.as_u128()).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn deleted_leaf_disappears_and_placeholders_hold_live_replies() {
        let mut rows = vec![
            c(1, None, 0),
            c(2, Some(1), 1),
            c(3, Some(2), 2),
            c(4, None, 0),
        ];
        rows[0].deleted_by_owner = true; // has live descendants: placeholder
        rows[1].deleted_by_mod = true; // has a live reply: placeholder
        rows[3].deleted_by_owner = true; // no replies: gone
        assert_eq!(ids(&visible(&rows, false)), vec![1, 2, 3]);
        rows[2].deleted_by_owner = true; // now nothing live below 1 and 2
        assert!(visible(&rows, false).is_empty());
    }

    #[test]
    fn hidden_and_blocked_take_their_replies_along() {
        let mut rows = vec![
            c(1, None, 0),
            c(2, Some(1), 1),
            c(3, None, 0),
            c(4, Some(3), 1),
        ];
        rows[0].hidden_by_mod = true;
        rows[2].author_blocked = true;
        assert!(visible(&rows, false).is_empty());
        // Moderators see hidden comments, but a block is the moderator's own choice too.
        assert_eq!(ids(&visible(&rows, true)), vec![1, 2]);
    }

    #[test]
    fn a_deleted_parent_of_only_hidden_replies_is_dropped_for_members() {
        let mut rows = vec![c(1, None, 0), c(2, Some(1), 1)];
        rows[0].deleted_by_owner = true;
        rows[1].hidden_by_mod = true;
        assert!(visible(&rows, false).is_empty());
        assert_eq!(ids(&visible(&rows, true)), vec![1, 2]);
    }
}
