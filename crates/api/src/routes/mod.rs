//! HTTP handlers, one file per verb, grouped by area. Routes are wired in `router.rs`.
pub mod auth;
pub mod feeds;
pub mod hashtags;
pub mod playlists;
pub mod posts;
pub mod search;
pub mod system;
pub mod users;
