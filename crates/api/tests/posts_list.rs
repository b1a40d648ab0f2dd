//! `GET /v1/post` and `/v1/post/recent`: every filter and sort, keyset pages that neither
//! overlap nor skip while posts arrive, and the discovery versus profile visibility rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::HashSet;

use http::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use test_support::art::{artist, ids, png, upload};
use test_support::TestApp;

async fn post_png(app: &TestApp, token: &str, w: u32, h: u32, seed: u8, tags: &str) -> Value {
    let r = upload(app, token, "a.png", &png(w, h, seed), &[("hashtags", tags)]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    r.json()["post"].clone()
}

#[sqlx::test(migrations = "../../migrations")]
async fn pending_posts_are_off_recent_but_on_permalink_and_profile(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (newbie, token) = app.user_with_token("newbie").await;
    let post = test_support::art::upload_png(&app, &token, 1).await;
    assert_eq!(post["public_visibility"], false);

    let recent = app.get("/v1/post/recent", None).await;
    assert_eq!(recent.status, StatusCode::OK);
    assert!(ids(&recent.json()).is_empty());
    let all = app.get("/v1/post", None).await.json();
    assert!(ids(&all).is_empty());

    let sqid = post["public_sqid"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/v1/p/{sqid}"), None).await.status,
        StatusCode::OK
    );
    for owner in [newbie.user_key.to_string(), newbie.id.to_string()] {
        let profile = app.get(&format!("/v1/post?owner_id={owner}"), None).await;
        assert_eq!(ids(&profile.json()), vec![post["id"].as_i64().unwrap()]);
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn pages_neither_overlap_nor_skip_while_posts_arrive(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = artist(&app, "painter", true).await;
    let mut original = Vec::new();
    for seed in 0..7 {
        original.push(
            post_png(&app, &token, 64, 64, seed, "").await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let mut seen = Vec::new();
    let mut next = app.get("/v1/post/recent?limit=3", None).await.json();
    seen.extend(ids(&next));
    // New posts land on top while the reader is paging; the next pages must not repeat or lose any.
    post_png(&app, &token, 64, 64, 100, "").await;
    post_png(&app, &token, 64, 64, 101, "").await;
    while let Some(c) = next["next_cursor"].as_str() {
        let c = urlencode(c);
        next = app
            .get(&format!("/v1/post/recent?limit=3&cursor={c}"), None)
            .await
            .json();
        seen.extend(ids(&next));
    }
    original.reverse();
    assert_eq!(seen, original, "newest first, each exactly once");

    // The same holds for an ascending sort with ties (every post is 64 wide).
    let mut asc = Vec::new();
    let mut page = app
        .get("/v1/post?sort=width&order=asc&limit=4", None)
        .await
        .json();
    asc.extend(ids(&page));
    while let Some(c) = page["next_cursor"].as_str() {
        let url = format!(
            "/v1/post?sort=width&order=asc&limit=4&cursor={}",
            urlencode(c)
        );
        page = app.get(&url, None).await.json();
        asc.extend(ids(&page));
    }
    assert_eq!(asc.len(), 9);
    assert_eq!(asc.iter().collect::<HashSet<_>>().len(), 9);
    assert!(
        asc.windows(2).all(|w| w[0] < w[1]),
        "ties broken by id ascending"
    );
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[sqlx::test(migrations = "../../migrations")]
async fn filters_and_sorts(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = artist(&app, "painter", true).await;
    let small = post_png(&app, &token, 32, 64, 1, "cat").await;
    let square = post_png(&app, &token, 128, 128, 2, "cat,dog").await;
    let wide = post_png(&app, &token, 200, 150, 3, "dog").await;
    let id = |p: &Value| p["id"].as_i64().unwrap();
    let get = |q: &str| {
        let app = &app;
        let q = q.to_string();
        async move {
            let r = app.get(&format!("/v1/post?{q}"), None).await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {:?}", r.json());
            ids(&r.json())
        }
    };
    assert_eq!(
        get("sort=width&order=asc").await,
        vec![id(&small), id(&square), id(&wide)]
    );
    assert_eq!(
        get("sort=height").await,
        vec![id(&wide), id(&square), id(&small)]
    );
    assert_eq!(get("width_min=100&width_max=150").await, vec![id(&square)]);
    assert_eq!(get("height_max=100").await, vec![id(&small)]);
    assert_eq!(get("hashtag=%23Cat").await, vec![id(&square), id(&small)]);
    assert_eq!(
        get("base[]=128&base[]=150").await,
        vec![id(&wide), id(&square)]
    );
    assert_eq!(get("size=64").await, vec![id(&small)]);
    assert_eq!(get("size_gte=150").await, vec![id(&wide)]);
    assert_eq!(get("base_gte=100").await, vec![id(&wide), id(&square)]);
    assert_eq!(get("file_format=png&file_format=gif").await.len(), 3);
    assert!(get("file_format=webp").await.is_empty());
    assert!(get("kind=playlist").await.is_empty());
    assert_eq!(get("has_transparency=false").await.len(), 3);
    assert!(get("has_semitransparency=true").await.is_empty());
    assert_eq!(get("unique_colors_min=1").await.len(), 3);
    assert_eq!(get("frame_count_max=1").await.len(), 3);
    assert_eq!(get("created_after=2000-01-01T00:00:00Z").await.len(), 3);
    assert!(get("created_before=2000-01-01T00:00:00Z").await.is_empty());
    assert_eq!(get("sort=random").await.len(), 3);
    let by_bytes = get("sort=file_bytes&order=asc").await;
    assert_eq!(by_bytes.len(), 3);

    // Reactions: counts come from the trigger-kept counter, reacted_by from the rows.
    let (fan, _) = app.user_with_token("fan").await;
    for (post, emoji) in [(&small, "a"), (&small, "b"), (&wide, "a")] {
        sqlx::query("insert into reactions (post_id, user_id, emoji) values ($1, $2, $3)")
            .bind(id(post))
            .bind(fan.id)
            .bind(emoji)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    assert_eq!(get("sort=reactions").await[0], id(&small));
    assert_eq!(get("reactions_min=2").await, vec![id(&small)]);
    assert_eq!(get("comments_max=0").await.len(), 3);
    let key = fan.user_key;
    assert_eq!(
        get(&format!("reacted_by={key}&sort=reacted_at")).await,
        vec![id(&wide), id(&small)]
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn bad_parameters_are_422_and_bad_cursors_restart(pool: PgPool) {
    let app = TestApp::new(pool).await;
    for q in [
        "sort=title",
        "order=sideways",
        "limit=0",
        "limit=201",
        "width_min=wide",
        "file_format=jpg",
        "created_after=yesterday",
        "promoted=maybe",
        "sort=reacted_at",
    ] {
        let r = app.get(&format!("/v1/post?{q}"), None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(r.code(), "validation_error");
    }
    assert_eq!(
        app.get("/v1/post/recent?limit=500", None).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, token) = artist(&app, "painter", true).await;
    let p = post_png(&app, &token, 64, 64, 9, "").await;
    let r = app.get("/v1/post/recent?cursor=%%%garbage", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(ids(&r.json()), vec![p["id"].as_i64().unwrap()]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn profile_lists_show_hidden_posts_only_to_their_author_and_moderators(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (author, token) = artist(&app, "painter", true).await;
    let shown = post_png(&app, &token, 64, 64, 1, "").await;
    let hidden = post_png(&app, &token, 64, 64, 2, "").await;
    let deleted = post_png(&app, &token, 64, 64, 3, "").await;
    sqlx::query("update posts set hidden_by_user = true where id = $1")
        .bind(hidden["id"].as_i64())
        .execute(&app.state.db)
        .await
        .unwrap();
    sqlx::query(
        "update posts set deleted_by_user = true, deleted_by_user_date = now() where id = $1",
    )
    .bind(deleted["id"].as_i64())
    .execute(&app.state.db)
    .await
    .unwrap();
    api::cache::feeds_changed(&app.state).await;
    let (_, other) = app.user_with_token("other").await;
    let (m, _) = app.user_with_token("moddy").await;
    let moderator = app.token_for(&app.grant_roles(&m, &["moderator"]).await);
    let url = format!("/v1/post?owner_id={}", author.user_key);
    let both = vec![
        hidden["id"].as_i64().unwrap(),
        shown["id"].as_i64().unwrap(),
    ];
    let only_shown = vec![shown["id"].as_i64().unwrap()];
    assert_eq!(ids(&app.get(&url, None).await.json()), only_shown);
    assert_eq!(ids(&app.get(&url, Some(&other)).await.json()), only_shown);
    assert_eq!(ids(&app.get(&url, Some(&token)).await.json()), both);
    assert_eq!(ids(&app.get(&url, Some(&moderator)).await.json()), both);
    let vis = format!("{url}&visible_only=true");
    assert_eq!(ids(&app.get(&vis, Some(&token)).await.json()), only_shown);
    // Unknown members simply have nothing.
    let none = app
        .get(&format!("/v1/post?owner_id={}", uuid::Uuid::new_v4()), None)
        .await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(ids(&none.json()).is_empty());
}
