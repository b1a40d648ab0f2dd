//! The Makapix Club HTTP API: axum router, handlers and the edge (errors, auth, limits).
pub mod accounts;
pub mod cache;
pub mod device_errors;
pub mod dto;
pub mod edge_limit;
pub mod error;
pub mod extract;
pub mod limits;
pub mod listing;
pub mod middleware;
pub mod mqtt;
pub mod mqtt_kick;
pub mod notify;
pub mod openapi;
pub mod pki_files;
pub mod realtime;
pub mod router;
pub mod routes;
pub mod seed;
pub mod seed_bench;
pub mod session;
pub mod state;

pub use state::AppState;

/// Serves the api until the process is told to stop.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let bind = state.config.api_bind;
    let hub = state.realtime.clone();
    let player_hub = state.player_events.clone();
    let app = router::build(state);
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tracing::info!(%bind, "api listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    // Live streams would hold the shutdown for minutes; ending them sends clients `timeout`,
    // and they reconnect to another instance at once.
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        hub.close_all();
        player_hub.close_all();
    })
    .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// JSON-lines logs on stdout, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_env_filter(filter)
        .try_init();
}
