//! `makapix-mqtt-bridge`: answers player requests and applies player messages, logging JSON
//! lines and exposing Prometheus metrics on `MQTT_BRIDGE_METRICS_BIND`. Stops on SIGTERM/SIGINT.
use anyhow::Context;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use mqtt_bridge::telemetry;

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
    PrometheusBuilder::new()
        .with_http_listener(config.mqtt_bridge_metrics_bind)
        .set_buckets_for_metric(
            Matcher::Full(telemetry::REQUEST_SECONDS.to_string()),
            telemetry::REQUEST_BUCKETS,
        )
        .context("configuring metric buckets")?
        .install()
        .context("starting the metrics listener")?;
    let settings = mqtt_bridge::Settings::from_config(&config);
    // One connection per concurrent request plus a few for the lanes and the sweep.
    let connections = u32::try_from(settings.max_concurrent_requests + 8).unwrap_or(40);
    let db = db::connect(config.database_url.expose(), connections)
        .await
        .context("connecting to PostgreSQL")?;
    let kv = kv::Kv::connect(config.redis_url.expose(), &config.redis_prefix)
        .await
        .context("connecting to Redis")?;
    let sqids = domain::SqidCodec::new(&config.sqids_alphabet).context("SQIDS_ALPHABET")?;
    let ctx = device::Ctx {
        db,
        kv,
        sqids,
        vault_base_url: config
            .vault_public_base_url
            .trim_end_matches('/')
            .to_string(),
    };
    mqtt_bridge::run(settings, ctx, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown requested");
}
