//! Response and request shapes shared by several handlers (exported through OpenAPI).
pub mod auth;
pub mod notification;
pub mod player;
pub mod playlist;
pub mod post;
pub mod user;
