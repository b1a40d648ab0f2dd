//! `makapix-smtp-sink [ADDR] [DIR]`: the local stack's mail sink (default 127.0.0.1:2525, .stack/mail).
use std::sync::Arc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().json().init();
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:2525".into());
    let dir = args.next().unwrap_or_else(|| ".stack/mail".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    tracing::info!(%addr, %dir, "smtp sink listening");
    smtp_sink::serve(
        listener,
        dir.into(),
        Arc::new(smtp_sink::Control::default()),
    )
    .await?;
    Ok(())
}
