//! Keeps each apalis worker alive: a worker whose backend fails (Redis restarting, say) stops
//! with an error, so it is rebuilt after a growing pause until shutdown is requested.
use std::future::Future;
use std::time::{Duration, Instant};

use apalis_core::error::WorkerError;
use tokio::sync::watch;

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const MAX_PAUSE: Duration = Duration::from_secs(30);
/// A worker that ran this long before failing is treated as healthy again.
const HEALTHY_RUN: Duration = Duration::from_secs(60);

/// The shared shutdown flag, handed to every worker.
#[derive(Clone)]
pub(crate) struct Stop(pub(crate) watch::Receiver<bool>);

impl Stop {
    /// The future apalis' `run_until` waits on; a dropped sender also means stop.
    pub(crate) fn signal(&self) -> impl Future<Output = std::io::Result<()>> + Send + 'static {
        let mut rx = self.0.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
            Ok(())
        }
    }

    fn requested(&self) -> bool {
        *self.0.borrow()
    }
}

/// Runs `start` again and again until shutdown is requested. A worker that ends on its own,
/// with or without an error, is restarted: the queues must always have a consumer.
pub(crate) async fn supervise<F, Fut>(name: &'static str, stop: Stop, start: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), WorkerError>>,
{
    let mut pause = FIRST_PAUSE;
    loop {
        if stop.requested() {
            return;
        }
        let began = Instant::now();
        let result = start().await;
        if stop.requested() {
            return;
        }
        if began.elapsed() >= HEALTHY_RUN {
            pause = FIRST_PAUSE;
        }
        metrics::counter!("worker_restarts_total", "worker" => name).increment(1);
        match result {
            Ok(()) => tracing::warn!(worker = name, retry_in = ?pause, "worker ended; restarting"),
            Err(e) => {
                tracing::warn!(worker = name, error = %e, retry_in = ?pause, "worker failed; restarting")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.signal() => return,
        }
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn restarts_a_failed_worker_and_stops_on_request() {
        let (tx, rx) = watch::channel(false);
        let stop = Stop(rx);
        let calls = Arc::new(AtomicUsize::new(0));
        let (c, s) = (calls.clone(), stop.clone());
        let supervisor = tokio::spawn(supervise("test", stop, move || {
            let n = c.fetch_add(1, Ordering::SeqCst);
            let signal = s.signal();
            async move {
                if n == 0 {
                    return Err(WorkerError::PanicError("boom".into()));
                }
                signal.await?;
                Ok(())
            }
        }));
        let start = Instant::now();
        while calls.load(Ordering::SeqCst) < 2 {
            assert!(start.elapsed() < Duration::from_secs(5), "not restarted");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tx.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(2), supervisor)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
