//! `query_posts` against real PostgreSQL and Redis: sorts, the reactions keyset walk,
//! playlists, trimming to the p3a's buffer and the page cache (§5.3, §5.4, §3.2).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod support;

use serde_json::{json, Value};
use sqlx::PgPool;
use support::*;

#[sqlx::test(migrations = "../../migrations")]
async fn sorts(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let mut made = vec![];
    for i in 0..12 {
        let p = plain(&pool, owner).await;
        // Creation times run against ids.
        set_post(
            &pool,
            p,
            &format!("created_at = now() - interval '{i} hours'"),
        )
        .await;
        made.push(p);
    }
    let r = query(&ctx, key, json!({"sort": "created_at", "limit": 50})).await;
    assert_eq!(ids(&r), made);
    let r = query(&ctx, key, json!({"sort": "reacted_at", "limit": 50})).await;
    assert_eq!(ids(&r), made.iter().rev().copied().collect::<Vec<_>>());

    // A seeded shuffle is stable across pages and differs between seeds.
    let walk = |seed: i64| {
        let ctx = &ctx;
        async move {
            let mut out = vec![];
            let mut cursor = Value::Null;
            loop {
                let r = query(
                    ctx,
                    key,
                    json!({"sort": "random", "random_seed": seed, "limit": 5, "cursor": cursor}),
                )
                .await;
                out.extend(ids(&r));
                match r.get("next_cursor") {
                    Some(c) => cursor = c.clone(),
                    None => break out,
                }
            }
        }
    };
    let a = walk(7).await;
    assert_eq!(a, walk(7).await);
    let mut sorted = a.clone();
    sorted.sort_unstable();
    let mut expected = made.clone();
    expected.sort_unstable();
    assert_eq!(sorted, expected, "every post exactly once");
    assert_ne!(a, walk(8).await);
    // Unseeded random returns a full page too.
    let r = query(&ctx, key, json!({"sort": "random", "limit": 50})).await;
    assert_eq!(ids(&r).len(), 12);
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_reactions_channel_walks_by_reaction_time(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let alice = user(&pool, "alice").await;
    let bob = user(&pool, "bob").await;
    let key = player(&pool, alice).await;
    let posts: Vec<i64> = futures_posts(&pool, bob, 5).await;
    // Alice's own private post she reacted to is allowed for her.
    let private = plain(&pool, alice).await;
    set_post(&pool, private, "public_visibility = false").await;
    let order = [posts[2], posts[0], private, posts[4], posts[1]];
    for (i, p) in order.iter().enumerate() {
        sqlx::query(
            "insert into reactions (post_id, user_id, emoji, created_at)
             values ($1, $2, '👍', now() - make_interval(mins => $3))",
        )
        .bind(p)
        .bind(alice)
        .bind(100 - i as i32)
        .execute(&pool)
        .await
        .unwrap();
    }
    // A second, newer reaction moves posts[2] to the front.
    sqlx::query("insert into reactions (post_id, user_id, emoji) values ($1, $2, '🔥')")
        .bind(posts[2])
        .bind(alice)
        .execute(&pool)
        .await
        .unwrap();
    let mut seen = vec![];
    let mut cursor = Value::Null;
    loop {
        let r = query(
            &ctx,
            key,
            json!({"channel": "reactions", "user_sqid": "s-alice", "limit": 2, "cursor": cursor}),
        )
        .await;
        seen.extend(ids(&r));
        match r.get("next_cursor") {
            Some(c) => {
                assert_eq!(r["has_more"], json!(true));
                assert!(
                    c.as_str().unwrap().parse::<i64>().is_err(),
                    "keyset, not offset"
                );
                cursor = c.clone();
            }
            None => break,
        }
    }
    assert_eq!(seen, vec![posts[2], posts[1], posts[4], private, posts[0]]);
    // Bob's player sees Alice's reactions without her private post.
    let bobs = player(&pool, bob).await;
    let r = query(
        &ctx,
        bobs,
        json!({"channel": "reactions", "user_handle": "alice", "sort": "created_at"}),
    )
    .await;
    assert_eq!(ids(&r), vec![posts[4], posts[2], posts[1], posts[0]]);
}

async fn futures_posts(pool: &PgPool, owner: i32, n: usize) -> Vec<i64> {
    let mut out = vec![];
    for _ in 0..n {
        out.push(plain(pool, owner).await);
    }
    out
}

#[sqlx::test(migrations = "../../migrations")]
async fn playlists_carry_their_visible_artworks(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let a = plain(&pool, owner).await;
    let hidden = plain(&pool, owner).await;
    set_post(&pool, hidden, "hidden_by_mod = true").await;
    let b = artwork(
        &pool,
        owner,
        Art {
            native: "gif",
            ..Art::default()
        },
    )
    .await;
    let list = playlist(&pool, owner, &[a, hidden, b]).await;
    let r = query(
        &ctx,
        key,
        json!({"criteria": [{"field": "kind", "op": "eq", "value": "playlist"}]}),
    )
    .await;
    assert_eq!(ids(&r), vec![list]);
    let p = &r["posts"][0];
    assert_eq!(p["kind"], json!("playlist"));
    assert_eq!(p["owner_handle"], json!("alice"));
    assert_eq!(p["total_artworks"], json!(3));
    assert_eq!(p["dwell_time_ms"], json!(12000));
    assert!(p["metadata_modified_at"].is_string());
    let arts = p["artworks"].as_array().unwrap();
    let art_ids: Vec<i64> = arts
        .iter()
        .map(|x| x["post_id"].as_i64().unwrap())
        .collect();
    assert_eq!(art_ids, vec![a, b]);
    assert_eq!(
        arts[0]["dwell_time_ms"],
        json!(5000),
        "the item's own dwell"
    );
    assert_eq!(arts[1]["dwell_time_ms"], json!(30000));
    assert!(arts[1]["art_url"].as_str().unwrap().ends_with(".gif"));
    assert_eq!(arts[0]["owner_handle"], json!("alice"));
}

#[sqlx::test(migrations = "../../migrations")]
async fn oversized_pages_are_cut_and_resumed_without_losing_posts(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let arts = futures_posts(&pool, owner, 150).await;
    // Four playlists of 150 artworks each: about 60 KB per playlist item.
    let mut lists = vec![];
    for _ in 0..4 {
        lists.push(playlist(&pool, owner, &arts).await);
    }
    let only_lists = json!([{"field": "kind", "op": "eq", "value": "playlist"}]);
    let mut seen = vec![];
    let mut cursor = Value::Null;
    let mut pages = 0;
    loop {
        let rid = uuid::Uuid::new_v4().simple().to_string();
        let payload = serde_json::to_vec(&json!({
            "request_id": rid, "request_type": "query_posts", "player_key": key,
            "limit": 4, "criteria": only_lists, "cursor": cursor}))
        .unwrap();
        let (_, body) = raw(&ctx, key, &payload).await;
        assert!(
            body.len() <= protocol::MAX_REPLY_BYTES,
            "{} bytes",
            body.len()
        );
        let r: Value = serde_json::from_slice(&body).unwrap();
        let page = ids(&r);
        assert!(!page.is_empty());
        for p in r["posts"].as_array().unwrap() {
            assert_eq!(p["artworks"].as_array().unwrap().len(), 150);
        }
        seen.extend(page);
        pages += 1;
        match r.get("next_cursor") {
            Some(c) => cursor = c.clone(),
            None => break,
        }
    }
    assert!(pages >= 2, "the page had to be cut");
    assert_eq!(seen, lists.iter().rev().copied().collect::<Vec<_>>());
}

#[sqlx::test(migrations = "../../migrations")]
async fn pages_are_cached_until_the_feeds_generation_moves(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let first = plain(&pool, owner).await;
    let r = query(&ctx, key, json!({"limit": 10})).await;
    assert_eq!(ids(&r), vec![first]);
    // Written behind the cache's back: the cached page is still served.
    let second = plain(&pool, owner).await;
    let r = query(&ctx, key, json!({"limit": 10})).await;
    assert_eq!(ids(&r), vec![first]);
    // A different normalised request is a different page.
    let r = query(&ctx, key, json!({"limit": 9})).await;
    assert_eq!(ids(&r), vec![second, first]);
    // Any api write bumps the generation; the next request sees the change.
    feeds_changed(&ctx).await;
    let r = query(&ctx, key, json!({"limit": 10})).await;
    assert_eq!(ids(&r), vec![second, first]);
    // The TTL bounds staleness when no bump comes.
    let third = plain(&pool, owner).await;
    tokio::time::sleep(device::requests::cache::PAGE_TTL).await;
    let r = query(&ctx, key, json!({"limit": 10})).await;
    assert_eq!(ids(&r), vec![third, second, first]);
}
