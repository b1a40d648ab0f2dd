//! `echo` (diagnostic): the data back with the server's time, 10 per 60 s per player.
use db::players::ActivePlayer;
use protocol::response;

use super::Reply;
use crate::{Ctx, DeviceError};

pub const ECHO_LIMIT: kv::Limit = kv::Limit::new("player_echo", 10, 60);

pub async fn echo(
    ctx: &Ctx,
    player: &ActivePlayer,
    request_id: &str,
    data: &str,
) -> Result<Reply, DeviceError> {
    let decision = ctx.kv.hit(ECHO_LIMIT, &player.id.to_string()).await?;
    if !decision.allowed {
        return Ok(Reply::error(
            request_id,
            "rate_limit_exceeded",
            &format!(
                "Rate limit exceeded: at most {} echo requests per {} s; retry in {} s",
                ECHO_LIMIT.max, ECHO_LIMIT.window_secs, decision.reset_secs
            ),
        ));
    }
    Ok(Reply::ok(
        request_id,
        response::echo(request_id, data, chrono::Utc::now()),
    ))
}
