//! Server-sent event streams for browsers (http-api.md §1.10). Notifications arrive through
//! this process's `realtime::Hub`, whichever instance raised them.
pub mod stream_notifications;
