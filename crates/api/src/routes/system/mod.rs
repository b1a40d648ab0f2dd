//! Liveness, readiness, public configuration.
pub mod config;
pub mod health;
pub mod ready;
