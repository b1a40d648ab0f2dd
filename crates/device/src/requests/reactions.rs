//! `submit_reaction` / `revoke_reaction` (§3.3): emoji reactions attributed to the player's
//! owner, with the web's rules (five distinct emoji per post, checked under the post-row lock;
//! re-adding is a no-op), the same cache invalidation as the web's reaction routes, and the
//! same notification to the post's author when a reaction is new.
use db::player_feed_lookups::post_owner;
use db::players::ActivePlayer;
use db::reactions::{self, Reactor};
use domain::limits::MAX_EMOJIS_PER_USER_PER_POST;
use protocol::response;

use super::Reply;
use crate::notify::{self, Kind, Notice, Outlet};
use crate::{Ctx, DeviceError};

pub async fn submit_reaction(
    ctx: &Ctx,
    player: &ActivePlayer,
    request_id: &str,
    post_id: i64,
    emoji: &str,
) -> Result<Reply, DeviceError> {
    let refuse = |code, message: &str| Ok(Reply::error(request_id, code, message));
    let emoji = emoji.trim();
    if emoji.is_empty() {
        return refuse("invalid_emoji", "Emoji cannot be empty");
    }
    let not_found = format!("Post {post_id} not found");
    let author = match post_owner(&ctx.db, post_id).await? {
        None => return refuse("not_found", &not_found),
        Some((_, true)) => return refuse("deleted", "Post has been deleted"),
        Some((author, false)) => author,
    };
    if db::social::blocked_either_way(&ctx.db, player.owner_id, author).await? {
        return refuse("blocked", "A block stands between you and the author");
    }
    let me = Reactor::User(player.owner_id);
    let mut tx = ctx.db.begin().await.map_err(db::DbError::from)?;
    // The row lock serialises this owner's concurrent requests: cap check and insert are atomic.
    if !reactions::lock_post(&mut tx, post_id).await? {
        return refuse("not_found", &not_found);
    }
    let mine = reactions::emojis_of(&mut *tx, post_id, me).await?;
    if mine.iter().any(|e| e == emoji) {
        return Ok(Reply::ok(request_id, response::reaction_ok(request_id)));
    }
    if mine.len() >= MAX_EMOJIS_PER_USER_PER_POST as usize {
        return refuse(
            "reaction_limit_exceeded",
            &format!("At most {MAX_EMOJIS_PER_USER_PER_POST} different reactions per post"),
        );
    }
    let added = reactions::insert(&mut tx, post_id, me, emoji).await?;
    tx.commit().await.map_err(db::DbError::from)?;
    if added {
        counters_changed(ctx, post_id, author).await;
        notify_author(ctx, player.owner_id, author, post_id, emoji).await;
    }
    Ok(Reply::ok(request_id, response::reaction_ok(request_id)))
}

/// Always succeeds: removing what is not there changes nothing.
pub async fn revoke_reaction(
    ctx: &Ctx,
    player: &ActivePlayer,
    request_id: &str,
    post_id: i64,
    emoji: &str,
) -> Result<Reply, DeviceError> {
    let emoji = emoji.trim();
    if !emoji.is_empty()
        && reactions::delete(&ctx.db, post_id, Reactor::User(player.owner_id), emoji).await?
    {
        if let Some((author, _)) = post_owner(&ctx.db, post_id).await? {
            counters_changed(ctx, post_id, author).await;
        }
    }
    Ok(Reply::ok(request_id, response::reaction_ok(request_id)))
}

/// What the web's reaction routes bump: the post's permalink family and the author's
/// profile-stats family (`user:{id}`). Failures are logged; the TTLs correct them.
async fn counters_changed(ctx: &Ctx, post_id: i64, author: i32) {
    for family in [kv::cache::post_family(post_id), format!("user:{author}")] {
        if let Err(e) = ctx.kv.bump_generation(&family).await {
            tracing::warn!(error = %e, family, "cache invalidation failed");
        }
    }
}

/// The web's reaction notice, from the player's owner. The reaction is stored already, so a
/// failure here is logged and the player still gets its success reply.
async fn notify_author(ctx: &Ctx, reactor: i32, author: i32, post_id: i64, emoji: &str) {
    let me = match db::users::find_by_id(&ctx.db, reactor).await {
        Ok(Some(u)) => u,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, reactor, "reaction notification skipped");
            return;
        }
    };
    let to = Outlet {
        db: &ctx.db,
        kv: &ctx.kv,
        vault_base_url: &ctx.vault_base_url,
    };
    let notice = Notice {
        emoji: Some(emoji),
        ..Notice::new(author, Kind::Reaction, Some(&me)).post(post_id)
    };
    notify::notify(to, notice).await;
}
