//! The player protocol of player-protocol.md §3: topics, request and reply payloads, the
//! criteria language, cursors, commands, presence, capabilities and view events. Pure types
//! and functions, no IO: the mqtt-bridge, the api's `/player/rpc` and the simulator share them.
pub mod capabilities;
pub mod command;
pub mod criteria;
pub mod cursor;
pub mod presence;
pub mod request;
pub mod response;
pub mod topic;
pub mod trim;
pub mod view;

pub use topic::{PlayerTopic, TopicKind};

/// Largest reply a p3a accepts (its buffer is 128 KiB − 1).
pub const MAX_REPLY_BYTES: usize = 131_071;
