//! HTTP handlers, one file per verb, grouped by area. Routes are wired in `router.rs`.
pub mod auth;
pub mod posts;
pub mod system;
pub mod users;
