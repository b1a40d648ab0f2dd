//! The player service: what a request, a view event or a presence message from a player does,
//! shared by the mqtt-bridge (MQTT) and the api (`/player/rpc`, `/player/events/view`).
//! Transport-free: callers parse topics and bodies, this crate reads and writes state.
pub mod context;
pub mod error;
pub mod notify;
pub mod presence;
pub mod requests;
pub mod views;

pub use context::Ctx;
pub use error::DeviceError;
