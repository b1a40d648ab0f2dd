//! The presence sweep: players marked online that have been silent for 3 minutes (no status,
//! and no LWT reached us) are set offline. Every bridge runs it; the update is idempotent, so
//! several bridges sweeping at once only repeat a no-op.
use std::time::Duration;

use crate::telemetry;

pub(crate) async fn run(ctx: device::Ctx, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match device::presence::sweep_offline(&ctx).await {
            Ok(0) => {}
            Ok(n) => {
                telemetry::swept(n);
                tracing::info!(players = n, "marked silent players offline");
            }
            Err(e) => tracing::warn!(error = %e, "presence sweep failed"),
        }
    }
}
