//! Who may see a post: the one rule set of http-api.md §1.6, used by every read path that
//! works on loaded rows (permalinks, downloads, reactions, comments, players). The SQL side of
//! discovery uses the same conditions through the `post_discoverable` database function.

/// The flags of a post that visibility depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PostFlags {
    pub owner_id: i32,
    pub visible: bool,
    pub hidden_by_user: bool,
    pub hidden_by_mod: bool,
    pub non_conformant: bool,
    pub public_visibility: bool,
    pub deleted_by_user: bool,
}

/// The viewer, as far as visibility cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Anonymous,
    User { id: i32, moderator: bool },
}

impl Viewer {
    fn is_author_or_mod(self, owner_id: i32) -> bool {
        match self {
            Viewer::Anonymous => false,
            Viewer::User { id, moderator } => moderator || id == owner_id,
        }
    }
}

/// Direct access (`/p`, `/d`, reactions, comments): deleted posts never; the author and
/// moderators always; everyone else needs it visible and not hidden. Approval is not needed,
/// so pending posts can be shared by link. Callers answer a refusal exactly like a missing post.
pub fn can_access(p: &PostFlags, viewer: Viewer) -> bool {
    if p.deleted_by_user {
        return false;
    }
    viewer.is_author_or_mod(p.owner_id) || (p.visible && !p.hidden_by_user && !p.hidden_by_mod)
}

/// Discovery (recent, search, hashtags, feeds): direct-access rules for an anonymous viewer,
/// plus moderator approval and conformance.
pub fn is_discoverable(p: &PostFlags) -> bool {
    can_access(p, Viewer::Anonymous) && p.public_visibility && !p.non_conformant
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> PostFlags {
        PostFlags {
            owner_id: 1,
            visible: true,
            public_visibility: true,
            ..Default::default()
        }
    }

    const AUTHOR: Viewer = Viewer::User {
        id: 1,
        moderator: false,
    };
    const OTHER: Viewer = Viewer::User {
        id: 2,
        moderator: false,
    };
    const MOD: Viewer = Viewer::User {
        id: 3,
        moderator: true,
    };

    #[test]
    fn deleted_is_hidden_from_everyone() {
        let p = PostFlags {
            deleted_by_user: true,
            ..live()
        };
        for v in [Viewer::Anonymous, AUTHOR, OTHER, MOD] {
            assert!(!can_access(&p, v));
        }
        assert!(!is_discoverable(&p));
    }

    #[test]
    fn hidden_posts_pass_author_and_moderators_only() {
        for p in [
            PostFlags {
                hidden_by_user: true,
                ..live()
            },
            PostFlags {
                hidden_by_mod: true,
                ..live()
            },
            PostFlags {
                visible: false,
                ..live()
            },
        ] {
            assert!(can_access(&p, AUTHOR));
            assert!(can_access(&p, MOD));
            assert!(!can_access(&p, OTHER));
            assert!(!can_access(&p, Viewer::Anonymous));
            assert!(!is_discoverable(&p));
        }
    }

    #[test]
    fn pending_posts_are_reachable_but_not_discoverable() {
        let p = PostFlags {
            public_visibility: false,
            ..live()
        };
        assert!(can_access(&p, Viewer::Anonymous));
        assert!(!is_discoverable(&p));
        let nc = PostFlags {
            non_conformant: true,
            ..live()
        };
        assert!(can_access(&nc, OTHER));
        assert!(!is_discoverable(&nc));
        assert!(is_discoverable(&live()));
    }
}
