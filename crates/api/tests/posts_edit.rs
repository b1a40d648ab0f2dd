//! Author edits of a post (http-api.md §2.4): PATCH limits and permissions, soft delete and the
//! freed hash, and hiding/unhiding by the author or a moderator with the §1.6 visibility rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::art::{artist, png, upload, upload_png};
use test_support::{TestApp, TestResponse};

async fn moderator(app: &TestApp, handle: &str) -> (db::users::UserRow, String) {
    let (u, _) = app.user_with_token(handle).await;
    let u = app.grant_roles(&u, &["moderator"]).await;
    let token = app.token_for(&u);
    (u, token)
}

async fn patch(app: &TestApp, id: i64, body: Value, token: Option<&str>) -> TestResponse {
    app.call(Method::PATCH, &format!("/v1/post/{id}"), Some(body), token)
        .await
}

async fn delete(app: &TestApp, path: &str, body: Option<Value>, token: &str) -> TestResponse {
    app.call(Method::DELETE, path, body, Some(token)).await
}

async fn row(pool: &PgPool, id: i64) -> db::posts::PostRow {
    db::posts::find_by_id(pool, id).await.unwrap().unwrap()
}

/// `(action, actor_id, reason_code, note)` of the audit rows about a post, oldest first.
async fn audit_rows(
    pool: &PgPool,
    id: i64,
) -> Vec<(String, Option<i32>, Option<String>, Option<String>)> {
    sqlx::query_as(
        "select action, actor_id, reason_code, note from audit_logs
         where target_type = 'post' and target_id = $1 order by created_at",
    )
    .bind(id.to_string())
    .fetch_all(pool)
    .await
    .unwrap()
}

fn id_sqid(post: &Value) -> (i64, String) {
    (
        post["id"].as_i64().unwrap(),
        post["public_sqid"].as_str().unwrap().to_string(),
    )
}

#[sqlx::test(migrations = "../../migrations")]
async fn patch_edits_text_and_normalises_hashtags(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "editor", false).await;
    let (id, _) = id_sqid(&upload_png(&app, &token, 1).await);
    let before = row(&pool, id).await;
    let r = patch(
        &app,
        id,
        json!({"title": "  New title ", "description": "About it",
               "hashtags": ["#Pixel", " pixel ", "Art", ""], "hidden_by_user": true,
               "remixable": false}),
        Some(&token),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let p = r.json();
    assert_eq!(p["id"], id);
    assert_eq!(p["title"], "New title");
    assert_eq!(p["description"], "About it");
    assert_eq!(p["hashtags"], json!(["pixel", "art"]));
    assert_eq!(p["hidden_by_user"], true);
    assert_eq!(p["remixable"], false);
    assert_eq!(p["owner"]["handle"], "editor");
    let after = row(&pool, id).await;
    assert_eq!(after.title, "New title");
    assert!(after.metadata_modified_at > before.metadata_modified_at);
    assert!(
        audit_rows(&pool, id).await.is_empty(),
        "own edits are not audited"
    );

    // Absent fields stay; an explicit null clears the description.
    let r = patch(&app, id, json!({"description": null}), Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["description"], Value::Null);
    assert_eq!(r.json()["title"], "New title");
    assert_eq!(r.json()["hashtags"], json!(["pixel", "art"]));
}

#[sqlx::test(migrations = "../../migrations")]
async fn patch_validation_limits(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "limits", false).await;
    let (id, _) = id_sqid(&upload_png(&app, &token, 2).await);
    let refused = [
        json!({"title": "x".repeat(129)}),
        json!({"title": "   "}),
        json!({"description": "d".repeat(5001)}),
        json!({"hashtags": (0..65).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
        json!({"hashtags": ["two words"]}),
        json!({"hashtags": ["x".repeat(65)]}),
        json!({"title": 5}),
    ];
    for body in refused {
        let r = patch(&app, id, body.clone(), Some(&token)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(r.code(), "validation_error", "{body}");
    }
    assert_eq!(
        row(&pool, id).await.title,
        "My art",
        "refused edits write nothing"
    );

    let tags: Vec<String> = (0..64).map(|i| format!("t{i}")).collect();
    let r = patch(
        &app,
        id,
        json!({"title": "é".repeat(128), "description": "d".repeat(5000), "hashtags": tags}),
        Some(&token),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["hashtags"].as_array().unwrap().len(), 64);
}

#[sqlx::test(migrations = "../../migrations")]
async fn patch_permissions(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, token) = artist(&app, "author", false).await;
    let (_, other) = app.user_with_token("stranger").await;
    let (m, mod_token) = moderator(&app, "moddy").await;
    let (id, _) = id_sqid(&upload_png(&app, &token, 3).await);

    let r = patch(&app, id, json!({"title": "x"}), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "unauthorized");
    let r = patch(&app, id, json!({"title": "x"}), Some(&other)).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "visible to them, but not theirs"
    );
    assert_eq!(r.code(), "forbidden");
    let r = patch(&app, id, json!({"hidden_by_mod": false}), Some(&token)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "forbidden");
    for missing in ["999999", "abc"] {
        let r = app
            .call(
                Method::PATCH,
                &format!("/v1/post/{missing}"),
                Some(json!({"title": "x"})),
                Some(&token),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.code(), "not_found");
        assert_eq!(r.json()["error"]["message"], "Post not found");
    }

    // A moderator may edit and mod-hide; both are audited.
    let r = patch(
        &app,
        id,
        json!({"title": "Moderated", "hidden_by_mod": true}),
        Some(&mod_token),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["hidden_by_mod"], true);
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "update_post");
    assert_eq!(audit[0].1, Some(m.id));

    // Hidden now: a stranger cannot even see it, so it is a 404 rather than a 403.
    let r = patch(&app, id, json!({"title": "x"}), Some(&other)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
    // The author still can edit a mod-hidden post (but not lift the mod hide).
    let r = patch(&app, id, json!({"title": "Mine"}), Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(row(&pool, id).await.hidden_by_mod);
    assert_eq!(author.id, row(&pool, id).await.owner_id);

    let r = delete(&app, &format!("/v1/post/{id}"), None, &token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = patch(&app, id, json!({"title": "x"}), Some(&token)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "deleted posts are gone");
    assert_eq!(r.code(), "not_found");
}

#[sqlx::test(migrations = "../../migrations")]
async fn remixable_conflicts_with_no_derivatives_license(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "licensor", false).await;
    let nd: i32 = sqlx::query_scalar("select id from licenses where identifier = 'CC-BY-ND-4.0'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = upload(
        &app,
        &token,
        "a.png",
        &png(64, 64, 4),
        &[("license_id", &nd.to_string())],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let (id, _) = id_sqid(&r.json()["post"]);
    let r = patch(&app, id, json!({"remixable": true}), Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "remixable_conflicts_with_license");
    let r = patch(&app, id, json!({"remixable": false}), Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["remixable"], false);

    let r = upload(
        &app,
        &token,
        "b.png",
        &png(64, 64, 5),
        &[("license_id", "2")],
    )
    .await;
    let (by, _) = id_sqid(&r.json()["post"]);
    let r = patch(&app, by, json!({"remixable": true}), Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "CC-BY allows remixes");
    assert_eq!(r.json()["remixable"], true);
}

#[sqlx::test(migrations = "../../migrations")]
async fn delete_frees_the_hash_for_reupload(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "deleter", false).await;
    let (_, other) = app.user_with_token("bystander").await;
    let bytes = png(64, 64, 6);
    let r = upload(&app, &token, "a.png", &bytes, &[]).await;
    let (id, sqid) = id_sqid(&r.json()["post"]);
    let r = upload(&app, &token, "again.png", &bytes, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "artwork_duplicate");

    let path = format!("/v1/post/{id}");
    let r = delete(&app, &path, None, &other).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "forbidden");
    let r = app.call(Method::DELETE, &path, None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        delete(&app, "/v1/post/424242", None, &token).await.status,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        delete(&app, &path, None, &token).await.status,
        StatusCode::NO_CONTENT
    );
    let p = row(&pool, id).await;
    assert!(p.deleted_by_user);
    assert!(p.deleted_by_user_date.is_some());
    assert!(
        audit_rows(&pool, id).await.is_empty(),
        "own deletes are not audited"
    );
    assert_eq!(
        app.get(&format!("/v1/p/{sqid}"), Some(&token)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = delete(&app, &path, None, &token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "already deleted");
    assert_eq!(r.code(), "not_found");

    let r = upload(&app, &token, "again.png", &bytes, &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
}

#[sqlx::test(migrations = "../../migrations")]
async fn moderator_delete_is_audited(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "victim", false).await;
    let (m, mod_token) = moderator(&app, "janitor").await;
    let (id, _) = id_sqid(&upload_png(&app, &token, 7).await);
    let r = delete(&app, &format!("/v1/post/{id}"), None, &mod_token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(row(&pool, id).await.deleted_by_user);
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].0.as_str(), audit[0].1),
        ("delete_post", Some(m.id))
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn author_hide_limits_who_sees_the_post(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "shy", false).await;
    let (_, other) = app.user_with_token("curious").await;
    let (_, mod_token) = moderator(&app, "watcher").await;
    let (id, sqid) = id_sqid(&upload_png(&app, &token, 8).await);
    let hide = format!("/v1/post/{id}/hide");
    let permalink = format!("/v1/p/{sqid}");
    assert_eq!(app.get(&permalink, None).await.status, StatusCode::OK);

    let r = app.post(&hide, json!({"by": "user"}), Some(&other)).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only the author hides as user"
    );
    assert_eq!(r.code(), "forbidden");
    let r = app.post(&hide, json!({"by": "admin"}), Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "validation_error");
    // No body at all means `by: "user"`.
    let r = app.call(Method::POST, &hide, None, Some(&token)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    assert!(row(&pool, id).await.hidden_by_user);
    assert!(audit_rows(&pool, id).await.is_empty());

    let r = app.get(&permalink, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
    assert_eq!(
        app.get(&permalink, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&permalink, Some(&token)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&permalink, Some(&mod_token)).await.status,
        StatusCode::OK
    );
    let r = delete(&app, &hide, None, &other).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "hidden from them: 404, not 403"
    );

    let r = delete(&app, &hide, Some(json!({"by": "user"})), &token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(!row(&pool, id).await.hidden_by_user);
    assert_eq!(app.get(&permalink, None).await.status, StatusCode::OK);
    assert_eq!(
        app.post("/v1/post/777777/hide", json!({}), Some(&token))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn moderator_hide_is_role_gated_and_audited(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "flagged", false).await;
    let (m, mod_token) = moderator(&app, "sheriff").await;
    let (id, sqid) = id_sqid(&upload_png(&app, &token, 9).await);
    let hide = format!("/v1/post/{id}/hide");
    let by_mod = json!({"by": "mod", "reason_code": "spam", "note": "looks like spam"});

    let r = app.post(&hide, by_mod.clone(), Some(&token)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "by=mod needs the role");
    assert_eq!(r.code(), "forbidden");
    let r = app.post(&hide, by_mod.clone(), Some(&mod_token)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(row(&pool, id).await.hidden_by_mod);
    assert_eq!(
        app.get(&format!("/v1/p/{sqid}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(
        audit[0],
        (
            "hide_post".to_string(),
            Some(m.id),
            Some("spam".to_string()),
            Some("looks like spam".to_string())
        )
    );

    // The author's unhide does not lift a moderator's hide.
    let r = delete(&app, &hide, None, &token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(row(&pool, id).await.hidden_by_mod);
    let r = delete(&app, &hide, Some(json!({"by": "mod"})), &token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = delete(&app, &hide, Some(json!({"by": "mod"})), &mod_token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(!row(&pool, id).await.hidden_by_mod);
    assert_eq!(
        app.get(&format!("/v1/p/{sqid}"), None).await.status,
        StatusCode::OK
    );
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1].0, "unhide_post");
}

#[sqlx::test(migrations = "../../migrations")]
async fn deleted_posts_cannot_be_unhidden(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "gone", false).await;
    let (_, other) = app.user_with_token("nosy").await;
    let (_, mod_token) = moderator(&app, "keeper").await;
    let (id, _) = id_sqid(&upload_png(&app, &token, 10).await);
    let hide = format!("/v1/post/{id}/hide");
    assert_eq!(
        delete(&app, &format!("/v1/post/{id}"), None, &token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = delete(&app, &hide, None, &token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "bad_request");
    let r = delete(&app, &hide, Some(json!({"by": "mod"})), &mod_token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = delete(&app, &hide, None, &other).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "others learn nothing");
    let r = app.post(&hide, json!({}), Some(&token)).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a deleted post cannot be hidden"
    );
    let p = row(&pool, id).await;
    assert!(p.deleted_by_user);
}
