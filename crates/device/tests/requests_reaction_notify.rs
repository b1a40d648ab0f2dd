//! A reaction sent from a player notifies the post's author as one made on the web does: one
//! stored row and a live message for a new reaction, nothing for a self-reaction, a repeat or
//! a pair with a block between them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod support;

use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use sqlx::PgPool;
use support::*;
use uuid::Uuid;

/// What a stored notification says about who did what to which post.
#[derive(Debug, PartialEq, Eq, sqlx::FromRow)]
struct Row {
    notification_type: String,
    actor_id: Option<i32>,
    actor_handle: Option<String>,
    post_id: Option<i64>,
    emoji: Option<String>,
    content_title: Option<String>,
    content_art_url: Option<String>,
}

async fn rows(pool: &PgPool, recipient: i32) -> Vec<Row> {
    sqlx::query_as(
        "select notification_type, actor_id, actor_handle, post_id, emoji, content_title,
                content_art_url
         from social_notifications where user_id = $1 order by created_at, id",
    )
    .bind(recipient)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn react(ctx: &device::Ctx, key: Uuid, post: i64, emoji: &str) -> Value {
    request(
        ctx,
        key,
        "submit_reaction",
        json!({"post_id": post, "emoji": emoji}),
    )
    .await
}

async fn storage_key(pool: &PgPool, post: i64) -> Uuid {
    sqlx::query_scalar("select storage_key from posts where id = $1")
        .bind(post)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_new_reaction_notifies_the_author_once_and_live(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let author = user(&pool, "ann").await;
    let fan = user(&pool, "bob").await;
    let key = player(&pool, fan).await;
    let post = plain(&pool, author).await;
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into());
    let channel = ctx.kv.key(kv::pubsub::NOTIFICATIONS);
    let (_sink, mut stream) = kv::pubsub::subscribe(&url, &channel).await.unwrap();

    let r = react(&ctx, key, post, " 👍 ").await;
    assert_eq!(r["success"], json!(true), "{r}");
    let art = format!(
        "{VAULT}/{}",
        vault::relative_path(
            vault::Area::Artwork,
            &storage_key(&pool, post).await,
            vault::Ext::Png
        )
    );
    let want = Row {
        notification_type: "reaction".into(),
        actor_id: Some(fan),
        actor_handle: Some("bob".into()),
        post_id: Some(post),
        emoji: Some("👍".into()),
        content_title: Some("art".into()),
        content_art_url: Some(art),
    };
    assert_eq!(rows(&pool, author).await, vec![want]);

    let msg = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("a live message")
        .unwrap();
    let live: Value = serde_json::from_str(&kv::pubsub::payload(&msg).unwrap()).unwrap();
    assert_eq!(live["user_id"], json!(author));
    assert_eq!(live["item"]["notification_type"], json!("reaction"));
    assert_eq!(live["item"]["actor_handle"], json!("bob"));
    assert_eq!(live["item"]["post_id"], json!(post));

    // The p3a retries with the same request; a repeat adds no reaction, so no notice either.
    let r = react(&ctx, key, post, "👍").await;
    assert_eq!(r["success"], json!(true), "{r}");
    assert_eq!(rows(&pool, author).await.len(), 1);
    // Nobody else was told anything.
    assert!(rows(&pool, fan).await.is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn reacting_to_ones_own_post_notifies_nobody(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let author = user(&pool, "ann").await;
    let key = player(&pool, author).await;
    let post = plain(&pool, author).await;
    let r = react(&ctx, key, post, "🔥").await;
    assert_eq!(r["success"], json!(true), "{r}");
    let reactions: i64 = sqlx::query_scalar("select count(*) from reactions where post_id = $1")
        .bind(post)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(reactions, 1, "the reaction itself is stored");
    assert!(rows(&pool, author).await.is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_block_between_them_means_no_reaction_and_no_notice(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let author = user(&pool, "ann").await;
    let fan = user(&pool, "bob").await;
    let key = player(&pool, fan).await;
    let post = plain(&pool, author).await;
    sqlx::query("insert into user_blocks (blocker_id, blocked_id) values ($1, $2)")
        .bind(author)
        .bind(fan)
        .execute(&pool)
        .await
        .unwrap();
    let r = react(&ctx, key, post, "👍").await;
    assert_error(&r, "blocked");
    assert!(rows(&pool, author).await.is_empty());
}
