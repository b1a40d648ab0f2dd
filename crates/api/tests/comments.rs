//! Comments: create (members and guests), depth and per-post caps, the rate limit, blocks,
//! listing rules (placeholders, hidden, blocked) and the notifications they raise.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod comments_support;
use comments_support::*;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::TestApp;
#[sqlx::test(migrations = "../../migrations")]
async fn members_comment_and_the_list_is_oldest_first(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;

    let r = comment(&app, post, json!({"body": "first!"}), Some(&bob_t), IP1).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let c = r.json();
    assert_eq!(c["post_id"], post);
    assert_eq!(c["author_id"], bob.id);
    assert_eq!(c["parent_id"], Value::Null);
    assert_eq!(c["depth"], 0);
    assert_eq!(c["body"], "first!");
    assert_eq!(c["author_handle"], "bob");
    assert_eq!(c["author_display_name"], "bob");
    assert_eq!(c["author_public_sqid"], bob.public_sqid.as_str());
    assert_eq!(c["like_count"], 0);
    assert_eq!(c["liked_by_me"], false);
    for flag in ["hidden_by_mod", "deleted_by_owner", "deleted_by_mod"] {
        assert_eq!(c[flag], false);
    }
    let second = add(&app, post, None, None).await;

    let page = list(&app, post, None).await;
    assert_eq!(
        ids(&page),
        vec![c["id"].as_str().unwrap().to_string(), second]
    );
    assert_eq!(page["next_cursor"], Value::Null);
    assert_eq!(comment_count(&pool, post).await, 2);
    // `limit` bounds the page; out of range is a validation error.
    let r = send(
        &app,
        Method::GET,
        &format!("/v1/post/{post}/comments?limit=1"),
        None,
        None,
        IP1,
    )
    .await;
    assert_eq!(ids(&r.json()).len(), 1);
    let r = send(
        &app,
        Method::GET,
        &format!("/v1/post/{post}/comments?limit=0"),
        None,
        None,
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation_error");
}

#[sqlx::test(migrations = "../../migrations")]
async fn guests_are_named_by_their_address_hash(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let r = comment(&app, post, json!({"body": "hi from a guest"}), None, IP2).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let expected = format!("Guest_{}", &hash(IP2)[..6]);
    assert_eq!(r.json()["author_handle"], expected.as_str());
    assert_eq!(r.json()["author_display_name"], expected.as_str());
    assert_eq!(r.json()["author_id"], Value::Null);
    let stored: (Option<i32>, Option<String>) =
        sqlx::query_as("select author_id, author_ip from comments where post_id = $1")
            .bind(post)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, (None, Some(hash(IP2))));
    assert_eq!(
        list(&app, post, None).await["items"][0]["author_handle"],
        expected.as_str()
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn bodies_are_1_to_2000_characters(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token, post) = post_by(&app, "artist", 1).await;
    for bad in [
        json!({"body": ""}),
        json!({"body": "  \n"}),
        json!({"body": "a".repeat(2001)}),
        json!({}),
        json!({"body": "x", "extra": 1}),
    ] {
        let r = comment(&app, post, bad, Some(&token), IP1).await;
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation_error");
    }
    let r = comment(
        &app,
        post,
        json!({"body": "é".repeat(2000)}),
        Some(&token),
        IP1,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(comment_count(&pool, post).await, 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn replies_nest_two_deep_under_a_parent_on_the_same_post(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token, post) = post_by(&app, "artist", 1).await;
    let (_, _, other_post) = post_by(&app, "other", 2).await;
    let top = add(&app, post, None, Some(&token)).await;
    let r1 = add(&app, post, Some(&top), Some(&token)).await;
    let r2 = comment(
        &app,
        post,
        json!({"body": "deep", "parent_id": r1}),
        None,
        IP1,
    )
    .await;
    assert_eq!(r2.status, StatusCode::CREATED);
    assert_eq!(r2.json()["depth"], 2);
    assert_eq!(r2.json()["parent_id"], r1.as_str());

    let r = comment(
        &app,
        post,
        json!({"body": "x", "parent_id": r2.json()["id"]}),
        Some(&token),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "comment_too_deep");
    let r = comment(
        &app,
        other_post,
        json!({"body": "x", "parent_id": top}),
        Some(&token),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
    let unknown = uuid::Uuid::new_v4();
    let r = comment(
        &app,
        post,
        json!({"body": "x", "parent_id": unknown}),
        Some(&token),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad_request");
    let r = comment(
        &app,
        post,
        json!({"body": "x", "parent_id": "nope"}),
        Some(&token),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation_error");
    assert_eq!(comment_count(&pool, post).await, 3);
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_post_holds_at_most_1000_comments(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token, post) = post_by(&app, "artist", 1).await;
    sqlx::query(
        "insert into comments (post_id, author_ip, body)
         select $1, 'seed', 'filler ' || g from generate_series(1, 999) g",
    )
    .bind(post)
    .execute(&pool)
    .await
    .unwrap();
    let r = comment(&app, post, json!({"body": "the 1000th"}), Some(&token), IP1).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let r = comment(
        &app,
        post,
        json!({"body": "one too many"}),
        Some(&token),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::CONFLICT, "conflict");
    assert_eq!(comment_count(&pool, post).await, 1000);
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_31st_comment_in_five_minutes_is_limited(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    for i in 0..30 {
        let r = comment(
            &app,
            post,
            json!({"body": format!("c{i}")}),
            Some(&bob_t),
            IP1,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{i}: {:?}", r.json());
    }
    let r = comment(&app, post, json!({"body": "c30"}), Some(&bob_t), IP1).await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    // Guests are limited per address, apart from members on the same address.
    for i in 0..30 {
        let r = comment(&app, post, json!({"body": format!("g{i}")}), None, IP1).await;
        assert_eq!(r.status, StatusCode::CREATED, "{i}");
    }
    let r = comment(&app, post, json!({"body": "g30"}), None, IP1).await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let r = comment(&app, post, json!({"body": "elsewhere"}), None, IP2).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(comment_count(&pool, post).await, 61);
}

#[sqlx::test(migrations = "../../migrations")]
async fn posts_the_caller_cannot_open_are_404(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, author_t, post) = post_by(&app, "artist", 1).await;
    let (_, bob_t) = app.user_with_token("bob").await;
    let c = add(&app, post, None, Some(&bob_t)).await;
    let r = app
        .call(
            Method::POST,
            &format!("/v1/post/{post}/hide"),
            None,
            Some(&author_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);

    for token in [Some(bob_t.as_str()), None] {
        let r = comment(&app, post, json!({"body": "x"}), token, IP1).await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
        assert_eq!(r.json()["error"]["message"], "Post not found");
        let r = send(
            &app,
            Method::GET,
            &format!("/v1/post/{post}/comments"),
            None,
            token,
            IP1,
        )
        .await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    }
    // Comments on a post the caller cannot open are not found either.
    let path = format!("/v1/post/comments/{c}");
    let r = send(
        &app,
        Method::PATCH,
        &path,
        Some(json!({"body": "y"})),
        Some(&bob_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    let r = send(
        &app,
        Method::PUT,
        &format!("{path}/like"),
        None,
        Some(&bob_t),
        IP1,
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    // The author still can.
    assert_eq!(ids(&list(&app, post, Some(&author_t)).await), vec![c]);
    for id in ["999999", "abc"] {
        let r = send(
            &app,
            Method::GET,
            &format!("/v1/post/{id}/comments"),
            None,
            None,
            IP1,
        )
        .await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    }
    for id in ["not-a-uuid", &uuid::Uuid::new_v4().to_string()] {
        let r = send(
            &app,
            Method::DELETE,
            &format!("/v1/post/comments/{id}"),
            None,
            None,
            IP1,
        )
        .await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn blocks_refuse_comments_replies_and_likes_both_ways(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, author_t, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    let (_, cid_t) = app.user_with_token("cid").await;
    let (dan, dan_t) = app.user_with_token("dan").await;
    let bobs = add(&app, post, None, Some(&bob_t)).await;

    // The post's author blocked the commenter, and a commenter blocked the author.
    block(&app, &dan, &author_t).await;
    let r = comment(&app, post, json!({"body": "x"}), Some(&dan_t), IP1).await;
    assert_error(&r, StatusCode::FORBIDDEN, "blocked");
    block(&app, &author, &cid_t).await;
    let r = comment(&app, post, json!({"body": "x"}), Some(&cid_t), IP1).await;
    assert_error(&r, StatusCode::FORBIDDEN, "blocked");

    // Replies and likes across a block with the parent comment's author, both directions.
    let (_, _, post2) = post_by(&app, "artist2", 2).await;
    let bobs2 = add(&app, post2, None, Some(&bob_t)).await;
    block(&app, &bob, &dan_t).await; // dan blocked bob
    let (eve, eve_t) = app.user_with_token("eve").await;
    block(&app, &eve, &bob_t).await; // bob blocked eve
    for t in [&dan_t, &eve_t] {
        let r = comment(
            &app,
            post2,
            json!({"body": "x", "parent_id": bobs2}),
            Some(t),
            IP1,
        )
        .await;
        assert_error(&r, StatusCode::FORBIDDEN, "blocked");
        let path = format!("/v1/post/comments/{bobs2}/like");
        let r = send(&app, Method::PUT, &path, None, Some(t), IP1).await;
        assert_error(&r, StatusCode::FORBIDDEN, "blocked");
    }
    // A top-level comment on the same post is fine: the block is with bob, not the artist.
    let r = comment(&app, post2, json!({"body": "ok"}), Some(&eve_t), IP1).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(comment_count(&pool, post).await, 1);
    assert!(!bobs.is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn blocked_authors_comments_and_their_replies_are_hidden_from_the_blocker(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, _, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    let (_, cid_t) = app.user_with_token("cid").await;
    let (_, viewer_t) = app.user_with_token("viewer").await;
    let bobs = add(&app, post, None, Some(&bob_t)).await;
    let reply = add(&app, post, Some(&bobs), Some(&cid_t)).await;
    let cids = add(&app, post, None, Some(&cid_t)).await;
    block(&app, &bob, &viewer_t).await;

    assert_eq!(
        ids(&list(&app, post, Some(&viewer_t)).await),
        vec![cids.clone()]
    );
    assert_eq!(ids(&list(&app, post, None).await), vec![bobs, reply, cids]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn comments_and_replies_notify_authors_but_not_themselves(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, author_t, post) = post_by(&app, "artist", 1).await;
    let (bob, bob_t) = app.user_with_token("bob").await;
    let (cid, cid_t) = app.user_with_token("cid").await;

    let bobs = add(&app, post, None, Some(&bob_t)).await;
    let cids = add(&app, post, Some(&bobs), Some(&cid_t)).await;
    add(&app, post, Some(&bobs), Some(&author_t)).await; // the artist replies to bob
    add(&app, post, None, Some(&author_t)).await; // own post: no notice
    add(&app, post, Some(&cids), Some(&cid_t)).await; // own comment, but the artist hears
    let mut got = notices(&pool).await;
    got.sort();
    let preview = Some("hello".to_string());
    let mut expected: Vec<Notice> = vec![
        (
            "comment".into(),
            author.id,
            Some(bob.id),
            Some(bobs.clone()),
            preview.clone(),
        ),
        (
            "comment".into(),
            author.id,
            Some(cid.id),
            Some(cids.clone()),
            preview.clone(),
        ),
        (
            "comment_reply".into(),
            bob.id,
            Some(cid.id),
            Some(cids.clone()),
            preview.clone(),
        ),
        (
            "comment".into(),
            author.id,
            Some(cid.id),
            None,
            preview.clone(),
        ),
    ];
    // The artist's reply to bob notifies bob only; its id is not known here.
    let artists_reply: String = sqlx::query_scalar(
        "select id::text from comments where author_id = $1 and parent_id is not null",
    )
    .bind(author.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    expected.push((
        "comment_reply".into(),
        bob.id,
        Some(author.id),
        Some(artists_reply),
        preview.clone(),
    ));
    let cids_own_reply: String =
        sqlx::query_scalar("select id::text from comments where author_id = $1 and depth = 2")
            .bind(cid.id)
            .fetch_one(&pool)
            .await
            .unwrap();
    expected[3].3 = Some(cids_own_reply);
    expected.sort();
    assert_eq!(got, expected);

    // A guest's comment reaches the artist without an actor.
    let before = notices(&pool).await.len();
    comment(&app, post, json!({"body": "guest here"}), None, IP2).await;
    let all = notices(&pool).await;
    assert_eq!(all.len(), before + 1);
    let last = all
        .iter()
        .find(|n| n.4.as_deref() == Some("guest here"))
        .unwrap();
    assert_eq!(
        (last.0.as_str(), last.1, last.2),
        ("comment", author.id, None)
    );
}
