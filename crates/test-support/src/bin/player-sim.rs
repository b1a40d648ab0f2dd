//! `player-sim`: one simulated p3a for the browser end-to-end test (web/e2e/player.mjs). It
//! provisions, waits for its owner to register the code on the web, connects over mTLS and
//! reports what it receives as JSON lines on stdout until stdin closes or SIGTERM arrives.
use std::io::{BufRead, Write};
use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use serde_json::{json, Value};
use test_support::player_sim::{Credentials, DeviceHttp, PlayerSim, SimConfig, SimError};

/// The command line: `--api <SITE>/api [--bind-ip 127.0.0.x] [--vault <URL>]`.
struct Args {
    api: String,
    bind_ip: IpAddr,
    vault: Option<String>,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> anyhow::Result<Args> {
    let (mut api, mut bind_ip, mut vault) = (None, None, None);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--api" => api = Some(value()?),
            "--bind-ip" => bind_ip = Some(value()?.parse().context("--bind-ip")?),
            "--vault" => vault = Some(value()?),
            other => bail!("unknown argument {other:?}"),
        }
    }
    Ok(Args {
        api: api.context("--api is required")?,
        // Provisioning allows 10 an hour per address: a fresh loopback address per run.
        bind_ip: bind_ip.unwrap_or_else(fresh_loopback),
        vault,
    })
}

fn fresh_loopback() -> IpAddr {
    let b = *uuid::Uuid::new_v4().as_bytes();
    IpAddr::V4(Ipv4Addr::new(127, b[0].max(1), b[1], b[2].clamp(2, 254)))
}

/// One JSON line; flushed at once because the reader waits on it.
fn emit(line: &Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Resolves when stdin reaches end of file (the parent went away or closed it).
fn stdin_closed() -> tokio::sync::oneshot::Receiver<()> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    // tokio's stdin needs a feature the workspace does not enable; a thread does the same.
    std::thread::spawn(move || {
        let mut lines = std::io::stdin().lock().lines();
        while let Some(Ok(_)) = lines.next() {}
        let _ = tx.send(());
    });
    rx
}

/// Polls for the credentials as the p3a does, a little faster (the api allows 30 a minute per
/// address); 404 (not registered yet), 429 and 5xx only mean "ask again".
async fn wait_registered(device: &DeviceHttp, key: &uuid::Uuid) -> anyhow::Result<Credentials> {
    // The registration code lives 15 minutes.
    for _ in 0..450 {
        match device.credentials(key).await {
            Ok(Some(c)) => return Ok(c),
            Ok(None) => {}
            Err(SimError::Status { status, .. }) if status == 429 || status >= 500 => {}
            Err(e) => return Err(e).context("credentials"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    bail!("nobody registered the code within 15 minutes")
}

/// Provisions, waits to be registered, connects, then reports every command it receives.
async fn run(args: Args) -> anyhow::Result<()> {
    let device = DeviceHttp::from_address(&args.api, args.bind_ip);
    let prov = device
        .provision("p3a", "1.1.1")
        .await
        .context("provision")?;
    emit(&json!({
        "event": "provisioned",
        "player_key": prov.player_key,
        "registration_code": prov.registration_code,
    }));
    let creds = wait_registered(&device, &prov.player_key).await?;
    let mut cfg = SimConfig::from_credentials(prov.player_key, &creds);
    cfg.auto_ack_opc = true;
    if let Some(vault) = args.vault {
        cfg.vault_base_url = vault;
    }
    let sim = PlayerSim::connect(cfg).await.context("MQTT connect")?;
    emit(&json!({"event": "connected"}));
    // Runs until main drops this future on a stop request.
    loop {
        if let Some(cmd) = sim.recv_command(Duration::from_secs(3600)).await {
            emit(&json!({
                "event": "command",
                "command_type": cmd["command_type"],
                "command_id": cmd["command_id"],
                "payload": cmd["payload"],
            }));
        }
    }
}

/// Resolves on SIGTERM or when stdin closes, whichever comes first.
async fn stop_requested() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("SIGTERM handler")?;
    let closed = stdin_closed();
    tokio::select! {
        _ = closed => {}
        _ = term.recv() => {}
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("player-sim: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    // Dropping the running future on a stop request drops the simulator, which closes its
    // connection; the broker then marks the player offline through the LWT.
    let outcome = tokio::select! {
        r = run(args) => r,
        r = stop_requested() => r,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("player-sim: {e:#}");
            ExitCode::FAILURE
        }
    }
}
