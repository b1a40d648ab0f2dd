//! Site search (http-api.md §2.5): users, artworks and playlists by trigram similarity.
pub mod search_all;
