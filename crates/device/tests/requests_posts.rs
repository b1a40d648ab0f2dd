//! `get_post` and the reaction requests against real PostgreSQL and Redis (§6 checks 18–20).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod support;

use serde_json::json;
use sqlx::PgPool;
use support::*;

#[sqlx::test(migrations = "../../migrations")]
async fn get_post_answers_in_the_spec_order(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let p = plain(&pool, owner).await;
    let r = request(
        &ctx,
        key,
        "get_post",
        json!({"post_id": p, "include_fields": ["width"]}),
    )
    .await;
    assert_eq!(r["success"], json!(true));
    assert_eq!(r["post"]["post_id"], json!(p));
    assert_eq!(r["post"]["width"], json!(32));
    assert!(r.get("error").is_none(), "null fields omitted: {r}");

    let r = request(&ctx, key, "get_post", json!({"post_id": 999_999})).await;
    assert_error(&r, "not_found");
    let cases = [
        ("deleted_by_user = true, hidden_by_user = true", "deleted"),
        ("visible = false, hidden_by_user = true", "not_visible"),
        ("hidden_by_user = true", "not_available"),
        ("hidden_by_mod = true", "not_available"),
        ("non_conformant = true", "not_available"),
        ("hashtags = array['politics']", "content_not_approved"),
    ];
    for (flags, code) in cases {
        let q = plain(&pool, owner).await;
        set_post(&pool, q, flags).await;
        let r = request(&ctx, key, "get_post", json!({ "post_id": q })).await;
        assert_error(&r, code);
    }
    // Non-public posts are not refused here.
    let private = plain(&pool, owner).await;
    set_post(&pool, private, "public_visibility = false").await;
    let r = request(&ctx, key, "get_post", json!({ "post_id": private })).await;
    assert_eq!(r["success"], json!(true));
    // A moderator's player sees moderator-hidden posts.
    let moderator = user(&pool, "mod").await;
    set_user(&pool, moderator, "roles = array['user', 'moderator']").await;
    let mod_key = player(&pool, moderator).await;
    let hidden = plain(&pool, owner).await;
    set_post(&pool, hidden, "hidden_by_mod = true").await;
    let r = request(&ctx, mod_key, "get_post", json!({ "post_id": hidden })).await;
    assert_eq!(r["success"], json!(true));
    // Playlists come with their artworks.
    let list = playlist(&pool, owner, &[p, private]).await;
    let r = request(&ctx, key, "get_post", json!({ "post_id": list })).await;
    assert_eq!(r["post"]["kind"], json!("playlist"));
    assert_eq!(r["post"]["artworks"].as_array().unwrap().len(), 2);
}

async fn reaction_rows(pool: &PgPool, post: i64, user: i32) -> Vec<String> {
    sqlx::query_scalar(
        "select emoji from reactions where post_id = $1 and user_id = $2 order by id",
    )
    .bind(post)
    .bind(user)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn reactions_are_the_owners_idempotent_and_capped(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let author = user(&pool, "alice").await;
    let owner = user(&pool, "bob").await;
    let key = player(&pool, owner).await;
    let p = plain(&pool, author).await;
    let before = ctx.kv.generation(&kv::cache::post_family(p)).await.unwrap();

    let r = request(
        &ctx,
        key,
        "submit_reaction",
        json!({"post_id": p, "emoji": "👍"}),
    )
    .await;
    assert_eq!(
        r,
        json!({"request_id": r["request_id"], "success": true, "error": null})
    );
    let r = request(
        &ctx,
        key,
        "submit_reaction",
        json!({"post_id": p, "emoji": " 👍 "}),
    )
    .await;
    assert_eq!(r["success"], json!(true));
    assert_eq!(reaction_rows(&pool, p, owner).await, vec!["👍"]);
    assert!(ctx.kv.generation(&kv::cache::post_family(p)).await.unwrap() > before);
    assert!(ctx.kv.generation(&format!("user:{author}")).await.unwrap() > 0);

    for e in ["🔥", "😀", "🎨", "✨"] {
        let r = request(
            &ctx,
            key,
            "submit_reaction",
            json!({"post_id": p, "emoji": e}),
        )
        .await;
        assert_eq!(r["success"], json!(true));
    }
    let r = request(
        &ctx,
        key,
        "submit_reaction",
        json!({"post_id": p, "emoji": "💯"}),
    )
    .await;
    assert_error(&r, "reaction_limit_exceeded");
    // Re-adding one of the five is still fine.
    let r = request(
        &ctx,
        key,
        "submit_reaction",
        json!({"post_id": p, "emoji": "🔥"}),
    )
    .await;
    assert_eq!(r["success"], json!(true));
    assert_eq!(reaction_rows(&pool, p, owner).await.len(), 5);

    let r = request(
        &ctx,
        key,
        "revoke_reaction",
        json!({"post_id": p, "emoji": "🔥"}),
    )
    .await;
    assert_eq!(
        r,
        json!({"request_id": r["request_id"], "success": true, "error": null})
    );
    assert_eq!(reaction_rows(&pool, p, owner).await.len(), 4);
    let r = request(
        &ctx,
        key,
        "revoke_reaction",
        json!({"post_id": p, "emoji": "🦄"}),
    )
    .await;
    assert_eq!(r["success"], json!(true));
    let r = request(
        &ctx,
        key,
        "revoke_reaction",
        json!({"post_id": 999_999, "emoji": "🦄"}),
    )
    .await;
    assert_eq!(r["success"], json!(true));

    let r = request(
        &ctx,
        key,
        "submit_reaction",
        json!({"post_id": p, "emoji": "   "}),
    )
    .await;
    assert_error(&r, "invalid_emoji");
    let r = request(
        &ctx,
        key,
        "submit_reaction",
        json!({"post_id": 999_999, "emoji": "👍"}),
    )
    .await;
    assert_error(&r, "not_found");
    set_post(&pool, p, "deleted_by_user = true").await;
    let r = request(
        &ctx,
        key,
        "submit_reaction",
        json!({"post_id": p, "emoji": "👍"}),
    )
    .await;
    assert_error(&r, "deleted");
    let r = request(
        &ctx,
        key,
        "submit_reaction",
        json!({"post_id": p, "emoji": "x".repeat(21)}),
    )
    .await;
    assert_error(&r, "invalid_request");
}

#[sqlx::test(migrations = "../../migrations")]
async fn concurrent_reactions_never_pass_the_cap(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "bob").await;
    let key = player(&pool, owner).await;
    let p = plain(&pool, owner).await;
    let emojis = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let runs = emojis.iter().map(|e| {
        let ctx = ctx.clone();
        async move {
            request(
                &ctx,
                key,
                "submit_reaction",
                json!({"post_id": p, "emoji": e}),
            )
            .await
        }
    });
    let replies = futures::future::join_all(runs).await;
    let ok = replies
        .iter()
        .filter(|r| r["success"] == json!(true))
        .count();
    assert_eq!(ok, 5);
    assert_eq!(reaction_rows(&pool, p, owner).await.len(), 5);
}

#[sqlx::test(migrations = "../../migrations")]
async fn blocked_pairs_cannot_react(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let author = user(&pool, "alice").await;
    let owner = user(&pool, "bob").await;
    let key = player(&pool, owner).await;
    let p = plain(&pool, author).await;
    sqlx::query("insert into user_blocks (blocker_id, blocked_id) values ($1, $2)")
        .bind(author)
        .bind(owner)
        .execute(&pool)
        .await
        .unwrap();
    let r = request(
        &ctx,
        key,
        "submit_reaction",
        json!({"post_id": p, "emoji": "👍"}),
    )
    .await;
    assert_error(&r, "blocked");
    assert!(reaction_rows(&pool, p, owner).await.is_empty());
}
