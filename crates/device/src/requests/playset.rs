//! `get_playset` (§3.3, §5.7): only `followed_artists` exists, the owner's followees as user
//! channels, most recent follow first. Any other name is a normal reply saying it is unknown.
use db::players::ActivePlayer;
use protocol::response::{self, PlaysetChannel};

use super::Reply;
use crate::{Ctx, DeviceError};

pub const FOLLOWED_ARTISTS: &str = "followed_artists";

pub async fn get_playset(
    ctx: &Ctx,
    player: &ActivePlayer,
    request_id: &str,
    name: &str,
) -> Result<Reply, DeviceError> {
    if name != FOLLOWED_ARTISTS {
        return Ok(Reply::json(
            request_id,
            response::playset_not_found(request_id, name),
            Some("playset_not_found"),
        ));
    }
    let channels: Vec<PlaysetChannel> =
        db::player_feed_lookups::followed_artists(&ctx.db, player.owner_id)
            .await?
            .into_iter()
            .map(|f| PlaysetChannel {
                kind: "user",
                identifier: f.public_sqid,
                display_name: format!("@{}", f.handle),
            })
            .collect();
    Ok(Reply::ok(
        request_id,
        response::playset(request_id, FOLLOWED_ARTISTS, &channels),
    ))
}
