//! `query_posts` (§3.3, §5): a channel page, rendered once and served from the page cache to
//! every player asking the same thing, trimmed to the p3a's buffer without losing posts.
use std::sync::Arc;

use db::player_query::{list_posts, ChannelFilter, Order, PageStart, PostFilter};
use db::players::ActivePlayer;
use protocol::cursor::{offset, parse_offset, ReactionCursor};
use protocol::request::{Channel, QueryPosts, Sort};
use protocol::trim;

use super::cache::{self, Page, PageKey};
use super::items::{self, Visibility};
use super::Reply;
use crate::{Ctx, DeviceError};

/// The channel, who may see private posts in it, and the order it is walked in.
struct Plan {
    channel: ChannelFilter,
    private_ok_for: Option<i32>,
    order: Order,
    start: PageStart,
}

pub async fn query_posts(
    ctx: &Ctx,
    player: &ActivePlayer,
    request_id: &str,
    q: QueryPosts,
) -> Result<Reply, DeviceError> {
    let plan = match plan(ctx, player, &q).await? {
        Ok(p) => p,
        Err((code, message)) => return Ok(Reply::error(request_id, code, &message)),
    };
    let hidden_tags = cache::hidden_tags(ctx, player.owner_id).await?;
    let key = PageKey {
        scope: cache::scope(ctx),
        channel: plan.channel,
        private_ok_for: plan.private_ok_for,
        hidden_tags,
        order: plan.order,
        start: plan.start,
        limit: q.limit,
        criteria: q.criteria,
        include: q.include_fields,
    };
    // Reaction lists change with every reaction and random pages are meant to differ.
    let cacheable =
        !matches!(key.channel, ChannelFilter::ReactedBy(_)) && key.order != Order::Random;
    let generation = if cacheable {
        cache::feeds_generation(ctx).await
    } else {
        None
    };
    let page = match generation {
        Some(g) => cache::page_or_render(key, g, |k| async move { render(ctx, &k).await }).await?,
        None => Arc::new(render(ctx, &key).await?),
    };
    let body = trim::fit(
        request_id,
        &page.posts,
        page.has_more,
        page.next_cursor.as_deref(),
        |k| page.resume[k].clone(),
    );
    Ok(Reply::raw(request_id, body, None))
}

type Refusal = (&'static str, String);

async fn plan(
    ctx: &Ctx,
    player: &ActivePlayer,
    q: &QueryPosts,
) -> Result<Result<Plan, Refusal>, DeviceError> {
    let mut private_ok_for = None;
    let channel = match q.channel {
        Channel::All | Channel::Artwork => ChannelFilter::Everything,
        Channel::Promoted => ChannelFilter::Promoted,
        Channel::User => {
            private_ok_for = Some(player.owner_id);
            ChannelFilter::OwnedBy(player.owner_id)
        }
        Channel::ByUser | Channel::Reactions => {
            let user = match target_user(ctx, q).await? {
                Ok(u) => u,
                Err(refusal) => return Ok(Err(refusal)),
            };
            if q.channel == Channel::ByUser {
                ChannelFilter::OwnedBy(user)
            } else {
                private_ok_for = Some(player.owner_id);
                ChannelFilter::ReactedBy(user)
            }
        }
        Channel::Hashtag => {
            let Some(raw) = q.hashtag.as_deref().filter(|h| !h.is_empty()) else {
                return Ok(Err((
                    "missing_hashtag",
                    "hashtag is required when channel='hashtag'".into(),
                )));
            };
            let tag = raw.trim().trim_start_matches('#').trim().to_lowercase();
            if tag.is_empty() {
                return Ok(Err(("invalid_hashtag", "hashtag cannot be empty".into())));
            }
            ChannelFilter::Hashtag(tag)
        }
    };
    let keyset = matches!(channel, ChannelFilter::ReactedBy(_))
        && matches!(q.sort, Sort::ServerOrder | Sort::ReactedAt);
    let order = match q.sort {
        _ if keyset => Order::ReactedDesc,
        Sort::CreatedAt => Order::CreatedDesc,
        Sort::Random => q.random_seed.map_or(Order::Random, Order::Seeded),
        Sort::ServerOrder | Sort::ReactedAt => Order::IdDesc,
    };
    let start = if keyset {
        match q.cursor.as_deref().and_then(ReactionCursor::decode) {
            Some(c) => PageStart::AfterReaction(c.id, c.reacted_at),
            None => PageStart::Offset(0),
        }
    } else {
        PageStart::Offset(parse_offset(q.cursor.as_deref()))
    };
    Ok(Ok(Plan {
        channel,
        private_ok_for,
        order,
        start,
    }))
}

/// The user `by_user`/`reactions` name: the handle when given, else the sqid.
async fn target_user(ctx: &Ctx, q: &QueryPosts) -> Result<Result<i32, Refusal>, DeviceError> {
    let handle = q.user_handle.as_deref().filter(|h| !h.is_empty());
    let sqid = q.user_sqid.as_deref().filter(|s| !s.is_empty());
    let Some(identifier) = handle.or(sqid) else {
        let channel = if q.channel == Channel::ByUser {
            "by_user"
        } else {
            "reactions"
        };
        return Ok(Err((
            "missing_user_identifier",
            format!("user_handle or user_sqid is required when channel='{channel}'"),
        )));
    };
    let found = db::player_feed_lookups::find_user_id(&ctx.db, handle, sqid).await?;
    Ok(found.ok_or_else(|| ("user_not_found", format!("User '{identifier}' not found"))))
}

/// Loads and renders one page; each post is serialized within the single-post budget.
async fn render(ctx: &Ctx, key: &PageKey) -> Result<Page, DeviceError> {
    let limit = usize::try_from(key.limit).unwrap_or(50);
    let filter = PostFilter {
        channel: key.channel.clone(),
        private_ok_for: key.private_ok_for,
        hidden_tags: &key.hidden_tags,
        criteria: &key.criteria,
        order: key.order,
        start: key.start,
        rows: i64::from(key.limit) + 1,
    };
    let mut rows = list_posts(&ctx.db, &filter).await?;
    let has_more = rows.len() > limit;
    rows.truncate(limit);
    let vis = Visibility {
        private_ok_for: key.private_ok_for,
        hidden_tags: &key.hidden_tags,
    };
    let budget = trim::post_budget();
    let posts = items::render(ctx, &rows, key.include, vis)
        .await?
        .iter_mut()
        .map(|p| trim::serialize_within(p, budget))
        .collect();
    let resume: Vec<String> = match key.start {
        PageStart::Offset(first) if key.order != Order::ReactedDesc => (0..=rows.len())
            .map(|k| offset(first + i64::try_from(k).unwrap_or(0)))
            .collect(),
        // Keyset: after k posts, continue after the k-th post's reaction.
        _ => std::iter::once(start_cursor(key.start))
            .chain(rows.iter().map(|r| match (r.reaction_id, r.reacted_at) {
                (Some(id), Some(reacted_at)) => ReactionCursor { id, reacted_at }.encode(),
                _ => String::new(),
            }))
            .collect(),
    };
    let next_cursor = has_more.then(|| resume[rows.len()].clone());
    Ok(Page {
        posts,
        has_more,
        next_cursor,
        resume,
    })
}

/// The cursor that repeats the current page of a keyset walk.
fn start_cursor(start: PageStart) -> String {
    match start {
        PageStart::AfterReaction(id, reacted_at) => ReactionCursor { id, reacted_at }.encode(),
        PageStart::Offset(n) => offset(n),
    }
}
