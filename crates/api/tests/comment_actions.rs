//! Comments after creation: edit, delete by author, guest or moderator (placeholders), likes,
//! and moderator hiding.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod comments_support;
use comments_support::*;
use http::{Method, StatusCode};
use serde_json::json;
use sqlx::PgPool;
use test_support::TestApp;
#[sqlx::test(migrations = "../../migrations")]
async fn only_the_author_edits_and_the_original_body_is_kept(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, author_t, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    let c = add(&app, post, None, Some(&bob_t)).await;
    let path = format!("/v1/post/comments/{c}");

    let r = send(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"body": "edited"})),
        Some(&bob_t),
        IP1,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["body"], "edited");
    assert_eq!(r.json()["id"], c.as_str());
    let stored: (String, Option<String>) =
        sqlx::query_as("select body, original_body from comments where id = $1::uuid")
            .bind(&c)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, ("edited".into(), None));

    let r = send(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"body": "mine now"})),
        Some(&author_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = send(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"body": "x"})),
        None,
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = send(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"body": ""})),
        Some(&bob_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation_error");

    // Guests' comments cannot be edited, even by someone signed in on the same address.
    let guest = add(&app, post, None, None).await;
    let r = send(
        &app,
        Method::PATCH,
        &format!("/v1/post/comments/{guest}"),
        Some(json!({"body": "x"})),
        Some(&bob_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");

    // Deleted comments cannot be brought back by editing.
    send(&app, Method::DELETE, &path, None, Some(&bob_t), IP1).await;
    let r = send(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"body": "back"})),
        Some(&bob_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
}

#[sqlx::test(migrations = "../../migrations")]
async fn deleted_comments_stay_as_placeholders_only_above_live_replies(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    let (_, cid_t) = app.user_with_token("cid").await;
    let top = add(&app, post, None, Some(&bob_t)).await;
    let reply = add(&app, post, Some(&top), Some(&cid_t)).await;
    let lone = add(&app, post, None, Some(&bob_t)).await;
    assert_eq!(comment_count(&pool, post).await, 3);

    for _ in 0..2 {
        let r = send(
            &app,
            Method::DELETE,
            &format!("/v1/post/comments/{top}"),
            None,
            Some(&bob_t),
            IP1,
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.json());
    }
    send(
        &app,
        Method::DELETE,
        &format!("/v1/post/comments/{lone}"),
        None,
        Some(&bob_t),
        IP1,
    )
    .await;
    let page = list(&app, post, None).await;
    assert_eq!(ids(&page), vec![top.clone(), reply.clone()]);
    assert_eq!(page["items"][0]["body"], "[deleted]");
    assert_eq!(page["items"][0]["deleted_by_owner"], true);
    assert_eq!(comment_count(&pool, post).await, 1);
    let original: Option<String> =
        sqlx::query_scalar("select original_body from comments where id = $1::uuid")
            .bind(&top)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(original.as_deref(), Some("hello"));
    // Replying to the placeholder is refused; it is no longer a live comment.
    let r = comment(
        &app,
        post,
        json!({"body": "x", "parent_id": top}),
        Some(&cid_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");

    // Once the last reply goes, so does the placeholder.
    send(
        &app,
        Method::DELETE,
        &format!("/v1/post/comments/{reply}"),
        None,
        Some(&cid_t),
        IP1,
    )
    .await;
    assert!(ids(&list(&app, post, None).await).is_empty());
    assert_eq!(comment_count(&pool, post).await, 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn who_may_delete(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, author_t, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    let members = add(&app, post, None, Some(&bob_t)).await;
    let guests = add(&app, post, None, None).await; // from IP1
    let del = |id: &str| format!("/v1/post/comments/{id}");

    // Another guest address, another member, even the post's author: refused.
    let r = send(&app, Method::DELETE, &del(&guests), None, None, IP2).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = send(
        &app,
        Method::DELETE,
        &del(&guests),
        None,
        Some(&author_t),
        IP2,
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = send(
        &app,
        Method::DELETE,
        &del(&members),
        None,
        Some(&author_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = send(&app, Method::DELETE, &del(&members), None, None, IP1).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    // The same guest (same address) deletes their comment.
    let r = send(&app, Method::DELETE, &del(&guests), None, None, IP1).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    // A moderator's deletion says so and is audit-logged.
    let (m, _) = app.user_with_token("mod").await;
    let m = app.grant_roles(&m, &["moderator"]).await;
    let mod_t = app.token_for(&m);
    let r = send(
        &app,
        Method::DELETE,
        &del(&members),
        None,
        Some(&mod_t),
        IP2,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let row: (String, bool, bool, Option<String>) = sqlx::query_as(
        "select body, deleted_by_owner, deleted_by_mod, original_body from comments where id = $1::uuid",
    )
    .bind(&members)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "[deleted by moderator]".into(),
            false,
            true,
            Some("hello".into())
        )
    );
    let audit: Vec<(Option<i32>, String, String, String)> = sqlx::query_as(
        "select actor_id, action, target_type, target_id from audit_logs where target_type = 'comment'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        audit,
        vec![(
            Some(m.id),
            "delete_comment".into(),
            "comment".into(),
            members.clone()
        )]
    );
    // Repeating is a no-op, with no second audit entry.
    send(
        &app,
        Method::DELETE,
        &del(&members),
        None,
        Some(&mod_t),
        IP2,
    )
    .await;
    let n: i64 =
        sqlx::query_scalar("select count(*) from audit_logs where target_type = 'comment'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(n, 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn likes_count_once_and_notify_the_author(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    let (cid, cid_t) = app.user_with_token("cid").await;
    let c = add(&app, post, None, Some(&bob_t)).await;
    let like = format!("/v1/post/comments/{c}/like");

    let r = send(&app, Method::PUT, &like, None, Some(&cid_t), IP1).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.json());
    let r = send(&app, Method::POST, &like, None, Some(&cid_t), IP1).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    send(&app, Method::PUT, &like, None, Some(&bob_t), IP1).await; // own comment
    let items = list(&app, post, Some(&cid_t)).await["items"].clone();
    assert_eq!(items[0]["like_count"], 2);
    assert_eq!(items[0]["liked_by_me"], true);
    assert_eq!(
        list(&app, post, None).await["items"][0]["liked_by_me"],
        false
    );

    let likes: Vec<Notice> = notices(&pool)
        .await
        .into_iter()
        .filter(|n| n.0 == "comment_like")
        .collect();
    assert_eq!(
        likes,
        vec![(
            "comment_like".into(),
            bob.id,
            Some(cid.id),
            Some(c.clone()),
            Some("hello".into())
        )]
    );

    let r = send(&app, Method::PUT, &like, None, None, IP1).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    for _ in 0..2 {
        let r = send(&app, Method::DELETE, &like, None, Some(&cid_t), IP1).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    }
    assert_eq!(
        list(&app, post, Some(&cid_t)).await["items"][0]["like_count"],
        1
    );

    // Deleted comments cannot be liked.
    send(
        &app,
        Method::DELETE,
        &format!("/v1/post/comments/{c}"),
        None,
        Some(&bob_t),
        IP1,
    )
    .await;
    let r = send(&app, Method::PUT, &like, None, Some(&cid_t), IP1).await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
}

#[sqlx::test(migrations = "../../migrations")]
async fn likes_are_limited_to_120_in_five_minutes(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    let c = add(&app, post, None, None).await;
    let like = format!("/v1/post/comments/{c}/like");
    for i in 0..120 {
        let method = if i % 2 == 0 {
            Method::PUT
        } else {
            Method::DELETE
        };
        let r = send(&app, method, &like, None, Some(&bob_t), IP1).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{i}");
    }
    let r = send(&app, Method::PUT, &like, None, Some(&bob_t), IP1).await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

#[sqlx::test(migrations = "../../migrations")]
async fn moderators_hide_and_unhide(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, author_t, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    let (m, _) = app.user_with_token("mod").await;
    let m = app.grant_roles(&m, &["moderator"]).await;
    let mod_t = app.token_for(&m);
    let c = add(&app, post, None, Some(&bob_t)).await;
    let reply = add(&app, post, Some(&c), Some(&author_t)).await;
    let hide = format!("/v1/post/comments/{c}/hide");

    let r = send(&app, Method::POST, &hide, None, Some(&author_t), IP1).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = send(&app, Method::POST, &hide, None, None, IP1).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let r = send(
        &app,
        Method::POST,
        &format!("/v1/post/comments/{}/hide", uuid::Uuid::new_v4()),
        None,
        Some(&mod_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");

    for _ in 0..2 {
        let r = send(&app, Method::POST, &hide, None, Some(&mod_t), IP1).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    }
    // Gone with its reply for everyone but moderators.
    assert!(ids(&list(&app, post, None).await).is_empty());
    assert!(ids(&list(&app, post, Some(&bob_t)).await).is_empty());
    let seen = list(&app, post, Some(&mod_t)).await;
    assert_eq!(ids(&seen), vec![c.clone(), reply.clone()]);
    assert_eq!(seen["items"][0]["hidden_by_mod"], true);
    assert_eq!(comment_count(&pool, post).await, 1);
    // Hidden comments take no replies from members.
    let r = comment(
        &app,
        post,
        json!({"body": "x", "parent_id": c}),
        Some(&author_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");

    for _ in 0..2 {
        let r = send(&app, Method::DELETE, &hide, None, Some(&mod_t), IP1).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    }
    assert_eq!(ids(&list(&app, post, None).await), vec![c.clone(), reply]);
    assert_eq!(comment_count(&pool, post).await, 2);
    let audit: Vec<String> = sqlx::query_scalar(
        "select action from audit_logs where target_type = 'comment' and target_id = $1 order by created_at",
    )
    .bind(&c)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audit, vec!["hide_comment", "unhide_comment"]);
}
