//! Raising social notifications (http-api.md §1.10) from the api's routes. The producer and
//! its rules live in `device::notify`, shared with player requests (a reaction sent from a
//! player notifies too); this binds it to the api's state.
pub use device::notify::{Kind, Notice};

use crate::dto::notification::Notification;
use crate::state::AppState;

/// Stores and publishes the notification unless a rule drops it (self-actions, blocked pairs,
/// the per-pair hourly cap). Returns it when stored; never fails the caller.
pub async fn notify(state: &AppState, n: Notice<'_>) -> Option<Notification> {
    let to = device::notify::Outlet {
        db: &state.db,
        kv: &state.kv,
        vault_base_url: &state.config.vault_public_base_url,
    };
    device::notify::notify(to, n).await
}
