//! The hashtag directory (§2.5): counts of discoverable posts, the three orders, keyset pages
//! without overlap, the `q` filter, monitored tags, validation and cache invalidation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use http::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use test_support::art::{artist, png, upload};
use test_support::TestApp;

async fn tagged(app: &TestApp, token: &str, seed: u8, tags: &str) -> i64 {
    let r = upload(
        app,
        token,
        "a.png",
        &png(64, 64, seed),
        &[("hashtags", tags)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    r.json()["post"]["id"].as_i64().unwrap()
}

/// (tag, count) pairs of a page.
fn pairs(page: &Value) -> Vec<(String, i64)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["tag"].as_str().unwrap().to_string(),
                i["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn tags(page: &Value) -> Vec<String> {
    pairs(page).into_iter().map(|(t, _)| t).collect()
}

fn p(tag: &str, n: i64) -> (String, i64) {
    (tag.to_string(), n)
}

async fn get(app: &TestApp, query: &str, token: Option<&str>) -> Value {
    let r = app.get(&format!("/v1/hashtags{query}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {:?}", r.json());
    r.json()
}

#[sqlx::test(migrations = "../../migrations")]
async fn counts_sorts_and_filter(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, t) = artist(&app, "tagger", true).await;
    tagged(&app, &t, 1, "pixel,cat").await;
    tagged(&app, &t, 2, "pixel,dog").await;
    tagged(&app, &t, 3, "pixel,cat_art").await;
    // The newest post carrying each tag decides `recent`.
    sqlx::query("update posts set created_at = now() - make_interval(mins => (10 - id)::int)")
        .execute(&app.state.db)
        .await
        .unwrap();
    api::cache::feeds_changed(&app.state).await;

    let page = get(&app, "", None).await;
    assert_eq!(
        pairs(&page),
        vec![p("pixel", 3), p("cat", 1), p("cat_art", 1), p("dog", 1)],
        "popularity by default, ties by name"
    );
    assert_eq!(page["next_cursor"], Value::Null);
    assert_eq!(
        tags(&get(&app, "?sort=alphabetical", None).await),
        ["cat", "cat_art", "dog", "pixel"]
    );
    assert_eq!(
        tags(&get(&app, "?sort=recent", None).await),
        ["cat_art", "pixel", "dog", "cat"]
    );
    assert_eq!(tags(&get(&app, "?q=%23DO", None).await), ["dog"]);
    assert_eq!(tags(&get(&app, "?q=at", None).await), ["cat", "cat_art"]);
    // `_` is a literal character, not a LIKE wildcard.
    assert_eq!(tags(&get(&app, "?q=t_", None).await), ["cat_art"]);
    assert!(tags(&get(&app, "?q=x_l", None).await).is_empty());
    assert!(tags(&get(&app, "?q=zebra", None).await).is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn only_discoverable_posts_count(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, trusted) = artist(&app, "trusted", true).await;
    let (_, newbie) = artist(&app, "newbie", false).await;
    tagged(&app, &trusted, 1, "shared").await;
    let pending = tagged(&app, &newbie, 2, "shared,waiting").await;
    let hidden = tagged(&app, &trusted, 3, "shared,secret").await;
    sqlx::query("update posts set hidden_by_mod = true where id = $1")
        .bind(hidden)
        .execute(&pool)
        .await
        .unwrap();
    api::cache::post_changed(&app.state, hidden).await;
    assert_eq!(pairs(&get(&app, "", None).await), vec![p("shared", 1)]);

    // Approval makes the pending post count (once the change is announced to the cache).
    sqlx::query("update posts set public_visibility = true where id = $1")
        .bind(pending)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        pairs(&get(&app, "", None).await),
        vec![p("shared", 1)],
        "served from the cache until invalidated"
    );
    api::cache::post_changed(&app.state, pending).await;
    assert_eq!(
        pairs(&get(&app, "", None).await),
        vec![p("shared", 2), p("waiting", 1)]
    );
    // Deleted and non-conformant posts drop out too.
    sqlx::query("update posts set deleted_by_user = true where id = $1")
        .bind(pending)
        .execute(&pool)
        .await
        .unwrap();
    api::cache::post_changed(&app.state, pending).await;
    assert_eq!(pairs(&get(&app, "", None).await), vec![p("shared", 1)]);

    // An upload invalidates the list by itself.
    tagged(&app, &trusted, 4, "fresh").await;
    assert_eq!(
        pairs(&get(&app, "", None).await),
        vec![p("fresh", 1), p("shared", 1)]
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn pages_do_not_overlap(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, t) = artist(&app, "pager", true).await;
    // Counts 1..=4 with ties, spread over distinct creation times.
    let posts = [
        "a,b,c,d,e,f",
        "b,c,d,e",
        "c,d,g",
        "d,h,i",
        "e,j",
        "k",
        "l,m,n",
    ];
    for (i, tags) in posts.iter().enumerate() {
        tagged(&app, &t, i as u8 + 1, tags).await;
    }
    sqlx::query("update posts set created_at = now() - make_interval(mins => (100 - id)::int)")
        .execute(&app.state.db)
        .await
        .unwrap();
    api::cache::feeds_changed(&app.state).await;

    for sort in ["alphabetical", "popularity", "recent"] {
        let all = pairs(&get(&app, &format!("?sort={sort}&limit=200"), None).await);
        assert_eq!(all.len(), 14, "{sort}");
        let mut walked = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..20 {
            let c = cursor
                .as_deref()
                .map(|c| {
                    let enc: String = url::form_urlencoded::byte_serialize(c.as_bytes()).collect();
                    format!("&cursor={enc}")
                })
                .unwrap_or_default();
            let page = get(&app, &format!("?sort={sort}&limit=3{c}"), None).await;
            let items = pairs(&page);
            assert!(items.len() <= 3);
            walked.extend(items);
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        assert_eq!(walked, all, "{sort}: pages cover the list once, in order");
    }
    // A cursor that does not decode, or was issued for another order, means the first page.
    let first = get(&app, "?limit=3", None).await;
    assert_eq!(
        get(&app, "?limit=3&cursor=%21%21garbage", None).await,
        first
    );
    let alpha = get(&app, "?sort=alphabetical&limit=3", None).await;
    let enc: String =
        url::form_urlencoded::byte_serialize(alpha["next_cursor"].as_str().unwrap().as_bytes())
            .collect();
    assert_eq!(
        pairs(&get(&app, &format!("?limit=3&cursor={enc}"), None).await),
        pairs(&first)
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn monitored_tags_only_for_those_who_opted_in(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, t) = artist(&app, "edgy", true).await;
    tagged(&app, &t, 1, "nsfw,art").await;
    tagged(&app, &t, 2, "politics,art").await;
    let (fan, _) = app.user_with_token("fan").await;
    sqlx::query("update users set approved_hashtags = '{nsfw}' where id = $1")
        .bind(fan.id)
        .execute(&pool)
        .await
        .unwrap();
    let fan = db::users::find_by_id(&pool, fan.id).await.unwrap().unwrap();
    let fan_t = app.token_for(&fan);
    let (_, plain_t) = app.user_with_token("plain").await;

    assert_eq!(tags(&get(&app, "?sort=alphabetical", None).await), ["art"]);
    assert_eq!(
        tags(&get(&app, "?sort=alphabetical", Some(&plain_t)).await),
        ["art"]
    );
    assert_eq!(
        tags(&get(&app, "?sort=alphabetical", Some(&fan_t)).await),
        ["art", "nsfw"]
    );
    // The opted-in answer is not served to others from the cache.
    assert_eq!(tags(&get(&app, "?sort=alphabetical", None).await), ["art"]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn bad_parameters_are_422(pool: PgPool) {
    let app = TestApp::new(pool).await;
    for bad in ["sort=hot", "sort=", "limit=0", "limit=201", "limit=ten"] {
        let r = app.get(&format!("/v1/hashtags?{bad}"), None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(r.code(), "validation_error");
    }
    let empty = get(&app, "?limit=200", None).await;
    assert_eq!(empty["items"], serde_json::json!([]));
    assert_eq!(empty["next_cursor"], Value::Null);
}
