//! Profile highlights (pin, unpin, reorder, the 128 cap, visibility), the reacted-posts list
//! and the cached profile stats (http-api.md §2.2, data-and-ops.md §1 and §4).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use api::routes::users::profile_stats::{profile_stats, stats_changed, user_family, ProfileStats};
use db::users::UserRow;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::{TestApp, TestResponse};

/// Inserts an approved, visible 64x64 artwork directly (uploads are rate limited and slow).
async fn post(app: &TestApp, owner: &UserRow, title: &str) -> i64 {
    sqlx::query_scalar(
        r#"insert into posts (owner_id, title, public_sqid, native_format, width, height,
                              public_visibility)
           values ($1, $2, 'sq-' || gen_random_uuid(), 'png', 64, 64, true) returning id"#,
    )
    .bind(owner.id)
    .bind(title)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

async fn set_post(app: &TestApp, id: i64, assignment: &str) {
    sqlx::query(&format!("update posts set {assignment} where id = $1"))
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
}

async fn pin(app: &TestApp, token: &str, post_id: i64) -> TestResponse {
    app.post(
        "/v1/user/me/highlights",
        json!({ "post_id": post_id }),
        Some(token),
    )
    .await
}

async fn unpin(app: &TestApp, token: &str, post_id: &str) -> TestResponse {
    let path = format!("/v1/user/me/highlights/{post_id}");
    app.call(Method::DELETE, &path, None, Some(token)).await
}

async fn reorder(app: &TestApp, token: &str, ids: &[i64]) -> TestResponse {
    let body = json!({ "post_ids": ids });
    app.call(
        Method::PUT,
        "/v1/user/me/highlights/reorder",
        Some(body),
        Some(token),
    )
    .await
}

async fn list(app: &TestApp, owner: &UserRow, token: Option<&str>) -> TestResponse {
    let path = format!("/v1/user/u/{}/highlights", owner.public_sqid);
    app.get(&path, token).await
}

/// (post_id, position) of a highlights response, in order.
fn pinned(r: &TestResponse) -> Vec<(i64, i64)> {
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let v = r.json();
    let items = v["items"].as_array().unwrap();
    assert_eq!(v["total"], items.len());
    items
        .iter()
        .map(|h| {
            (
                h["post_id"].as_i64().unwrap(),
                h["position"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn stored(app: &TestApp, owner: &UserRow) -> Vec<(i64, i32)> {
    sqlx::query_as(
        "select post_id, position from user_highlights where user_id = $1 order by position",
    )
    .bind(owner.id)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

async fn moderator(app: &TestApp, handle: &str) -> (UserRow, String) {
    let (u, _) = app.user_with_token(handle).await;
    let u = app.grant_roles(&u, &["moderator"]).await;
    let t = app.token_for(&u);
    (u, t)
}

#[sqlx::test(migrations = "../../migrations")]
async fn pin_list_unpin_keeps_positions_dense(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (me, token) = app.user_with_token("pinner").await;
    let (a, b, c) = (
        post(&app, &me, "a").await,
        post(&app, &me, "b").await,
        post(&app, &me, "c").await,
    );
    let mut ids = Vec::new();
    for (i, p) in [a, b, c].into_iter().enumerate() {
        let r = pin(&app, &token, p).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
        assert_eq!(r.json()["position"], i);
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    // Pinning again is idempotent: same row, same place, nothing added.
    let again = pin(&app, &token, b).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json(), json!({"id": ids[1], "position": 1}));
    assert_eq!(stored(&app, &me).await.len(), 3);

    let r = list(&app, &me, None).await;
    assert_eq!(pinned(&r), vec![(a, 0), (b, 1), (c, 2)]);
    let first = &r.json()["items"][0];
    assert_eq!(first["id"], ids[0]);
    assert_eq!(first["post_title"], "a");
    assert_eq!(first["post_width"], 64);
    assert_eq!(first["post_height"], 64);
    assert!(first["post_public_sqid"]
        .as_str()
        .unwrap()
        .starts_with("sq-"));
    assert!(first["post_art_url"].as_str().unwrap().ends_with(".png"));

    assert_eq!(
        unpin(&app, &token, &b.to_string()).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(stored(&app, &me).await, vec![(a, 0), (c, 1)]);
    let r = unpin(&app, &token, &b.to_string()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["message"], "Highlight not found");
    assert_eq!(
        unpin(&app, &token, "abc").await.status,
        StatusCode::NOT_FOUND
    );
    // A new pin goes after the last one.
    assert_eq!(pin(&app, &token, b).await.json()["position"], 2);
    assert_eq!(stored(&app, &me).await, vec![(a, 0), (c, 1), (b, 2)]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn pin_refusals(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (me, token) = app.user_with_token("pinner").await;
    let (other, _) = app.user_with_token("other").await;
    let theirs = post(&app, &other, "theirs").await;
    let r = pin(&app, &token, theirs).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "forbidden");
    // Someone else's post the caller cannot open is as unknown as a missing one.
    set_post(&app, theirs, "hidden_by_mod = true").await;
    let r = pin(&app, &token, theirs).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["message"], "Post not found");
    assert_eq!(
        pin(&app, &token, 987_654).await.status,
        StatusCode::NOT_FOUND
    );
    let mine = post(&app, &me, "gone").await;
    set_post(&app, mine, "deleted_by_user = true").await;
    let r = pin(&app, &token, mine).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "bad_request");
    // Body and auth errors.
    let r = app
        .post("/v1/user/me/highlights", json!({"post": 1}), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "validation_error");
    let r = app
        .post("/v1/user/me/highlights", json!({"post_id": mine}), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .call(Method::DELETE, "/v1/user/me/highlights/1", None, None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(stored(&app, &me).await.is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn at_most_128_highlights(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (me, token) = app.user_with_token("collector").await;
    let mut posts = Vec::new();
    for i in 0..130 {
        posts.push(post(&app, &me, &format!("p{i}")).await);
    }
    sqlx::query(
        r#"insert into user_highlights (user_id, post_id, position)
           select $1, p, (o - 1)::int4 from unnest($2::int8[]) with ordinality as t(p, o)"#,
    )
    .bind(me.id)
    .bind(&posts[..127])
    .execute(&pool)
    .await
    .unwrap();

    let r = pin(&app, &token, posts[127]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    assert_eq!(r.json()["position"], 127);
    let r = pin(&app, &token, posts[128]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "bad_request");
    assert_eq!(
        r.json()["error"]["message"],
        "Maximum 128 highlights allowed"
    );
    assert_eq!(stored(&app, &me).await.len(), 128);
    // At the cap an already pinned post still answers (idempotent), and unpinning frees a slot.
    let r = pin(&app, &token, posts[5]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["position"], 5);
    assert_eq!(
        unpin(&app, &token, &posts[0].to_string()).await.status,
        StatusCode::NO_CONTENT
    );
    let r = pin(&app, &token, posts[128]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["position"], 127);
    // A soft-deleted post no longer takes a slot.
    set_post(&app, posts[1], "deleted_by_user = true").await;
    let r = pin(&app, &token, posts[129]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    assert_eq!(r.json()["position"], 127);
    let rows = stored(&app, &me).await;
    assert_eq!(rows.len(), 128);
    assert!(rows
        .iter()
        .enumerate()
        .all(|(i, (_, pos))| *pos == i as i32));
}

#[sqlx::test(migrations = "../../migrations")]
async fn reorder_requires_exactly_the_current_set(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (me, token) = app.user_with_token("sorter").await;
    let (_, other_t) = app.user_with_token("other").await;
    let mut ids = Vec::new();
    for t in ["a", "b", "c", "d"] {
        let id = post(&app, &me, t).await;
        assert_eq!(pin(&app, &token, id).await.status, StatusCode::CREATED);
        ids.push(id);
    }
    let stray = post(&app, &me, "not pinned").await;
    let before = stored(&app, &me).await;
    for bad in [
        vec![ids[0], ids[1], ids[2]],
        vec![ids[0], ids[1], ids[2], ids[3], stray],
        vec![ids[0], ids[1], ids[2], stray],
        vec![ids[0], ids[1], ids[2], ids[2]],
        vec![ids[0], ids[1], ids[2], ids[3], ids[3]],
        vec![],
    ] {
        let r = reorder(&app, &token, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert_eq!(r.code(), "validation_error");
        assert_eq!(
            stored(&app, &me).await,
            before,
            "a refused reorder writes nothing"
        );
    }
    let r = app
        .call(
            Method::PUT,
            "/v1/user/me/highlights/reorder",
            Some(json!({"post_ids": "a"})),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let new = vec![ids[3], ids[1], ids[0], ids[2]];
    assert_eq!(
        reorder(&app, &token, &new).await.status,
        StatusCode::NO_CONTENT
    );
    let want: Vec<(i64, i64)> = new
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, i as i64))
        .collect();
    assert_eq!(pinned(&list(&app, &me, None).await), want);
    // Another member's reorder touches only their own (empty) set.
    assert_eq!(
        reorder(&app, &other_t, &[]).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        reorder(&app, &other_t, &new).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A soft-deleted post leaves the set, so the remaining three are the full list.
    set_post(&app, ids[1], "deleted_by_user = true").await;
    let rest = vec![ids[2], ids[0], ids[3]];
    assert_eq!(
        reorder(&app, &token, &rest).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        stored(&app, &me).await,
        vec![(ids[2], 0), (ids[0], 1), (ids[3], 2)]
    );
    let r = app
        .call(
            Method::PUT,
            "/v1/user/me/highlights/reorder",
            Some(json!({"post_ids": []})),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn highlights_show_only_what_the_viewer_may_open(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (owner, owner_t) = app.user_with_token("owner").await;
    let (_, stranger_t) = app.user_with_token("stranger").await;
    let (_, mod_t) = moderator(&app, "modder").await;
    let shown = post(&app, &owner, "shown").await;
    let pending = post(&app, &owner, "pending").await;
    let by_user = post(&app, &owner, "hidden by user").await;
    let by_mod = post(&app, &owner, "hidden by mod").await;
    let tagged = post(&app, &owner, "monitored").await;
    for id in [shown, pending, by_user, by_mod, tagged] {
        assert_eq!(pin(&app, &owner_t, id).await.status, StatusCode::CREATED);
    }
    set_post(&app, pending, "public_visibility = false").await;
    set_post(&app, by_user, "hidden_by_user = true").await;
    set_post(&app, by_mod, "hidden_by_mod = true").await;
    set_post(&app, tagged, "hashtags = array['nsfw']").await;

    let ids = |r: TestResponse| -> Vec<i64> { pinned(&r).into_iter().map(|(p, _)| p).collect() };
    // Pending posts are shown, as on the profile list; hidden ones only to the owner and mods;
    // monitored tags only to viewers who opted in (and the author).
    assert_eq!(ids(list(&app, &owner, None).await), vec![shown, pending]);
    assert_eq!(
        ids(list(&app, &owner, Some(&stranger_t)).await),
        vec![shown, pending]
    );
    assert_eq!(
        ids(list(&app, &owner, Some(&owner_t)).await),
        vec![shown, pending, by_user, by_mod, tagged]
    );
    assert_eq!(
        ids(list(&app, &owner, Some(&mod_t)).await),
        vec![shown, pending, by_user, by_mod]
    );
    // A blocker no longer sees the blocked member's posts.
    let path = format!("/v1/user/u/{}/block", owner.public_sqid);
    let r = app.call(Method::POST, &path, None, Some(&stranger_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(ids(list(&app, &owner, Some(&stranger_t)).await).is_empty());
    // Soft-deleted posts vanish for everyone, the owner included.
    set_post(&app, shown, "deleted_by_user = true").await;
    assert_eq!(ids(list(&app, &owner, None).await), vec![pending]);
    // Unknown and hidden members are 404.
    let r = app.get("/v1/user/u/zzzzzz/highlights", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    sqlx::query("update users set hidden_by_user = true where id = $1")
        .bind(owner.id)
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(list(&app, &owner, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        list(&app, &owner, Some(&owner_t)).await.status,
        StatusCode::OK
    );
}

async fn react(app: &TestApp, post: i64, user: Option<&UserRow>, emoji: &str, mins_ago: i64) {
    let (user_id, ip) = match user {
        Some(u) => (Some(u.id), None),
        None => (None, Some("guest-hash")),
    };
    sqlx::query(
        r#"insert into reactions (post_id, user_id, user_ip, emoji, created_at)
           values ($1, $2, $3, $4, now() - make_interval(mins => $5::int4))"#,
    )
    .bind(post)
    .bind(user_id)
    .bind(ip)
    .bind(emoji)
    .bind(mins_ago as i32)
    .execute(&app.state.db)
    .await
    .unwrap();
}

fn items(r: &TestResponse) -> Vec<(i64, String)> {
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_i64().unwrap(),
                p["emoji"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[sqlx::test(migrations = "../../migrations")]
async fn reacted_posts_newest_reaction_first(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (fan, fan_t) = app.user_with_token("fan").await;
    let (artist, _) = app.user_with_token("artist").await;
    let (_, viewer_t) = app.user_with_token("viewer").await;
    let a = post(&app, &artist, "a").await;
    let b = post(&app, &artist, "b").await;
    let anon_only = post(&app, &artist, "anon").await;
    let pending = post(&app, &artist, "pending").await;
    post(&app, &artist, "never reacted").await;
    set_post(&app, pending, "public_visibility = false").await;
    react(&app, a, Some(&fan), "🔥", 30).await;
    react(&app, b, Some(&fan), "👍", 20).await;
    react(&app, b, Some(&fan), "❤️", 10).await;
    react(&app, pending, Some(&fan), "👍", 5).await;
    react(&app, anon_only, None, "👍", 1).await;

    let path = format!("/v1/user/u/{}/reacted-posts", fan.public_sqid);
    let r = app.get(&path, None).await;
    assert_eq!(items(&r), vec![(b, "❤️".into()), (a, "🔥".into())]);
    let first = &r.json()["items"][0];
    assert_eq!(first["title"], "b");
    assert!(first["reacted_at"].as_str().is_some());
    assert!(first["art_url"].as_str().unwrap().ends_with(".png"));
    assert_eq!(r.json()["next_cursor"], Value::Null);
    // Signed-in viewers get the same list; the fan sees `user_has_liked`.
    let r = app.get(&path, Some(&fan_t)).await;
    assert_eq!(r.json()["items"][0]["user_has_liked"], true);
    assert_eq!(items(&app.get(&path, Some(&viewer_t)).await).len(), 2);

    let r = app.get(&format!("{path}?limit=1"), None).await;
    assert_eq!(items(&r), vec![(b, "❤️".into())]);
    let cursor = r.json()["next_cursor"].as_str().unwrap().to_string();
    let next = format!(
        "{path}?limit=1&cursor={}",
        cursor
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let r = app.get(&next, None).await;
    assert_eq!(items(&r), vec![(a, "🔥".into())]);
    assert_eq!(r.json()["next_cursor"], Value::Null);

    let r = app.get(&format!("{path}?limit=0"), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "validation_error");
    assert_eq!(
        app.get("/v1/user/u/zzzzzz/reacted-posts", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A viewer who blocked the fan no longer sees the fan's reactions.
    let block = format!("/v1/user/u/{}/block", fan.public_sqid);
    let r = app.call(Method::POST, &block, None, Some(&viewer_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(items(&app.get(&path, Some(&viewer_t)).await).is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn profile_stats_count_and_cache(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (artist, _) = app.user_with_token("artist").await;
    let (fan, fan_t) = app.user_with_token("fan").await;
    let (other, _) = app.user_with_token("other").await;
    let a = post(&app, &artist, "a").await;
    let b = post(&app, &artist, "b").await;
    let pending = post(&app, &artist, "pending").await;
    let hidden = post(&app, &artist, "hidden").await;
    let deleted = post(&app, &artist, "deleted").await;
    let odd = post(&app, &artist, "non-conformant").await;
    let list = post(&app, &artist, "playlist").await;
    set_post(&app, a, "view_count = 10").await;
    set_post(&app, b, "view_count = 5").await;
    set_post(&app, pending, "public_visibility = false, view_count = 1").await;
    set_post(&app, hidden, "hidden_by_user = true, view_count = 100").await;
    set_post(&app, deleted, "deleted_by_user = true, view_count = 100").await;
    set_post(&app, odd, "non_conformant = true, view_count = 100").await;
    set_post(&app, list, "kind = 'playlist', view_count = 2").await;
    react(&app, a, Some(&fan), "👍", 3).await;
    react(&app, a, None, "👍", 2).await;
    react(&app, list, Some(&fan), "🔥", 1).await;
    for p in [hidden, deleted, odd] {
        react(&app, p, Some(&fan), "👍", 1).await;
    }
    let path = format!("/v1/user/u/{}/follow", artist.public_sqid);
    assert_eq!(
        app.call(Method::POST, &path, None, Some(&fan_t))
            .await
            .status,
        StatusCode::OK
    );

    let want = ProfileStats {
        total_posts: 3,
        total_reactions_received: 3,
        total_views: 18,
        follower_count: 1,
    };
    assert_eq!(profile_stats(&app.state, artist.id).await.unwrap(), want);
    assert_eq!(
        db::profile_stats::compute(&pool, other.id).await.unwrap(),
        db::profile_stats::ProfileStats::default()
    );

    // Cached: a change is not seen until the member's family is bumped (or 300 s pass).
    sqlx::query("insert into follows (follower_id, following_id) values ($1, $2)")
        .bind(other.id)
        .bind(artist.id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(profile_stats(&app.state, artist.id).await.unwrap(), want);
    let family = user_family(artist.id);
    let generation = app.state.kv.generation(&family).await.unwrap();
    let entry = format!("cache:{family}:{generation}:profile_stats");
    assert!(app.state.kv.exists(&entry).await.unwrap(), "{entry}");
    stats_changed(&app.state, artist.id).await;
    assert_eq!(
        app.state.kv.generation(&family).await.unwrap(),
        generation + 1
    );
    let fresh = profile_stats(&app.state, artist.id).await.unwrap();
    assert_eq!(fresh.follower_count, 2);
    // Another member's bump leaves this entry alone.
    set_post(&app, b, "view_count = 50").await;
    stats_changed(&app.state, other.id).await;
    assert_eq!(profile_stats(&app.state, artist.id).await.unwrap(), fresh);
    stats_changed(&app.state, artist.id).await;
    assert_eq!(
        profile_stats(&app.state, artist.id)
            .await
            .unwrap()
            .total_views,
        63
    );
}
