//! Every SQL statement of the service lives here, one module per aggregate, checked at
//! compile time against the migrations (`.sqlx/` holds the offline data).
pub mod audit;
pub mod bench_seed;
pub mod comments;
pub mod error;
pub mod hashtags;
pub mod highlights;
pub mod identities;
pub mod maintenance;
pub mod moderation;
pub mod notifications;
pub mod one_time;
pub mod player_channels;
pub mod player_commands;
pub mod player_feed_lookups;
pub mod player_presence;
pub mod player_query;
pub mod player_tokens;
pub mod player_views;
pub mod players;
pub mod playlists;
pub mod post_artwork;
pub mod post_edits;
pub mod post_list;
pub mod post_views;
pub mod posts;
pub mod profile_stats;
pub mod reacted_posts;
pub mod reactions;
pub mod refresh;
pub mod reports;
pub mod search;
pub mod social;
pub mod user_views;
pub mod users;
pub mod view_events;

pub use error::{DbError, DbResult};
pub use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// Migrations embedded from the workspace `migrations/` directory.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Connects a pool with conservative limits suitable for one process.
pub async fn connect(url: &str, max_connections: u32) -> DbResult<PgPool> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(url)
        .await?;
    Ok(pool)
}
