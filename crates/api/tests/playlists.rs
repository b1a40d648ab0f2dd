//! Playlists (§2.8): create, read, patch, soft delete; the length and count limits; unknown
//! and inaccessible items; who may edit; the list; and the SQL access rule agreeing with Rust.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::visibility::{can_access, PostFlags, Viewer};
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::art::{artist, upload_png};
use test_support::{TestApp, TestResponse};

async fn post_id(app: &TestApp, token: &str, seed: u8) -> i64 {
    upload_png(app, token, seed).await["id"].as_i64().unwrap()
}

async fn create(app: &TestApp, token: &str, body: Value) -> TestResponse {
    app.post("/v1/playlist", body, Some(token)).await
}

async fn patch(app: &TestApp, id: &str, body: Value, token: &str) -> TestResponse {
    app.call(
        Method::PATCH,
        &format!("/v1/playlist/{id}"),
        Some(body),
        Some(token),
    )
    .await
}

async fn delete(app: &TestApp, id: &str, token: &str) -> TestResponse {
    app.call(
        Method::DELETE,
        &format!("/v1/playlist/{id}"),
        None,
        Some(token),
    )
    .await
}

async fn set_flag(app: &TestApp, post_id: i64, flag: &str) {
    let sql = format!("update posts set {flag} = true where id = $1");
    sqlx::query(&sql)
        .bind(post_id)
        .execute(&app.state.db)
        .await
        .unwrap();
}

fn ids(v: &Value) -> Vec<i64> {
    v["post_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_i64().unwrap())
        .collect()
}

fn listed(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

async fn playlist_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from posts where kind = 'playlist'")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn create_read_patch_delete(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (owner, token) = artist(&app, "curator", false).await;
    let a = post_id(&app, &token, 1).await;
    let b = post_id(&app, &token, 2).await;

    let r = create(
        &app,
        &token,
        json!({"title": "  Best of  ", "description": "mine", "post_ids": [b, a]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let pl = r.json();
    let id = pl["id"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(pl["owner_id"], owner.id);
    assert_eq!(pl["title"], "Best of");
    assert_eq!(pl["description"], "mine");
    assert_eq!(ids(&pl), vec![b, a]);
    assert_eq!(pl["visible"], true);
    assert_eq!(pl["hidden_by_user"], false);
    assert_eq!(pl["hidden_by_mod"], false);

    // Stored as a post of kind 'playlist' with a sqid and no artwork facts; pending approval
    // because its author is not trusted.
    let (pid, sqid, width, public): (i64, String, Option<i32>, bool) = sqlx::query_as(
        "select id, public_sqid, width, public_visibility from posts where storage_key = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(app.state.sqids.encode(pid), sqid);
    assert_eq!(width, None);
    assert!(!public);

    let got = app.get(&format!("/v1/playlist/{id}"), None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json(), pl);

    let r = patch(
        &app,
        &id,
        json!({"title": "Renamed", "description": null, "post_ids": [a]}),
        &token,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["title"], "Renamed");
    assert_eq!(r.json()["description"], Value::Null);
    assert_eq!(ids(&r.json()), vec![a]);
    let items: Vec<(i32, i64)> = sqlx::query_as(
        "select position, post_id from playlist_items where playlist_id = $1 order by position",
    )
    .bind(pid)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(items, vec![(0, a)]);
    // Absent fields stay as they are.
    let r = patch(&app, &id, json!({"description": "back"}), &token).await;
    assert_eq!(r.json()["title"], "Renamed");
    assert_eq!(r.json()["description"], "back");
    assert_eq!(ids(&r.json()), vec![a]);

    // Hidden by its author: others get the 404 of a missing playlist, the author still sees it.
    let r = patch(&app, &id, json!({"hidden_by_user": true}), &token).await;
    assert_eq!(r.json()["hidden_by_user"], true);
    let anon = app.get(&format!("/v1/playlist/{id}"), None).await;
    assert_eq!(anon.status, StatusCode::NOT_FOUND);
    assert_eq!(anon.code(), "not_found");
    let (_, stranger) = app.user_with_token("stranger").await;
    let r = app
        .get(&format!("/v1/playlist/{id}"), Some(&stranger))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/v1/playlist/{id}"), Some(&token))
            .await
            .status,
        StatusCode::OK
    );

    let r = delete(&app, &id, &token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let (deleted, date): (bool, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("select deleted_by_user, deleted_by_user_date from posts where id = $1")
            .bind(pid)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(deleted && date.is_some());
    for r in [
        app.get(&format!("/v1/playlist/{id}"), Some(&token)).await,
        patch(&app, &id, json!({"title": "zombie"}), &token).await,
        delete(&app, &id, &token).await,
    ] {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{:?}", r.json());
    }
    let page = app
        .get(&format!("/v1/playlist?owner_id={}", owner.id), Some(&token))
        .await;
    assert!(listed(&page.json()).is_empty());
    // Not a UUID, or an artwork's key: the same 404.
    assert_eq!(
        app.get("/v1/playlist/nope", None).await.status,
        StatusCode::NOT_FOUND
    );
    let art_key: uuid::Uuid = sqlx::query_scalar("select storage_key from posts where id = $1")
        .bind(a)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/v1/playlist/{art_key}"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn limits_and_unknown_posts(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "limits", false).await;
    let a = post_id(&app, &token, 1).await;

    let assert_422 = |r: TestResponse, field: &str| {
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {:?}",
            r.json()
        );
        assert_eq!(r.code(), "validation_error");
    };
    assert_422(
        create(&app, &token, json!({"title": "   "})).await,
        "blank title",
    );
    assert_422(
        create(&app, &token, json!({"title": "x".repeat(129)})).await,
        "title 129",
    );
    assert_422(
        create(
            &app,
            &token,
            json!({"title": "t", "description": "d".repeat(1001)}),
        )
        .await,
        "description 1001",
    );
    assert_422(
        create(
            &app,
            &token,
            json!({"title": "t", "post_ids": vec![a; 101]}),
        )
        .await,
        "101 posts",
    );
    assert_422(
        create(&app, &token, json!({"title": "t", "colour": "red"})).await,
        "unknown field",
    );
    let r = create(
        &app,
        &token,
        json!({"title": "t", "post_ids": [a, 999_999]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "bad_request");
    assert_eq!(
        playlist_count(&pool).await,
        0,
        "refused requests write nothing"
    );

    // The limits themselves are allowed; repeats are kept in order.
    let r = create(
        &app,
        &token,
        json!({"title": "x".repeat(128), "description": "d".repeat(1000), "post_ids": vec![a; 100]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    assert_eq!(ids(&r.json()).len(), 100);
    let id = r.json()["id"].as_str().unwrap().to_string();

    // PATCH enforces the same limits and writes nothing when refused.
    assert_422(
        patch(&app, &id, json!({"title": "y".repeat(129)}), &token).await,
        "patch title",
    );
    assert_422(
        patch(&app, &id, json!({"post_ids": vec![a; 101]}), &token).await,
        "patch 101",
    );
    let r = patch(&app, &id, json!({"title": "new", "post_ids": [-1]}), &token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let got = app.get(&format!("/v1/playlist/{id}"), None).await.json();
    assert_eq!(got["title"], "x".repeat(128));
    assert_eq!(ids(&got).len(), 100);

    // A playlist is not an item, and anonymous callers cannot create.
    let key = uuid::Uuid::parse_str(&id).unwrap();
    let pl_post: i64 = sqlx::query_scalar("select id from posts where storage_key = $1")
        .bind(key)
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = create(&app, &token, json!({"title": "t", "post_ids": [pl_post]})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.post("/v1/playlist", json!({"title": "t"}), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn inaccessible_posts_are_dropped(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, me) = artist(&app, "curator", false).await;
    let (_, other) = artist(&app, "other", false).await;
    let mine_hidden = post_id(&app, &me, 1).await;
    let theirs = post_id(&app, &other, 2).await;
    let theirs_hidden = post_id(&app, &other, 3).await;
    let theirs_deleted = post_id(&app, &other, 4).await;
    set_flag(&app, mine_hidden, "hidden_by_user").await;
    set_flag(&app, theirs_hidden, "hidden_by_mod").await;
    set_flag(&app, theirs_deleted, "deleted_by_user").await;

    let r = create(
        &app,
        &me,
        json!({"title": "mix", "post_ids": [theirs_hidden, mine_hidden, theirs_deleted, theirs]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    assert_eq!(ids(&r.json()), vec![mine_hidden, theirs]);
    let id = r.json()["id"].as_str().unwrap().to_string();

    // Readers only see the items they may open themselves.
    let anon = app.get(&format!("/v1/playlist/{id}"), None).await.json();
    assert_eq!(ids(&anon), vec![theirs]);
    // An item hidden later drops out for others, not for its author.
    set_flag(&app, theirs, "hidden_by_user").await;
    assert!(ids(&app.get(&format!("/v1/playlist/{id}"), None).await.json()).is_empty());
    let by_other = app
        .get(&format!("/v1/playlist/{id}"), Some(&other))
        .await
        .json();
    assert_eq!(ids(&by_other), vec![theirs]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn only_the_author_or_a_moderator_edits(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, owner) = artist(&app, "owner1", false).await;
    let (_, other) = artist(&app, "other1", false).await;
    let (m, _) = app.user_with_token("moddy").await;
    let m = app.grant_roles(&m, &["moderator"]).await;
    let moderator = app.token_for(&m);
    let r = create(&app, &owner, json!({"title": "keep out"})).await;
    let id = r.json()["id"].as_str().unwrap().to_string();

    let r = patch(&app, &id, json!({"title": "mine now"}), &other).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "forbidden");
    assert_eq!(
        delete(&app, &id, &other).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .call(
            Method::PATCH,
            &format!("/v1/playlist/{id}"),
            Some(json!({"title": "x"})),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get(&format!("/v1/playlist/{id}"), None).await.json()["title"],
        "keep out"
    );

    // Hidden, it is simply not there for the other user.
    patch(&app, &id, json!({"hidden_by_user": true}), &owner).await;
    let r = patch(&app, &id, json!({"title": "mine now"}), &other).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = patch(&app, &id, json!({"title": "moderated"}), &moderator).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["title"], "moderated");
    assert_eq!(
        delete(&app, &id, &moderator).await.status,
        StatusCode::NO_CONTENT
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn list_by_owner_visibility_and_limit(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (alice, alice_t) = artist(&app, "alice", true).await;
    let (bob, bob_t) = artist(&app, "bob", false).await;
    let a1 = create(&app, &alice_t, json!({"title": "a1"})).await.json();
    let a2 = create(&app, &alice_t, json!({"title": "a2"})).await.json();
    let b1 = create(&app, &bob_t, json!({"title": "b1"})).await.json();
    let b_hidden = create(&app, &bob_t, json!({"title": "b2"})).await.json();
    let b_gone = create(&app, &bob_t, json!({"title": "b3"})).await.json();
    let hid = b_hidden["id"].as_str().unwrap();
    patch(&app, hid, json!({"hidden_by_user": true}), &bob_t).await;
    delete(&app, b_gone["id"].as_str().unwrap(), &bob_t).await;
    let key = |v: &Value| v["id"].as_str().unwrap().to_string();

    // Trusted authors' playlists are approved for discovery at once.
    let public: bool =
        sqlx::query_scalar("select public_visibility from posts where storage_key = $1::uuid")
            .bind(key(&a1))
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(public);

    let r = app.get("/v1/playlist", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        listed(&r.json()),
        vec![key(&b1), key(&a2), key(&a1)],
        "newest first, hidden and deleted left out"
    );
    assert_eq!(r.json()["next_cursor"], Value::Null);
    let mine = app
        .get(&format!("/v1/playlist?owner_id={}", bob.id), Some(&bob_t))
        .await;
    assert_eq!(listed(&mine.json()), vec![key(&b_hidden), key(&b1)]);
    let theirs = app
        .get(&format!("/v1/playlist?owner_id={}", alice.id), Some(&bob_t))
        .await;
    assert_eq!(listed(&theirs.json()), vec![key(&a2), key(&a1)]);
    let one = app.get("/v1/playlist?limit=1&cursor=whatever", None).await;
    assert_eq!(listed(&one.json()), vec![key(&b1)]);
    assert_eq!(one.json()["next_cursor"], Value::Null);
    for bad in ["limit=0", "limit=201", "owner_id=abc"] {
        let r = app.get(&format!("/v1/playlist?{bad}"), None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(r.code(), "validation_error");
    }
}

/// `post_accessible` (SQL, used by the playlist queries) and `can_access` (Rust) are one rule.
#[sqlx::test(migrations = "../../migrations")]
async fn sql_access_rule_matches_rust(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let author = app.create_user("a@example.com", "author", true).await;
    let viewers = [
        Viewer::Anonymous,
        Viewer::User {
            id: author.id,
            moderator: false,
        },
        Viewer::User {
            id: author.id + 1000,
            moderator: false,
        },
        Viewer::User {
            id: author.id + 1000,
            moderator: true,
        },
    ];
    for bits in 0u8..16 {
        let f = PostFlags {
            owner_id: author.id,
            visible: bits & 1 != 0,
            hidden_by_user: bits & 2 != 0,
            hidden_by_mod: bits & 4 != 0,
            deleted_by_user: bits & 8 != 0,
            ..Default::default()
        };
        let id: i64 = sqlx::query_scalar(
            "insert into posts (public_sqid, owner_id, title, visible, hidden_by_user, \
             hidden_by_mod, deleted_by_user) values ($1, $2, 't', $3, $4, $5, $6) returning id",
        )
        .bind(format!("sq{bits}"))
        .bind(author.id)
        .bind(f.visible)
        .bind(f.hidden_by_user)
        .bind(f.hidden_by_mod)
        .bind(f.deleted_by_user)
        .fetch_one(&pool)
        .await
        .unwrap();
        for v in viewers {
            let r = api::routes::playlists::reader(v);
            let sql = db::playlists::is_accessible(&pool, id, r).await.unwrap();
            assert_eq!(sql, can_access(&f, v), "flags {f:?}, viewer {v:?}");
        }
    }
}
