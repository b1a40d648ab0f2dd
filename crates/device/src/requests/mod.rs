//! Player requests (§3.2, §3.3): the dispatcher behind `…/request/{id}` (mqtt-bridge) and
//! `/player/rpc` (api). A request always gets a reply: the success body of its type or the
//! error envelope `{request_id, success:false, error, error_code}`; storage failures become
//! `internal_error` without details.
pub mod cache;
mod comments;
mod echo;
mod get_post;
pub mod items;
mod playset;
mod query_posts;
mod reactions;

use db::players::ActivePlayer;
use protocol::request::{self, Request, RequestBody, RequestError};
use protocol::response;
use serde_json::Value;
use uuid::Uuid;

pub use echo::ECHO_LIMIT;
pub use playset::FOLLOWED_ARTISTS;

use crate::{Ctx, DeviceError};

pub const AUTHENTICATION_FAILED: &str = "authentication_failed";
pub const INTERNAL_ERROR: &str = "internal_error";

/// A reply ready to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Where it goes: `response/{request_id}` (`unknown` when the payload had no usable id).
    pub request_id: String,
    /// Compact JSON, exactly the bytes to publish.
    pub body: Vec<u8>,
    /// `None` on success; the reply's `error_code` otherwise (for `/player/rpc` statuses).
    pub error_code: Option<&'static str>,
}

impl Reply {
    pub fn raw(request_id: &str, body: Vec<u8>, error_code: Option<&'static str>) -> Self {
        Self {
            request_id: request_id.to_string(),
            body,
            error_code,
        }
    }

    pub fn json(request_id: &str, body: Value, error_code: Option<&'static str>) -> Self {
        Self::raw(
            request_id,
            serde_json::to_vec(&body).unwrap_or_default(),
            error_code,
        )
    }

    pub fn ok(request_id: &str, body: Value) -> Self {
        Self::json(request_id, body, None)
    }

    pub fn error(request_id: &str, code: &'static str, message: &str) -> Self {
        Self::json(
            request_id,
            response::error(request_id, message, code),
            Some(code),
        )
    }

    /// The answer to a payload that is not a valid request.
    pub fn rejected(e: &RequestError) -> Self {
        Self::error(e.reply_id(), e.code, &e.message)
    }

    /// The answer when the topic's (or token's) player may not act.
    pub fn authentication_failed(request_id: &str) -> Self {
        Self::error(
            request_id,
            AUTHENTICATION_FAILED,
            "Player authentication failed",
        )
    }

    pub fn internal(request_id: &str) -> Self {
        Self::error(request_id, INTERNAL_ERROR, "Internal error")
    }

    /// The body as a JSON value (tests, logs).
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Runs a parsed request of an authenticated, active player.
#[tracing::instrument(skip_all, fields(request_type = req.body.request_type()))]
pub async fn handle(ctx: &Ctx, player: &ActivePlayer, req: Request) -> Reply {
    let id = req.request_id.as_str();
    let result = match req.body {
        RequestBody::QueryPosts(q) => query_posts::query_posts(ctx, player, id, q).await,
        RequestBody::GetPost {
            post_id,
            include_fields,
        } => get_post::get_post(ctx, player, id, post_id, include_fields).await,
        RequestBody::SubmitReaction { post_id, emoji } => {
            reactions::submit_reaction(ctx, player, id, post_id, &emoji).await
        }
        RequestBody::RevokeReaction { post_id, emoji } => {
            reactions::revoke_reaction(ctx, player, id, post_id, &emoji).await
        }
        RequestBody::GetComments {
            post_id,
            cursor,
            limit,
        } => comments::get_comments(ctx, player, id, post_id, cursor.as_deref(), limit).await,
        RequestBody::GetPlayset { playset_name } => {
            playset::get_playset(ctx, player, id, &playset_name).await
        }
        RequestBody::Echo { echo_data } => echo::echo(ctx, player, id, &echo_data).await,
    };
    result.unwrap_or_else(|e: DeviceError| {
        tracing::error!(error = %e, player_id = %player.id, "player request failed");
        Reply::internal(id)
    })
}

/// One MQTT request: `key` is the player named by the topic (its identity), `payload` the
/// message. Returns the reply's request id (the topic level to answer on) and its bytes.
/// Unparseable JSON is answered on `unknown` before anything else; then the player is
/// authenticated, then the request validated and run.
pub async fn handle_mqtt(ctx: &Ctx, key: Uuid, payload: &[u8]) -> Option<(String, Vec<u8>)> {
    let parsed = request::parse(payload);
    let reply_id = match &parsed {
        Err(e) if e.code == request::INVALID_JSON => {
            let r = Reply::rejected(e);
            return Some((r.request_id, r.body));
        }
        Err(e) => e.reply_id().to_string(),
        Ok(r) => r.request_id.clone(),
    };
    let player = match cache::active_player(ctx, key).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            let r = Reply::authentication_failed(&reply_id);
            return Some((r.request_id, r.body));
        }
        Err(e) => {
            tracing::error!(error = %e, %key, "player lookup failed");
            let r = Reply::internal(&reply_id);
            return Some((r.request_id, r.body));
        }
    };
    let reply = match parsed {
        Ok(req) => handle(ctx, &player, req).await,
        Err(e) => Reply::rejected(&e),
    };
    Some((reply.request_id, reply.body))
}
