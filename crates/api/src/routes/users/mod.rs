//! Profiles, browse, follows, blocks, avatars and account deletion.
