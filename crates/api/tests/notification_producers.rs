//! The notifications existing write paths raise (http-api.md §1.10): follow, approve-public,
//! promote and mod-hashtags; a repeated follow or a refused one raises nothing, and neither
//! does any self-action. Checked on the `social_notifications` rows themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use db::users::UserRow;
use http::{Method, StatusCode};
use serde_json::json;
use sqlx::PgPool;
use test_support::{TestApp, TestResponse};

/// One stored notification: type, actor, post, preview and the copied content title.
#[derive(Debug, PartialEq, Eq, sqlx::FromRow)]
struct Row {
    notification_type: String,
    actor_id: Option<i32>,
    actor_handle: Option<String>,
    post_id: Option<i64>,
    comment_preview: Option<String>,
    content_title: Option<String>,
}

async fn notifications(app: &TestApp, u: &UserRow) -> Vec<Row> {
    sqlx::query_as(
        r#"select notification_type, actor_id, actor_handle, post_id, comment_preview,
                  content_title
           from social_notifications where user_id = $1 order by created_at, id"#,
    )
    .bind(u.id)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

async fn total(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from social_notifications")
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// A live, pending artwork inserted directly (uploads are rate limited and slow).
async fn post(app: &TestApp, owner: &UserRow, title: &str) -> i64 {
    sqlx::query_scalar(
        r#"insert into posts (owner_id, title, public_sqid, native_format, width, height)
           values ($1, $2, 'sq-' || gen_random_uuid(), 'png', 64, 64) returning id"#,
    )
    .bind(owner.id)
    .bind(title)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

async fn moderator(app: &TestApp, handle: &str) -> (UserRow, String) {
    let (u, _) = app.user_with_token(handle).await;
    let u = app.grant_roles(&u, &["moderator"]).await;
    let t = app.token_for(&u);
    (u, t)
}

async fn follow(app: &TestApp, target: &UserRow, token: &str) -> TestResponse {
    let path = format!("/v1/user/u/{}/follow", target.public_sqid);
    app.call(Method::POST, &path, None, Some(token)).await
}

fn row(kind: &str, actor: &UserRow, post_id: Option<i64>, title: Option<&str>) -> Row {
    Row {
        notification_type: kind.into(),
        actor_id: Some(actor.id),
        actor_handle: Some(actor.handle.clone()),
        post_id,
        comment_preview: None,
        content_title: title.map(str::to_string),
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_new_follow_notifies_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (bob, _) = app.user_with_token("bob").await;
    for _ in 0..3 {
        assert_eq!(follow(&app, &bob, &alice_t).await.status, StatusCode::OK);
    }
    assert_eq!(
        notifications(&app, &bob).await,
        vec![row("follow", &alice, None, None)]
    );
    assert!(notifications(&app, &alice).await.is_empty());
    // Following oneself is refused and raises nothing.
    let r = follow(&app, &alice, &alice_t).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(total(&app).await, 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_follow_across_a_block_is_refused_silently(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (carol, carol_t) = app.user_with_token("carol").await;
    let path = format!("/v1/user/u/{}/block", alice.public_sqid);
    let r = app.call(Method::POST, &path, None, Some(&carol_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // Both directions: the blocked member following the blocker, and the blocker following back.
    let r = follow(&app, &carol, &alice_t).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "blocked");
    let r = follow(&app, &alice, &carol_t).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "blocked");
    assert_eq!(total(&app).await, 0);
    let follows: i64 = sqlx::query_scalar("select count(*) from follows")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(follows, 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn approve_and_promote_notify_the_author(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (artist, _) = app.user_with_token("artist").await;
    let (modder, mod_t) = moderator(&app, "modder").await;
    let id = post(&app, &artist, "Sunset").await;

    let r = app
        .call(
            Method::POST,
            &format!("/v1/post/{id}/approve-public"),
            None,
            Some(&mod_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let r = app
        .post(
            &format!("/v1/post/{id}/promote"),
            json!({"category": "frontpage"}),
            Some(&mod_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    assert_eq!(
        notifications(&app, &artist).await,
        vec![
            row("post_approved", &modder, Some(id), Some("Sunset")),
            row("post_promoted", &modder, Some(id), Some("Sunset")),
        ]
    );
    assert!(notifications(&app, &modder).await.is_empty());
    // A refused action raises nothing.
    let (_, user_t) = app.user_with_token("someone").await;
    let r = app
        .call(
            Method::POST,
            &format!("/v1/post/{id}/approve-public"),
            None,
            Some(&user_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(total(&app).await, 2);
}

#[sqlx::test(migrations = "../../migrations")]
async fn mod_hashtag_changes_notify_with_the_diff(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (artist, _) = app.user_with_token("artist").await;
    let (modder, mod_t) = moderator(&app, "modder").await;
    let id = post(&app, &artist, "Tagged").await;
    let set = |tags: serde_json::Value| {
        let app = &app;
        let mod_t = mod_t.clone();
        async move {
            let path = format!("/v1/post/{id}/mod-hashtags");
            let r = app
                .call(
                    Method::PUT,
                    &path,
                    Some(json!({ "hashtags": tags })),
                    Some(&mod_t),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
        }
    };
    set(json!(["nsfw"])).await;
    set(json!(["politics"])).await;
    // Re-sending the same set changes nothing and says nothing.
    set(json!(["politics"])).await;
    let with = |preview: &str| Row {
        comment_preview: Some(preview.into()),
        ..row("mod_hashtags_updated", &modder, Some(id), Some("Tagged"))
    };
    assert_eq!(
        notifications(&app, &artist).await,
        vec![with("+#nsfw"), with("+#politics −#nsfw")]
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn self_actions_never_notify(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (modder, mod_t) = moderator(&app, "modder").await;
    let id = post(&app, &modder, "Mine").await;
    let r = app
        .call(
            Method::POST,
            &format!("/v1/post/{id}/approve-public"),
            None,
            Some(&mod_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app
        .post(
            &format!("/v1/post/{id}/promote"),
            json!({"category": "editor-pick"}),
            Some(&mod_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app
        .call(
            Method::PUT,
            &format!("/v1/post/{id}/mod-hashtags"),
            Some(json!({"hashtags": ["violence"]})),
            Some(&mod_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let flags: (bool, bool, Vec<String>) =
        sqlx::query_as("select public_visibility, promoted, mod_hashtags from posts where id = $1")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(flags, (true, true, vec!["violence".to_string()]));
    assert_eq!(total(&app).await, 0);
}
