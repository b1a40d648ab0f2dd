//! `GET /u/{sqid}/player/sse?ticket=…`: the owner's players live, as server-sent events
//! (§3.7). The mqtt-bridge publishes each change on the Redis channel
//! `kv::pubsub::PLAYER_EVENTS` as `{"user_id", "event", "data"}`; every api process holds one
//! subscription (a `realtime::Hub`) and forwards `event: <event>` / `data: <data>` to the
//! owner's streams, so it works whichever instance the browser reached. Events: `state`,
//! `capabilities`, `status`; a `: keepalive` comment every 15 s.
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use serde::Deserialize;
use serde_json::Value;

use super::sse_ticket::ticket_key;
use crate::error::{ApiError, ApiResult};
use crate::realtime::Feed;
use crate::state::AppState;

pub const KEEPALIVE: Duration = Duration::from_secs(15);
/// How long a new stream waits for this process's subscription before answering anyway.
const SUBSCRIBE_WAIT: Duration = Duration::from_secs(2);

#[derive(Debug, Deserialize)]
pub struct TicketQuery {
    pub ticket: Option<String>,
}

#[derive(Deserialize)]
struct Published {
    user_id: i32,
    event: String,
    data: Value,
}

/// The hub decoder for `PLAYER_EVENTS`: the owner, and `"<event>\n<data JSON>"` (compact JSON
/// holds no raw newline, so the first one separates the two).
pub fn decode(payload: &str) -> Option<(i32, Arc<str>)> {
    let p: Published = match serde_json::from_str(payload) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "player events: unreadable message");
            return None;
        }
    };
    let name_ok = !p.event.is_empty()
        && p.event.len() <= 32
        && p.event.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if !name_ok {
        tracing::warn!(event = %p.event, "player events: bad event name");
        return None;
    }
    Some((p.user_id, format!("{}\n{}", p.event, p.data).into()))
}

fn unauthorized() -> ApiError {
    ApiError::unauthorized("Invalid or expired ticket")
}

#[utoipa::path(get, path = "/u/{sqid}/player/sse", tag = "players",
    params(("sqid" = String, Path, description = "The owner's public sqid"),
           ("ticket" = String, Query, description = "From `POST /u/{sqid}/player/sse-ticket`; single use")),
    responses((status = 200, content_type = "text/event-stream",
               description = "Events `state` {type, player_id, state}, `capabilities` {type, \
                              player_id, capabilities, firmware_version}, `status`; \
                              `: keepalive` comments every 15 s"),
              (status = 401, description = "Missing, expired, used or foreign ticket")))]
pub async fn player_events(
    State(state): State<AppState>,
    Path(sqid): Path<String>,
    Query(q): Query<TicketQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let ticket = q
        .ticket
        .filter(|t| !t.is_empty())
        .ok_or_else(unauthorized)?;
    // GETDEL: a ticket opens one stream, even when two requests race with it.
    let owner = state
        .kv
        .get_del(&ticket_key(&ticket))
        .await?
        .and_then(|v| v.parse::<i32>().ok())
        .ok_or_else(unauthorized)?;
    let user = db::users::find_by_id(&state.db, owner)
        .await?
        .filter(|u| u.public_sqid == sqid)
        .ok_or_else(unauthorized)?;
    let feed = state.player_events.join(user.id, SUBSCRIBE_WAIT).await;
    Ok(event_stream(feed, KEEPALIVE))
}

/// `: connected`, then one event per message until the hub ends the feed.
pub fn event_stream(
    feed: Feed,
    keepalive: Duration,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let hello = futures::stream::once(async { Ok(Event::default().comment("connected")) });
    let events = futures::stream::unfold(feed, |mut feed| async move {
        let item = feed.recv().await?;
        Some((Ok(to_event(&item)), feed))
    });
    Sse::new(hello.chain(events)).keep_alive(KeepAlive::new().interval(keepalive).text("keepalive"))
}

fn to_event(item: &str) -> Event {
    let (name, data) = item.split_once('\n').unwrap_or(("message", item));
    Event::default().event(name).data(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;
    use http_body_util::BodyExt;

    #[test]
    fn messages_decode_to_their_owner_and_event() {
        let msg = r#"{"user_id":4,"event":"state","data":{"type":"state","player_id":"p","state":{"brightness":42}}}"#;
        let (user, item) = decode(msg).unwrap();
        assert_eq!(user, 4);
        let (name, data) = item.split_once('\n').unwrap();
        assert_eq!(name, "state");
        let data: Value = serde_json::from_str(data).unwrap();
        assert_eq!(data["state"]["brightness"], 42);
        assert!(decode("nope").is_none());
        assert!(decode(r#"{"user_id":4,"event":"x\ny","data":{}}"#).is_none());
        assert!(decode(r#"{"user_id":4,"event":"","data":{}}"#).is_none());
        assert!(decode(r#"{"event":"state","data":{}}"#).is_none());
    }

    #[tokio::test]
    async fn the_stream_names_each_event_and_keeps_alive() {
        let hub =
            crate::realtime::Hub::with_decoder("redis://127.0.0.1:6379", "unused".into(), decode);
        let feed = hub.register(4);
        let resp = event_stream(feed, Duration::from_millis(40)).into_response();
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        let reading = tokio::spawn(resp.into_body().collect());
        hub.deliver(r#"{"user_id":4,"event":"capabilities","data":{"type":"capabilities"}}"#);
        hub.deliver(r#"{"user_id":5,"event":"state","data":{}}"#);
        tokio::time::sleep(Duration::from_millis(150)).await;
        hub.close_all();
        let body = tokio::time::timeout(Duration::from_secs(2), reading)
            .await
            .unwrap()
            .unwrap()
            .unwrap()
            .to_bytes();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.starts_with(": connected\n\n"), "{text}");
        assert!(
            text.contains("event: capabilities\ndata: {\"type\":\"capabilities\"}\n\n"),
            "{text}"
        );
        assert!(!text.contains("event: state"), "{text}");
        assert!(text.contains(": keepalive\n\n"), "{text}");
    }
}
