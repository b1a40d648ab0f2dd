//! Feeds: promoted, following, and the posts of one hashtag. Each is the shared listing query
//! with fixed settings (see `crate::listing`).
pub mod following;
pub mod hashtag_posts;
pub mod promoted;
