//! `get_comments` pages too big for the p3a's buffer (§3.5 of the protocol notes: 128 KiB − 1)
//! are cut short, and walking the cursors still yields every comment exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod support;

use serde_json::{json, Value};
use sqlx::PgPool;
use support::*;
use uuid::Uuid;

/// A comment of 2000 four-byte characters (8 KB of JSON), `n` minutes after the first.
async fn big_comment(pool: &PgPool, post: i64, author: i32, n: i32, deleted: bool) -> Uuid {
    sqlx::query_scalar(
        "insert into comments (post_id, author_id, body, deleted_by_owner, created_at)
         values ($1, $2, repeat('🎨', 2000), $3, now() - interval '1 day' + make_interval(mins => $4))
         returning id",
    )
    .bind(post)
    .bind(author)
    .bind(deleted)
    .bind(n)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Sends one `get_comments`; returns the reply and its size on the wire.
async fn page(ctx: &device::Ctx, key: Uuid, post: i64, cursor: &Value) -> (Value, usize) {
    let rid = Uuid::new_v4().simple().to_string();
    let req = json!({"request_id": rid, "request_type": "get_comments", "player_key": key,
                     "post_id": post, "limit": 200, "cursor": cursor});
    let (reply_id, body) = raw(ctx, key, &serde_json::to_vec(&req).unwrap()).await;
    assert_eq!(reply_id, rid);
    (serde_json::from_slice(&body).unwrap(), body.len())
}

#[sqlx::test(migrations = "../../migrations")]
async fn oversized_pages_are_cut_and_the_walk_returns_every_comment_once(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let post = plain(&pool, owner).await;
    // 60 comments (about 490 KB), every seventh deleted so cut points meet deleted rows too.
    let mut expected = Vec::new();
    for n in 0..60 {
        let deleted = n % 7 == 3;
        let id = big_comment(&pool, post, owner, n, deleted).await;
        if !deleted {
            expected.push(id.to_string());
        }
    }

    let mut seen: Vec<String> = Vec::new();
    let mut cursor = Value::Null;
    let mut pages = 0;
    loop {
        let (r, size) = page(&ctx, key, post, &cursor).await;
        pages += 1;
        assert!(pages <= 20, "the walk does not end");
        assert_eq!(r["success"], json!(true), "{r}");
        assert_eq!(r["error"], Value::Null);
        assert!(
            size <= protocol::MAX_REPLY_BYTES,
            "page {pages}: {size} bytes"
        );
        let got = r["comments"].as_array().unwrap();
        seen.extend(
            got.iter()
                .map(|c| c["comment_id"].as_str().unwrap().to_string()),
        );
        if r["has_more"] == json!(false) {
            assert_eq!(r["next_cursor"], Value::Null);
            break;
        }
        assert!(
            !got.is_empty(),
            "a page with more to come carries something"
        );
        assert!(r["next_cursor"].is_string(), "{}", r["next_cursor"]);
        cursor = r["next_cursor"].clone();
    }
    assert!(
        pages >= 4,
        "490 KB cannot come in fewer than 4 pages, got {pages}"
    );
    assert_eq!(seen, expected, "every comment once, oldest first");
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_page_that_fits_keeps_the_database_cursor(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "bob").await;
    let key = player(&pool, owner).await;
    let post = plain(&pool, owner).await;
    for n in 0..5 {
        big_comment(&pool, post, owner, n, false).await;
    }
    let r = request(
        &ctx,
        key,
        "get_comments",
        json!({"post_id": post, "limit": 3, "cursor": "1"}),
    )
    .await;
    assert_eq!(r["comments"].as_array().unwrap().len(), 3);
    assert_eq!(r["has_more"], json!(true));
    assert_eq!(r["next_cursor"], json!("4"));
}
