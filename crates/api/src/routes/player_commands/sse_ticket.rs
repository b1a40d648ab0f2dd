//! `POST /u/{sqid}/player/sse-ticket`: a single-use ticket, valid 30 s, that opens the owner's
//! live player stream. `EventSource` cannot send an Authorization header, and an access token
//! in a URL would be logged for its whole hour of validity; a ticket is worthless once used.
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{AuthUser, RateLimiter};
use crate::limits::PLAYER_SSE_TICKET;
use crate::routes::players::ensure_self;
use crate::state::AppState;

pub const TICKET_TTL_SECS: u64 = 30;

/// The Redis key a ticket lives under (value: the owner's user id).
pub fn ticket_key(ticket: &str) -> String {
    format!("player_sse_ticket:{ticket}")
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SseTicket {
    pub ticket: String,
    pub expires_in: u64,
}

#[utoipa::path(post, path = "/u/{sqid}/player/sse-ticket", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid")),
    responses((status = 200, body = SseTicket),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's"),
              (status = 429, description = "60 tickets per minute")))]
pub async fn sse_ticket(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    limiter: RateLimiter,
    Path(sqid): Path<String>,
) -> ApiResult<Json<SseTicket>> {
    ensure_self(&me, &sqid)?;
    limiter.check(PLAYER_SSE_TICKET, &me.id.to_string()).await?;
    let ticket = auth::secrets::random_token();
    state
        .kv
        .set_ex(&ticket_key(&ticket), &me.id.to_string(), TICKET_TTL_SECS)
        .await?;
    Ok(Json(SseTicket {
        ticket,
        expires_in: TICKET_TTL_SECS,
    }))
}
