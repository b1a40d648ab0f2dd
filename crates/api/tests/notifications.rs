//! Social notifications over HTTP: the list and its cursor, unread filter and count, marking
//! read, deletion, blocked actors, and the sign-in requirement.
// Test helpers outside #[test] fns panic on purpose, like the assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use db::notifications::NewNotification;
use db::users::UserRow;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::TestApp;
use uuid::Uuid;

const LIST: &str = "/v1/social-notifications/";
const COUNT: &str = "/v1/social-notifications/unread-count";
const MARK: &str = "/v1/social-notifications/mark-read";
const MARK_ALL: &str = "/v1/social-notifications/mark-all-read";

/// Stores `n` notifications for `user` from `actor`, oldest first; returns their ids.
async fn seed(app: &TestApp, user: &UserRow, actor: &UserRow, n: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for i in 0..n {
        let emoji = format!("e{i}");
        let row = db::notifications::insert(
            &app.state.db,
            &NewNotification {
                user_id: user.id,
                notification_type: "reaction",
                post_id: None,
                actor_id: Some(actor.id),
                actor_handle: Some(&actor.handle),
                actor_avatar_url: None,
                actor_public_sqid: Some(&actor.public_sqid),
                emoji: Some(&emoji),
                comment_id: None,
                comment_preview: None,
                content_title: None,
                content_sqid: None,
                content_art_url: None,
            },
        )
        .await
        .unwrap();
        ids.push(row.id);
    }
    ids
}

fn ids_of(page: &Value) -> Vec<Uuid> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().parse().unwrap())
        .collect()
}

async fn unread(app: &TestApp, token: &str) -> i64 {
    let r = app.get(COUNT, Some(token)).await;
    assert_eq!(r.status, StatusCode::OK);
    r.json()["unread_count"].as_i64().unwrap()
}

async fn is_read(app: &TestApp, id: Uuid) -> bool {
    sqlx::query_scalar("select is_read from social_notifications where id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn list_pages_newest_first_by_cursor_with_and_without_slash(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (bob, _) = app.user_with_token("bob").await;
    let mut ids = seed(&app, &alice, &bob, 5).await;
    seed(&app, &bob, &alice, 2).await;
    ids.reverse();

    let mut seen = Vec::new();
    let mut path = format!("{LIST}?limit=2");
    loop {
        let r = app.get(&path, Some(&alice_t)).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
        let page = r.json();
        seen.extend(ids_of(&page));
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(page["items"].as_array().unwrap().len(), 2);
                path = format!("{LIST}?limit=2&cursor={}", urlencode(c));
            }
            None => break,
        }
    }
    assert_eq!(seen, ids, "every notification once, newest first");

    let r = app.get("/v1/social-notifications", Some(&alice_t)).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.json();
    assert_eq!(ids_of(&page), ids);
    assert!(page["next_cursor"].is_null());
    let first = &page["items"][0];
    assert_eq!(first["user_id"], alice.id);
    assert_eq!(first["notification_type"], "reaction");
    assert_eq!(first["actor_handle"], "bob");
    assert_eq!(first["actor_public_sqid"], bob.public_sqid.as_str());
    assert_eq!(first["emoji"], "e4");
    assert_eq!(first["is_read"], false);
    assert!(first["created_at"].is_string());

    for bad in ["0", "201", "x"] {
        let r = app
            .get(&format!("{LIST}?limit={bad}"), Some(&alice_t))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "limit={bad}");
        assert_eq!(r.code(), "validation_error");
    }
    let r = app.get(&format!("{LIST}?limit=200"), Some(&alice_t)).await;
    assert_eq!(ids_of(&r.json()).len(), 5);
}

#[sqlx::test(migrations = "../../migrations")]
async fn an_undecodable_cursor_is_a_400(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (bob, _) = app.user_with_token("bob").await;
    seed(&app, &alice, &bob, 1).await;
    let json_cursor = STANDARD.encode(r#"{"id":"12","sort":"2026-01-01T00:00:00Z"}"#);
    for bad in ["garbage!", "e30=", json_cursor.as_str()] {
        let r = app
            .get(&format!("{LIST}?cursor={}", urlencode(bad)), Some(&alice_t))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "cursor {bad}");
        assert_eq!(r.code(), "bad_request");
        assert_eq!(r.json()["error"]["message"], "Invalid cursor.");
    }
    // An empty cursor is the first page.
    let r = app.get(&format!("{LIST}?cursor="), Some(&alice_t)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(ids_of(&r.json()).len(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn mark_read_counts_filters_and_ignores_other_users_ids(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    let ids = seed(&app, &alice, &bob, 4).await;
    let bobs = seed(&app, &bob, &alice, 1).await;
    assert_eq!(unread(&app, &alice_t).await, 4);

    let body = json!([ids[0], ids[1], bobs[0], Uuid::new_v4()]);
    let r = app.post(MARK, body, Some(&alice_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.body.is_empty());
    assert_eq!(unread(&app, &alice_t).await, 2);
    assert!(is_read(&app, ids[0]).await && is_read(&app, ids[1]).await);
    assert!(
        !is_read(&app, bobs[0]).await,
        "someone else's id is ignored"
    );
    assert_eq!(unread(&app, &bob_t).await, 1);

    let page = app
        .get(&format!("{LIST}?unread_only=true"), Some(&alice_t))
        .await
        .json();
    assert_eq!(ids_of(&page), vec![ids[3], ids[2]]);
    let all = app.get(LIST, Some(&alice_t)).await.json();
    assert_eq!(all["items"][3]["is_read"], true);
    assert_eq!(all["items"][0]["is_read"], false);

    // The cap: 201 ids are refused and change nothing; 200 are fine.
    let mut many: Vec<Uuid> = (0..199).map(|_| Uuid::new_v4()).collect();
    many.push(ids[2]);
    many.push(ids[3]);
    let r = app.post(MARK, json!(many), Some(&alice_t)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "bad_request");
    assert_eq!(unread(&app, &alice_t).await, 2);
    many.remove(0);
    let r = app.post(MARK, json!(many), Some(&alice_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(unread(&app, &alice_t).await, 0);

    let r = app.post(MARK, json!([]), Some(&alice_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    for bad in [json!({"ids": []}), json!(["not-a-uuid"])] {
        let r = app.post(MARK, bad, Some(&alice_t)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.code(), "validation_error");
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn mark_all_read_touches_only_the_caller(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    seed(&app, &alice, &bob, 3).await;
    seed(&app, &bob, &alice, 2).await;
    let r = app.call(Method::POST, MARK_ALL, None, Some(&alice_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(unread(&app, &alice_t).await, 0);
    assert_eq!(unread(&app, &bob_t).await, 2);
    let page = app
        .get(&format!("{LIST}?unread_only=true"), Some(&alice_t))
        .await
        .json();
    assert!(ids_of(&page).is_empty());
    assert_eq!(ids_of(&app.get(LIST, Some(&alice_t)).await.json()).len(), 3);
}

#[sqlx::test(migrations = "../../migrations")]
async fn delete_own_only_and_someone_elses_is_404(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (bob, _) = app.user_with_token("bob").await;
    let mine = seed(&app, &alice, &bob, 2).await;
    let bobs = seed(&app, &bob, &alice, 1).await;
    let path = |id: &dyn std::fmt::Display| format!("/v1/social-notifications/{id}");

    let r = app
        .call(Method::DELETE, &path(&mine[0]), None, Some(&alice_t))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        ids_of(&app.get(LIST, Some(&alice_t)).await.json()),
        vec![mine[1]]
    );

    for id in [bobs[0], mine[0], Uuid::new_v4()] {
        let r = app
            .call(Method::DELETE, &path(&id), None, Some(&alice_t))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(r.code(), "not_found");
    }
    let left: i64 = sqlx::query_scalar("select count(*) from social_notifications where id = $1")
        .bind(bobs[0])
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(left, 1, "someone else's notification stays");

    let r = app
        .call(Method::DELETE, &path(&"nope"), None, Some(&alice_t))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "../../migrations")]
async fn notifications_from_blocked_actors_are_hidden(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (carol, carol_t) = app.user_with_token("carol").await;
    let (bob, _) = app.user_with_token("bob").await;
    seed(&app, &alice, &bob, 1).await;
    // A real producer: carol follows alice.
    let r = app
        .call(
            Method::POST,
            &format!("/v1/user/u/{}/follow", alice.public_sqid),
            None,
            Some(&carol_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = app.get(LIST, Some(&alice_t)).await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["notification_type"], "follow");
    assert_eq!(page["items"][0]["actor_handle"], "carol");
    assert_eq!(unread(&app, &alice_t).await, 2);

    let block = format!("/v1/user/u/{}/block", carol.public_sqid);
    let r = app.call(Method::POST, &block, None, Some(&alice_t)).await;
    assert!(r.status.is_success(), "{:?}", r.json());
    let page = app.get(LIST, Some(&alice_t)).await.json();
    let actors: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["actor_handle"].as_str().unwrap())
        .collect();
    assert_eq!(actors, vec!["bob"]);
    assert_eq!(unread(&app, &alice_t).await, 1);

    let r = app.call(Method::DELETE, &block, None, Some(&alice_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(unread(&app, &alice_t).await, 2, "kept, only hidden");
}

#[sqlx::test(migrations = "../../migrations")]
async fn every_route_needs_a_signed_in_user(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let id = Uuid::new_v4();
    let routes = [
        (Method::GET, LIST.to_string(), None),
        (Method::GET, "/v1/social-notifications".to_string(), None),
        (Method::GET, COUNT.to_string(), None),
        (Method::POST, MARK.to_string(), Some(json!([id]))),
        (Method::POST, MARK_ALL.to_string(), None),
        (
            Method::DELETE,
            format!("/v1/social-notifications/{id}"),
            None,
        ),
        (Method::GET, "/v1/realtime/notifications".to_string(), None),
    ];
    for (method, path, body) in routes {
        for token in [None, Some("not-a-token")] {
            let r = app.call(method.clone(), &path, body.clone(), token).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(r.code(), "unauthorized");
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
