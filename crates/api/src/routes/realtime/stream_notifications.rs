//! `GET /v1/realtime/notifications`: the caller's notifications as server-sent events. First
//! `connected` with the authoritative `{unread_count}`, then one `notification` event per new
//! item, a `: keepalive` comment every 15 s and, after 5 minutes (or when the server wants the
//! client elsewhere), `timeout` before the stream closes; the client reconnects at once.
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use tokio::time::Instant;

use crate::error::ApiResult;
use crate::extract::AuthUser;
use crate::realtime::Feed;
use crate::state::AppState;

/// How long a stream lives and how often it proves it is alive.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub keepalive: Duration,
    pub lifetime: Duration,
}

pub const TIMING: Timing = Timing {
    keepalive: Duration::from_secs(15),
    lifetime: Duration::from_secs(300),
};

/// How long a new stream waits for this process's subscription before answering anyway.
const SUBSCRIBE_WAIT: Duration = Duration::from_secs(2);

#[utoipa::path(get, path = "/v1/realtime/notifications", tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/event-stream",
                description = "Events `connected` {unread_count}, `notification` (an item as in \
                               the list), `timeout`; `: keepalive` comments every 15 s"),
              (status = 401, description = "Not signed in (the token goes in the Authorization header)")))]
pub async fn stream_notifications(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Joined before counting, so an item raised in between is both counted and delivered
    // rather than neither.
    let feed = state.realtime.join(user.id, SUBSCRIBE_WAIT).await;
    let unread = db::notifications::unread_count(&state.db, user.id).await?;
    Ok(event_stream(feed, unread, TIMING))
}

enum Phase {
    Connected(i64),
    Live,
    Done,
}

struct Live {
    feed: Feed,
    deadline: Instant,
    phase: Phase,
}

pub fn event_stream(
    feed: Feed,
    unread_count: i64,
    timing: Timing,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let start = Live {
        feed,
        deadline: Instant::now() + timing.lifetime,
        phase: Phase::Connected(unread_count),
    };
    let events = futures::stream::unfold(start, |mut s| async move {
        let event = match s.phase {
            Phase::Connected(n) => {
                s.phase = Phase::Live;
                Event::default()
                    .event("connected")
                    .data(format!("{{\"unread_count\":{n}}}"))
            }
            Phase::Live => {
                tokio::select! {
                    item = s.feed.recv() => match item {
                        Some(json) => notification(&json),
                        None => {
                            s.phase = Phase::Done;
                            timeout()
                        }
                    },
                    _ = tokio::time::sleep_until(s.deadline) => {
                        s.phase = Phase::Done;
                        timeout()
                    }
                }
            }
            Phase::Done => return None,
        };
        Some((Ok(event), s))
    });
    Sse::new(events).keep_alive(
        KeepAlive::new()
            .interval(timing.keepalive)
            .text("keepalive"),
    )
}

fn notification(json: &Arc<str>) -> Event {
    Event::default().event("notification").data(&**json)
}

fn timeout() -> Event {
    Event::default().event("timeout").data("{}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn connected_then_keepalives_then_timeout_and_close() {
        let hub = crate::realtime::Hub::new("redis://127.0.0.1:6379", "unused".into());
        let feed = hub.register(3);
        let timing = Timing {
            keepalive: Duration::from_millis(40),
            lifetime: Duration::from_millis(300),
        };
        let resp = event_stream(feed, 4, timing).into_response();
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        let started = std::time::Instant::now();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let elapsed = started.elapsed();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(
            text.starts_with("event: connected\ndata: {\"unread_count\":4}\n\n"),
            "{text}"
        );
        assert!(text.matches(": keepalive\n\n").count() >= 3, "{text}");
        assert!(text.ends_with("event: timeout\ndata: {}\n\n"), "{text}");
        assert!(elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(3));
        assert_eq!(hub.connections(), 0);
    }

    #[tokio::test]
    async fn close_all_ends_streams_with_timeout() {
        let hub = crate::realtime::Hub::new("redis://127.0.0.1:6379", "unused".into());
        let feed = hub.register(3);
        let resp = event_stream(feed, 0, TIMING).into_response();
        hub.close_all();
        let body = tokio::time::timeout(Duration::from_secs(2), resp.into_body().collect())
            .await
            .unwrap()
            .unwrap()
            .to_bytes();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert_eq!(
            text,
            "event: connected\ndata: {\"unread_count\":0}\n\nevent: timeout\ndata: {}\n\n"
        );
    }
}
