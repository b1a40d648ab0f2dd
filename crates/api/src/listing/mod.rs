//! Post listings: the shared query, its cache and the per-viewer filters applied after it.
pub mod cache;
pub mod cursor;
pub mod hot;
pub mod page;
pub mod params;
pub mod viewer;
