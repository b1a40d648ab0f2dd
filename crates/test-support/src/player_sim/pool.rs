//! Many simulated players in one process (benchmarks): connected a few at a time so the TLS
//! handshakes do not all land on the broker at once.
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{PlayerSim, SimConfig, SimError};

pub struct PlayerPool {
    players: Vec<Arc<PlayerSim>>,
}

impl PlayerPool {
    /// Connects every configuration, at most `parallel` handshakes at a time; the first
    /// failure is returned (players already connected are dropped, firing their LWTs).
    pub async fn connect_all(configs: Vec<SimConfig>, parallel: usize) -> Result<Self, SimError> {
        let gate = Arc::new(Semaphore::new(parallel.max(1)));
        let tasks: Vec<_> = configs
            .into_iter()
            .map(|cfg| {
                let gate = gate.clone();
                tokio::spawn(async move {
                    let _permit = gate.acquire_owned().await;
                    PlayerSim::connect(cfg).await
                })
            })
            .collect();
        let mut players = Vec::with_capacity(tasks.len());
        for t in tasks {
            let sim = t
                .await
                .map_err(|e| SimError::Connect(format!("connect task failed: {e}")))??;
            players.push(Arc::new(sim));
        }
        Ok(Self { players })
    }

    /// Shared handles, to move into per-player tasks.
    pub fn players(&self) -> &[Arc<PlayerSim>] {
        &self.players
    }

    pub fn len(&self) -> usize {
        self.players.len()
    }

    pub fn is_empty(&self) -> bool {
        self.players.is_empty()
    }

    pub fn connected(&self) -> usize {
        self.players.iter().filter(|p| p.is_connected()).count()
    }

    /// Clean DISCONNECT of every player (no LWT).
    pub async fn disconnect_all(&self) {
        futures::future::join_all(self.players.iter().map(|p| p.disconnect())).await;
    }
}
