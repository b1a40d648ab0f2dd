//! `query_posts` against real PostgreSQL and Redis: item fields, channels, visibility, offset
//! paging, criteria and include_fields (§5; §6 checks 8–17).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod support;

use serde_json::{json, Value};
use sqlx::PgPool;
use support::*;

#[sqlx::test(migrations = "../../migrations")]
async fn all_channel_items_carry_the_required_fields_only(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let mut made = vec![];
    for _ in 0..7 {
        made.push(plain(&pool, owner).await);
    }
    let r = query(&ctx, key, json!({"channel": "all", "limit": 5})).await;
    assert_eq!(r["success"], json!(true));
    assert_eq!(r["has_more"], json!(true));
    let got = ids(&r);
    assert_eq!(got, made.iter().rev().take(5).copied().collect::<Vec<_>>());
    let p = &r["posts"][0];
    let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = vec![
        "post_id",
        "kind",
        "created_at",
        "storage_key",
        "art_url",
        "storage_shard",
        "native_format",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(p["kind"], json!("artwork"));
    let storage_key: uuid::Uuid = p["storage_key"].as_str().unwrap().parse().unwrap();
    let shard = vault::shard(&storage_key);
    assert_eq!(p["storage_shard"], json!(shard));
    assert_eq!(
        p["art_url"],
        json!(format!("{VAULT}/{shard}/{storage_key}.png"))
    );
    assert_eq!(p["native_format"], json!("png"));
    assert!(p["created_at"].as_str().unwrap().ends_with('Z'));
}

#[sqlx::test(migrations = "../../migrations")]
async fn offset_pages_do_not_overlap_and_the_last_has_no_cursor(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    for _ in 0..5 {
        plain(&pool, owner).await;
    }
    let p1 = query(&ctx, key, json!({"limit": 2})).await;
    assert_eq!(p1["next_cursor"], json!("2"));
    let p2 = query(&ctx, key, json!({"limit": 2, "cursor": "2"})).await;
    assert_eq!(p2["next_cursor"], json!("4"));
    let p3 = query(&ctx, key, json!({"limit": 2, "cursor": "4"})).await;
    assert_eq!(p3["has_more"], json!(false));
    assert!(p3.get("next_cursor").is_none(), "{p3}");
    let mut all = [ids(&p1), ids(&p2), ids(&p3)].concat();
    assert_eq!(all.len(), 5);
    assert!(all.windows(2).all(|w| w[0] > w[1]), "strictly descending");
    all.dedup();
    assert_eq!(all.len(), 5);
    // A cursor that is not a number starts again at the top.
    let again = query(&ctx, key, json!({"limit": 2, "cursor": "garbage"})).await;
    assert_eq!(ids(&again), ids(&p1));
}

#[sqlx::test(migrations = "../../migrations")]
async fn schema_errors_are_invalid_request(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let r = query(&ctx, key, json!({"limit": 51})).await;
    assert_error(&r, "invalid_request");
    assert_eq!(r["error"], json!("limit must be between 1 and 50"));
    for c in [
        json!({"field": "alpha_actual", "op": "lt", "value": true}),
        json!({"field": "width", "op": "is_null"}),
    ] {
        let r = query(&ctx, key, json!({ "criteria": [c] })).await;
        assert_error(&r, "invalid_request");
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn include_fields_add_only_what_is_known(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    artwork(
        &pool,
        owner,
        Art {
            width: 64,
            height: 48,
            ..Art::default()
        },
    )
    .await;
    let r = query(
        &ctx,
        key,
        json!({"include_fields": ["width", "height", "bogus"]}),
    )
    .await;
    let p = &r["posts"][0];
    assert_eq!(
        (p["width"].as_i64(), p["height"].as_i64()),
        (Some(64), Some(48))
    );
    assert!(p.get("bogus").is_none() && p.get("owner_handle").is_none());
    let r = query(
        &ctx,
        key,
        json!({"include_fields": ["owner_handle", "frame_count", "dwell_time_ms",
                                  "transparency_actual", "alpha_actual", "artwork_modified_at",
                                  "metadata_modified_at"]}),
    )
    .await;
    let p = &r["posts"][0];
    assert_eq!(p["owner_handle"], json!("alice"));
    assert_eq!(p["frame_count"], json!(1));
    assert_eq!(p["dwell_time_ms"], json!(30000));
    assert_eq!(p["transparency_actual"], json!(false));
    assert_eq!(p["alpha_actual"], json!(false));
    assert!(p["artwork_modified_at"].as_str().unwrap().ends_with('Z'));
    assert!(p["metadata_modified_at"].is_string());
}

#[sqlx::test(migrations = "../../migrations")]
async fn criteria_filter_on_the_post_and_on_one_file(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let square = Art {
        width: 64,
        height: 64,
        ..Art::default()
    };
    let a = artwork(&pool, owner, square.clone()).await;
    let b = artwork(&pool, owner, square).await;
    artwork(
        &pool,
        owner,
        Art {
            width: 64,
            height: 32,
            ..Art::default()
        },
    )
    .await;
    let webp_with_gif = artwork(
        &pool,
        owner,
        Art {
            native: "webp",
            files: vec![("gif", 5000)],
            ..Art::default()
        },
    )
    .await;
    let big_gif = artwork(
        &pool,
        owner,
        Art {
            native: "gif",
            native_bytes: 50_000,
            files: vec![("webp", 100)],
            ..Art::default()
        },
    )
    .await;
    set_post(&pool, b, "unique_colors = 12").await;

    let ctx = &ctx;
    let c = |v: Value| async move { query(ctx, key, json!({ "criteria": v })).await };
    let r = c(json!([{"field": "width", "op": "eq", "value": 64},
                     {"field": "height", "op": "eq", "value": 64}]))
    .await;
    assert_eq!(ids(&r), vec![b, a]);
    let r = c(json!([{"field": "file_format", "op": "eq", "value": "gif"}])).await;
    assert_eq!(ids(&r), vec![big_gif, webp_with_gif]);
    let r = c(json!([{"field": "native_file_format", "op": "eq", "value": "gif"}])).await;
    assert_eq!(ids(&r), vec![big_gif]);
    // Both file conditions must hold for the same variant.
    let r = c(json!([{"field": "file_format", "op": "eq", "value": "gif"},
                     {"field": "file_bytes", "op": "lt", "value": 10240}]))
    .await;
    assert_eq!(ids(&r), vec![webp_with_gif]);
    let r = c(json!([{"field": "unique_colors", "op": "is_not_null"}])).await;
    assert_eq!(ids(&r), vec![b]);
    let r = c(json!([{"field": "unique_colors", "op": "is_null"},
                     {"field": "width", "op": "in", "value": [64]},
                     {"field": "kind", "op": "neq", "value": "playlist"}]))
    .await;
    assert_eq!(ids(&r).len(), 2);
    let r = c(json!([{"field": "width", "op": "not_in", "value": [64]}])).await;
    assert_eq!(ids(&r), vec![big_gif, webp_with_gif]);
    let r = c(json!([{"field": "alpha_actual", "op": "neq", "value": false}])).await;
    assert_eq!(ids(&r), Vec::<i64>::new());
    let r = c(json!([{"field": "kind", "op": "eq", "value": "playlist"}])).await;
    assert_eq!(r["posts"], json!([]));
    assert_eq!(r["has_more"], json!(false));
}

#[sqlx::test(migrations = "../../migrations")]
async fn by_user_and_reactions_need_a_known_user(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let alice = user(&pool, "alice").await;
    let bob = user(&pool, "bob").await;
    let key = player(&pool, alice).await;
    let mine = plain(&pool, alice).await;
    let bobs = plain(&pool, bob).await;
    for channel in ["by_user", "reactions"] {
        let r = query(&ctx, key, json!({ "channel": channel })).await;
        assert_error(&r, "missing_user_identifier");
        let r = query(
            &ctx,
            key,
            json!({"channel": channel, "user_sqid": "nobody"}),
        )
        .await;
        assert_error(&r, "user_not_found");
        assert_eq!(r["error"], json!("User 'nobody' not found"));
    }
    let r = query(
        &ctx,
        key,
        json!({"channel": "by_user", "user_sqid": "s-bob"}),
    )
    .await;
    assert_eq!(ids(&r), vec![bobs]);
    // The handle wins over the sqid.
    let r = query(
        &ctx,
        key,
        json!({"channel": "by_user", "user_handle": "alice", "user_sqid": "s-bob"}),
    )
    .await;
    assert_eq!(ids(&r), vec![mine]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn hashtags_are_normalised(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let key = player(&pool, owner).await;
    let tagged = artwork(
        &pool,
        owner,
        Art {
            hashtags: vec!["pixelart"],
            ..Art::default()
        },
    )
    .await;
    plain(&pool, owner).await;
    for tag in ["  PixelArt ", "#pixelart", "pixelart"] {
        let r = query(&ctx, key, json!({"channel": "hashtag", "hashtag": tag})).await;
        assert_eq!(ids(&r), vec![tagged], "{tag}");
    }
    let r = query(&ctx, key, json!({"channel": "hashtag"})).await;
    assert_error(&r, "missing_hashtag");
    let r = query(&ctx, key, json!({"channel": "hashtag", "hashtag": "   "})).await;
    assert_error(&r, "invalid_hashtag");
}

#[sqlx::test(migrations = "../../migrations")]
async fn only_discoverable_posts_appear(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let owner = user(&pool, "alice").await;
    let viewer = user(&pool, "vera").await;
    let key = player(&pool, viewer).await;
    let shown = plain(&pool, owner).await;
    let promoted = artwork(
        &pool,
        owner,
        Art {
            promoted: true,
            ..Art::default()
        },
    )
    .await;
    for flags in [
        "hidden_by_user = true",
        "hidden_by_mod = true",
        "deleted_by_user = true",
        "non_conformant = true",
        "visible = false",
        "public_visibility = false",
    ] {
        let p = plain(&pool, owner).await;
        set_post(&pool, p, flags).await;
    }
    let nsfw = artwork(
        &pool,
        owner,
        Art {
            hashtags: vec!["nsfw"],
            ..Art::default()
        },
    )
    .await;
    let r = query(&ctx, key, json!({})).await;
    assert_eq!(ids(&r), vec![promoted, shown]);
    let r = query(&ctx, key, json!({"channel": "artwork"})).await;
    assert_eq!(ids(&r), vec![promoted, shown]);
    let r = query(&ctx, key, json!({"channel": "promoted"})).await;
    assert_eq!(ids(&r), vec![promoted]);

    // A viewer who opted into #nsfw sees it (after the short preference cache).
    let other = user(&pool, "otto").await;
    set_user(&pool, other, "approved_hashtags = array['nsfw']").await;
    let key2 = player(&pool, other).await;
    let r = query(&ctx, key2, json!({})).await;
    assert_eq!(ids(&r), vec![nsfw, promoted, shown]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_user_channel_includes_the_owners_private_posts(pool: PgPool) {
    let ctx = ctx(pool.clone()).await;
    let alice = user(&pool, "alice").await;
    let bob = user(&pool, "bob").await;
    let key = player(&pool, alice).await;
    let private = plain(&pool, alice).await;
    set_post(&pool, private, "public_visibility = false").await;
    let hidden = plain(&pool, alice).await;
    set_post(&pool, hidden, "hidden_by_user = true").await;
    plain(&pool, bob).await;
    let r = query(&ctx, key, json!({"channel": "user"})).await;
    assert_eq!(ids(&r), vec![private]);
    // Another player's view of Alice's posts does not include the private one.
    let bobs_key = player(&pool, bob).await;
    let r = query(
        &ctx,
        bobs_key,
        json!({"channel": "by_user", "user_handle": "alice"}),
    )
    .await;
    assert_eq!(ids(&r), Vec::<i64>::new());
}
