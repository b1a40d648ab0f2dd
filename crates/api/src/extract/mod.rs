//! Request extractors: validated JSON, the caller's identity, the client address, rate limits.
pub mod auth_user;
pub mod client_ip;
pub mod device_token;
pub mod json;
pub mod query;
pub mod rate;

pub use auth_user::{AuthUser, MaybeAuthUser};
pub use client_ip::ClientIp;
pub use device_token::DeviceToken;
pub use json::ValidJson;
pub use query::ValidQuery;
pub use rate::RateLimiter;
