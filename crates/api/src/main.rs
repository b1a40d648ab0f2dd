//! `makapix-api [serve|migrate|seed|seed-bench]`: the HTTP server, the release-time migration
//! step, the idempotent seeding of reference data and the owner account, and the benchmark data.
//! `pki-init` creates the players' CA once, (re)issues the broker certificate and writes the CRL.
use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    api::init_tracing();
    let cmd = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "serve".to_string());
    let config = config::Config::from_env().context("reading configuration")?;
    match cmd.as_str() {
        "migrate" => {
            let pool = db::connect(config.database_url.expose(), 2).await?;
            db::MIGRATOR
                .run(&pool)
                .await
                .context("running migrations")?;
            tracing::info!("migrations applied");
        }
        "seed" => {
            let pool = db::connect(config.database_url.expose(), 2).await?;
            let kv = kv::Kv::connect(config.redis_url.expose(), &config.redis_prefix).await?;
            let state = api::AppState::new(config, pool, kv)?;
            api::seed::run(&state).await?;
        }
        "pki-init" => {
            let pool = db::connect(config.database_url.expose(), 2).await?;
            api::pki_files::init(&config, &pool).await?;
        }
        "seed-bench" => {
            std::process::exit(api::seed_bench::command(&config, std::env::args().skip(2)).await)
        }
        "serve" => {
            metrics_exporter_prometheus::PrometheusBuilder::new()
                .with_http_listener(config.api_metrics_bind)
                .install()
                .context("starting the metrics listener")?;
            let pool = db::connect(config.database_url.expose(), 20).await?;
            api::pki_files::refresh_on_startup(&config, &pool).await;
            let kv = kv::Kv::connect(config.redis_url.expose(), &config.redis_prefix).await?;
            let state = api::AppState::new(config, pool, kv)?;
            api::serve(state).await?;
        }
        other => {
            anyhow::bail!(
                "unknown command {other}; expected serve, migrate, seed, seed-bench or pki-init"
            )
        }
    }
    Ok(())
}
