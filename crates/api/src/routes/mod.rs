//! HTTP handlers, one file per verb, grouped by area. Routes are wired in `router.rs`.
pub mod admin;
pub mod auth;
pub mod comments;
pub mod feeds;
pub mod hashtags;
pub mod notifications;
pub mod player_commands;
pub mod player_device;
pub mod players;
pub mod playlists;
pub mod posts;
pub mod reactions;
pub mod realtime;
pub mod reports;
pub mod search;
pub mod system;
pub mod users;
