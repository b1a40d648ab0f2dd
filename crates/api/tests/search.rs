//! Search (§2.5): signed-in only; fuzzy matches on handles, artwork and playlist titles;
//! discovery rules, blocks and monitored tags; the `types[]` filter; paging; empty queries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use http::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::art::{artist, png, upload};
use test_support::TestApp;

async fn titled(app: &TestApp, token: &str, seed: u8, title: &str, tags: &str) -> i64 {
    let r = upload(
        app,
        token,
        "a.png",
        &png(64, 64, seed),
        &[("title", title), ("hashtags", tags)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    r.json()["post"]["id"].as_i64().unwrap()
}

async fn search(app: &TestApp, query: &str, token: &str) -> Value {
    let r = app.get(&format!("/v1/search?{query}"), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {:?}", r.json());
    r.json()
}

/// ("users", handle) / ("posts", id) / ("playlists", title) for each item.
fn hits(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let kind = i["type"].as_str().unwrap().to_string();
            let what = match kind.as_str() {
                "users" => i["user"]["handle"].as_str().unwrap().to_string(),
                "posts" => i["post"]["id"].to_string(),
                _ => i["playlist"]["title"].as_str().unwrap().to_string(),
            };
            (kind, what)
        })
        .collect()
}

fn hit(kind: &str, what: impl ToString) -> (String, String) {
    (kind.to_string(), what.to_string())
}

#[sqlx::test(migrations = "../../migrations")]
async fn anonymous_callers_get_401(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/v1/search?q=sunset", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "unauthorized");
}

#[sqlx::test(migrations = "../../migrations")]
async fn finds_users_posts_and_playlists_fuzzily(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, t) = artist(&app, "sunsetfan", true).await;
    let (_, _) = app.user_with_token("moonwatcher").await;
    let best = titled(&app, &t, 1, "Sunset", "").await;
    let near = titled(&app, &t, 2, "Sunset over the hills", "").await;
    let moon = titled(&app, &t, 3, "Moon rise", "").await;
    let r = app
        .post(
            "/v1/playlist",
            json!({"title": "Sunset mix", "post_ids": [best]}),
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let (_, me) = app.user_with_token("reader").await;

    // A typo still matches; the closest title ranks first; unrelated titles stay out.
    let page = search(&app, "q=sunst", &me).await;
    let found = hits(&page);
    assert_eq!(found[0], hit("posts", best), "{found:?}");
    for h in [
        hit("posts", near),
        hit("users", "sunsetfan"),
        hit("playlists", "Sunset mix"),
    ] {
        assert!(found.contains(&h), "{h:?} in {found:?}");
    }
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(page["next_cursor"], Value::Null);
    // Items carry the full shapes.
    let post = page["items"][0]["post"].clone();
    assert_eq!(post["title"], "Sunset");
    assert_eq!(post["owner"]["handle"], "sunsetfan");
    assert_eq!(post["user_has_liked"], false);
    let pl = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "playlists")
        .unwrap();
    assert_eq!(pl["playlist"]["post_ids"], json!([best]));
    // Kinds are ranked together: the exact handle before the partly similar title.
    assert_eq!(
        hits(&search(&app, "q=moonwatcher", &me).await),
        vec![hit("users", "moonwatcher"), hit("posts", moon)]
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn leaves_out_what_the_viewer_may_not_discover(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, trusted) = artist(&app, "painter", true).await;
    let (_, newbie) = artist(&app, "novice", false).await;
    let (blocked, blocked_t) = artist(&app, "galaxybrain", true).await;
    let (me, me_t) = app.user_with_token("reader").await;
    let shown = titled(&app, &trusted, 1, "Galaxy", "").await;
    titled(&app, &newbie, 2, "Galaxy pending", "").await;
    let hidden = titled(&app, &trusted, 3, "Galaxy hidden", "").await;
    sqlx::query("update posts set hidden_by_user = true where id = $1")
        .bind(hidden)
        .execute(&pool)
        .await
        .unwrap();
    titled(&app, &trusted, 4, "Galaxy spicy", "nsfw").await;
    titled(&app, &blocked_t, 5, "Galaxy blocked", "").await;
    sqlx::query("insert into user_blocks (blocker_id, blocked_id) values ($1, $2)")
        .bind(me.id)
        .bind(blocked.id)
        .execute(&pool)
        .await
        .unwrap();
    // Unverified and hidden users are not found either.
    app.create_user("g@example.com", "galaxyghost", false).await;
    let (shy, _) = app.user_with_token("galaxyshy").await;
    sqlx::query("update users set hidden_by_user = true where id = $1")
        .bind(shy.id)
        .execute(&pool)
        .await
        .unwrap();

    assert_eq!(
        hits(&search(&app, "q=galaxy", &me_t).await),
        vec![hit("posts", shown)]
    );
    // The same search by someone else: blocks are per viewer.
    let (_, other_t) = app.user_with_token("someone").await;
    let found = hits(&search(&app, "q=galaxy", &other_t).await);
    assert!(found.contains(&hit("users", "galaxybrain")), "{found:?}");
    assert_eq!(found.len(), 3, "{found:?}");
}

#[sqlx::test(migrations = "../../migrations")]
async fn types_filter_and_validation(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, t) = artist(&app, "rainbow", true).await;
    let id = titled(&app, &t, 1, "Rainbow", "").await;
    app.post("/v1/playlist", json!({"title": "Rainbow set"}), Some(&t))
        .await;
    let (_, me) = app.user_with_token("reader").await;

    assert_eq!(
        hits(&search(&app, "q=rainbow&types[]=posts", &me).await),
        vec![hit("posts", id)]
    );
    assert_eq!(
        hits(&search(&app, "q=rainbow&types=users", &me).await),
        vec![hit("users", "rainbow")]
    );
    assert_eq!(
        hits(&search(&app, "q=rainbow&types%5B%5D=playlists", &me).await),
        vec![hit("playlists", "Rainbow set")]
    );
    assert_eq!(
        hits(&search(&app, "q=rainbow&types=users,posts", &me).await).len(),
        2
    );
    for bad in [
        "q=rainbow&types[]=comments",
        "q=rainbow&types=users,nope",
        "q=rainbow&limit=0",
        "q=rainbow&limit=201",
    ] {
        let r = app.get(&format!("/v1/search?{bad}"), Some(&me)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(r.code(), "validation_error");
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn empty_query_is_an_empty_list(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, t) = artist(&app, "anyone", true).await;
    titled(&app, &t, 1, "Anything", "").await;
    for q in ["", "q=", "q=%20%20", "types=posts"] {
        let page = search(&app, q, &t).await;
        assert_eq!(page, json!({"items": [], "next_cursor": null}), "{q}");
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn pages_follow_the_ranking_without_overlap(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, t) = artist(&app, "pager", true).await;
    for (i, title) in ["Forest", "Forest walk", "Forest at night", "Forests"]
        .iter()
        .enumerate()
    {
        titled(&app, &t, i as u8 + 1, title, "").await;
    }
    let all = hits(&search(&app, "q=forest&types=posts", &t).await);
    assert_eq!(all.len(), 4);
    let mut walked = Vec::new();
    let mut cursor = String::new();
    for _ in 0..10 {
        let page = search(&app, &format!("q=forest&types=posts&limit=3{cursor}"), &t).await;
        walked.extend(hits(&page));
        match page["next_cursor"].as_str() {
            Some(c) => {
                let enc: String = url::form_urlencoded::byte_serialize(c.as_bytes()).collect();
                cursor = format!("&cursor={enc}");
            }
            None => break,
        }
    }
    assert_eq!(walked, all);
    // A cursor we did not issue is ignored.
    let page = search(&app, "q=forest&types=posts&limit=3&cursor=bogus", &t).await;
    assert_eq!(hits(&page), all[..3].to_vec());
}
