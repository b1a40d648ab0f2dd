//! The licences an artwork may carry (http-api.md §2.14); the upload form offers them.
pub mod list_licenses;
