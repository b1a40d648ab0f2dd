//! The notification shape of http-api.md §2.11. Defined next to the shared producer
//! (`device::notify`), which publishes it for the live stream.
pub use device::notify::{Notification, Published};
