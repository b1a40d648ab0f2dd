//! Credentials: argon2id password hashes, HS256 access tokens, opaque secrets (refresh tokens,
//! links, codes) stored only as hashes, PKCE checks. Pure functions; callers do the IO.
pub mod device;
pub mod jwt;
pub mod password;
pub mod secrets;

pub use jwt::{AccessClaims, JwtKeys};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("invalid token")]
    InvalidToken,
    #[error("password hashing failed: {0}")]
    Hashing(String),
}
