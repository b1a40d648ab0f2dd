//! `makapix-worker`: runs the job consumers and the schedule, logging JSON lines and exposing
//! Prometheus metrics on `WORKER_METRICS_BIND`.
use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_env_filter(filter)
        .init();

    let config = config::Config::from_env().context("reading configuration")?;
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .with_http_listener(config.worker_metrics_bind)
        .install()
        .context("starting the metrics listener")?;
    let pool = db::connect(config.database_url.expose(), 5)
        .await
        .context("connecting to PostgreSQL")?;
    let kv = kv::Kv::connect(config.redis_url.expose(), &config.redis_prefix)
        .await
        .context("connecting to Redis")?;
    let vault = vault::Vault::new(&config.vault_dir, config.vault_min_free_bytes);
    worker::run(worker::Deps {
        pool,
        config: std::sync::Arc::new(config),
        kv,
        vault,
    })
    .await
}
