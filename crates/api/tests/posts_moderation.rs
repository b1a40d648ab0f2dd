//! Moderator routes on posts (http-api.md §2.4, data-and-ops.md §2.7): approval, promotion,
//! moderator hashtags and permanent deletion, each role-gated and audit-logged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::art::{artist, ids, upload, upload_png};
use test_support::{TestApp, TestResponse};
use vault::{Area, Ext};

async fn moderator(app: &TestApp, handle: &str) -> (db::users::UserRow, String) {
    let (u, _) = app.user_with_token(handle).await;
    let u = app.grant_roles(&u, &["moderator"]).await;
    let token = app.token_for(&u);
    (u, token)
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> TestResponse {
    app.call(method, path, body, token).await
}

async fn row(pool: &PgPool, id: i64) -> Option<db::posts::PostRow> {
    db::posts::find_by_id(pool, id).await.unwrap()
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

/// The role gate every moderator route shares: 401 anonymous, 403 for members.
async fn assert_moderators_only(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    member: &str,
) {
    let r = call(app, method.clone(), path, body.clone(), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    assert_eq!(r.code(), "unauthorized");
    let r = call(app, method.clone(), path, body, Some(member)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
    assert_eq!(r.code(), "forbidden");
}

#[sqlx::test(migrations = "../../migrations")]
async fn approve_public_flips_discovery(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "newbie", false).await;
    let (m, mod_token) = moderator(&app, "approver").await;
    let post = upload_png(&app, &token, 1).await;
    let id = post["id"].as_i64().unwrap();
    assert_eq!(post["public_visibility"], false);
    let path = format!("/v1/post/{id}/approve-public");
    assert_moderators_only(&app, Method::POST, &path, None, &token).await;
    assert!(!ids(&app.get("/v1/post/recent", None).await.json()).contains(&id));

    let r = call(&app, Method::POST, &path, None, Some(&mod_token)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json(), json!({"post_id": id, "public_visibility": true}));
    assert!(row(&pool, id).await.unwrap().public_visibility);
    assert!(db::posts::is_discoverable(&pool, id).await.unwrap());
    assert!(ids(&app.get("/v1/post/recent", None).await.json()).contains(&id));

    let r = call(&app, Method::DELETE, &path, None, Some(&mod_token)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"post_id": id, "public_visibility": false}));
    assert!(!row(&pool, id).await.unwrap().public_visibility);
    assert!(!ids(&app.get("/v1/post/recent", None).await.json()).contains(&id));
    assert_moderators_only(&app, Method::DELETE, &path, None, &token).await;

    let audit = audit_rows(&pool, id).await;
    let actions: Vec<_> = audit.iter().map(|a| (a.0.as_str(), a.1)).collect();
    assert_eq!(
        actions,
        vec![
            ("approve_public", Some(m.id)),
            ("revoke_public", Some(m.id))
        ]
    );
    let r = call(
        &app,
        Method::POST,
        "/v1/post/99999/approve-public",
        None,
        Some(&mod_token),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
}

#[sqlx::test(migrations = "../../migrations")]
async fn promote_and_demote(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "star", true).await;
    let (m, mod_token) = moderator(&app, "curator").await;
    let post = upload_png(&app, &token, 2).await;
    let id = post["id"].as_i64().unwrap();
    let sqid = post["public_sqid"].as_str().unwrap().to_string();
    let path = format!("/v1/post/{id}/promote");
    let body = json!({"category": "frontpage"});
    assert_moderators_only(&app, Method::POST, &path, Some(body), &token).await;
    assert_moderators_only(&app, Method::DELETE, &path, None, &token).await;

    for bad in [json!({"category": "homepage"}), json!({})] {
        let r = call(&app, Method::POST, &path, Some(bad), Some(&mod_token)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.code(), "validation_error");
    }
    for category in ["frontpage", "editor-pick", "weekly-pack", "daily's-best"] {
        let body = json!({"category": category, "reason_code": "quality"});
        let r = call(&app, Method::POST, &path, Some(body), Some(&mod_token)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{category}");
        assert_eq!(r.json(), json!({"promoted": true, "category": category}));
        let p = row(&pool, id).await.unwrap();
        assert!(p.promoted);
        assert_eq!(p.promoted_category.as_deref(), Some(category));
    }
    let shown = app.get(&format!("/v1/p/{sqid}"), None).await.json();
    assert_eq!(shown["promoted"], true);
    assert_eq!(shown["promoted_category"], "daily's-best");
    assert!(ids(&app.get("/v1/feed/promoted", None).await.json()).contains(&id));

    let r = call(&app, Method::DELETE, &path, None, Some(&mod_token)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let p = row(&pool, id).await.unwrap();
    assert!(!p.promoted);
    assert_eq!(p.promoted_category, None);
    assert!(!ids(&app.get("/v1/feed/promoted", None).await.json()).contains(&id));

    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 5);
    assert!(audit[..4]
        .iter()
        .all(|a| a.0 == "promote_post" && a.1 == Some(m.id) && a.2.as_deref() == Some("quality")));
    assert_eq!(audit[4].0, "demote_post");
    let r = call(
        &app,
        Method::DELETE,
        "/v1/post/99999/promote",
        None,
        Some(&mod_token),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../../migrations")]
async fn mod_hashtags_merge_into_hashtags(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "tagged", false).await;
    let (m, mod_token) = moderator(&app, "tagger").await;
    let r = upload(
        &app,
        &token,
        "a.png",
        &test_support::art::png(64, 64, 3),
        &[("hashtags", "nsfw,art")],
    )
    .await;
    let id = r.json()["post"]["id"].as_i64().unwrap();
    let path = format!("/v1/post/{id}/mod-hashtags");
    let put = |tags: Value, token: String| {
        let app = &app;
        let path = path.clone();
        async move {
            call(
                app,
                Method::PUT,
                &path,
                Some(json!({"hashtags": tags})),
                Some(&token),
            )
            .await
        }
    };
    assert_moderators_only(
        &app,
        Method::PUT,
        &path,
        Some(json!({"hashtags": []})),
        &token,
    )
    .await;

    // Claiming an author tag and adding a new one, normalised like upload tags.
    let r = put(json!([" #NSFW ", "nsfw", "Violence"]), mod_token.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["mod_hashtags"], json!(["nsfw", "violence"]));
    assert_eq!(r.json()["hashtags"], json!(["nsfw", "art", "violence"]));
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "update_mod_hashtags");
    assert_eq!(audit[0].1, Some(m.id));
    assert_eq!(audit[0].3.as_deref(), Some("+#nsfw +#violence"));

    // The author cannot drop them by editing their own tags.
    let r = app
        .call(
            Method::PATCH,
            &format!("/v1/post/{id}"),
            Some(json!({"hashtags": ["retro"]})),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["hashtags"], json!(["retro", "nsfw", "violence"]));
    assert_eq!(r.json()["mod_hashtags"], json!(["nsfw", "violence"]));

    // Releasing a mod tag removes it entirely; re-sending the same set is not audited again.
    let r = put(json!(["violence"]), mod_token.clone()).await;
    assert_eq!(r.json()["hashtags"], json!(["retro", "violence"]));
    let r = put(json!(["violence"]), mod_token.clone()).await;
    assert_eq!(r.status, StatusCode::OK);
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1].3.as_deref(), Some("−#nsfw"));

    // Limits: 16 tags pass, 17 or a 65-character tag do not (and write nothing).
    let sixteen: Vec<String> = (0..16).map(|i| format!("m{i}")).collect();
    let r = put(json!(sixteen), mod_token.clone()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["mod_hashtags"].as_array().unwrap().len(), 16);
    let seventeen: Vec<String> = (0..17).map(|i| format!("m{i}")).collect();
    for bad in [json!(seventeen), json!(["x".repeat(65)])] {
        let r = put(bad, mod_token.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.code(), "validation_error");
    }
    let p = row(&pool, id).await.unwrap();
    assert_eq!(p.mod_hashtags, sixteen);
    assert!(p.mod_hashtags.iter().all(|t| p.hashtags.contains(t)));
    let r = call(
        &app,
        Method::PUT,
        "/v1/post/99999/mod-hashtags",
        Some(json!({"hashtags": []})),
        Some(&mod_token),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../../migrations")]
async fn mod_hashtags_skip_playlists_and_deleted_posts(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (u, token) = artist(&app, "lister", false).await;
    let (_, mod_token) = moderator(&app, "tagcop").await;
    let playlist: i64 = sqlx::query_scalar(
        "insert into posts (public_sqid, kind, owner_id, title)
         values ('plist1', 'playlist', $1, 'My list') returning id",
    )
    .bind(u.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    let deleted = upload_png(&app, &token, 4).await["id"].as_i64().unwrap();
    let r = call(
        &app,
        Method::DELETE,
        &format!("/v1/post/{deleted}"),
        None,
        Some(&token),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    for id in [playlist, deleted] {
        let r = call(
            &app,
            Method::PUT,
            &format!("/v1/post/{id}/mod-hashtags"),
            Some(json!({"hashtags": ["nsfw"]})),
            Some(&mod_token),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.code(), "not_found");
        assert!(row(&pool, id).await.unwrap().mod_hashtags.is_empty());
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn permanent_delete_removes_row_and_files(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "erased", false).await;
    let (m, mod_token) = moderator(&app, "eraser").await;
    let post = upload_png(&app, &token, 5).await;
    let id = post["id"].as_i64().unwrap();
    let key: uuid::Uuid = post["storage_key"].as_str().unwrap().parse().unwrap();
    // Renditions as the worker records them, plus one written but not yet recorded.
    let mut conn = pool.acquire().await.unwrap();
    for (ext, format) in [(Ext::Webp, "webp"), (Ext::UpscaledWebp, "upscaled_webp")] {
        app.state
            .vault
            .write(Area::Artwork, &key, ext, b"x")
            .await
            .unwrap();
        db::posts::upsert_file(&mut conn, id, format, 1, false)
            .await
            .unwrap();
    }
    app.state
        .vault
        .write(Area::Artwork, &key, Ext::Gif, b"x")
        .await
        .unwrap();
    drop(conn);
    let files: Vec<_> = [Ext::Png, Ext::Webp, Ext::UpscaledWebp, Ext::Gif]
        .into_iter()
        .map(|e| app.state.vault.path(Area::Artwork, &key, e))
        .collect();
    assert!(files.iter().all(|f| f.exists()));
    assert!(files[0].starts_with(&app.state.config.vault_dir));

    let path = format!("/v1/post/{id}/permanent");
    assert_moderators_only(&app, Method::DELETE, &path, None, &token).await;
    assert!(
        row(&pool, id).await.is_some(),
        "refused deletes keep the row"
    );

    let r = call(&app, Method::DELETE, &path, None, Some(&mod_token)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(row(&pool, id).await.is_none());
    let left: i64 = sqlx::query_scalar("select count(*) from post_files where post_id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    for f in &files {
        assert!(!f.exists(), "{} is still on disk", f.display());
    }
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "permanent_delete_post");
    assert_eq!(audit[0].1, Some(m.id));
    assert_eq!(
        audit[0].3.as_deref(),
        Some("Permanently deleted post: My art")
    );

    let r = call(&app, Method::DELETE, &path, None, Some(&mod_token)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
}

#[sqlx::test(migrations = "../../migrations")]
async fn permanent_delete_also_takes_soft_deleted_posts(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = artist(&app, "trashed", false).await;
    let (_, mod_token) = moderator(&app, "purger").await;
    let post = upload_png(&app, &token, 6).await;
    let id = post["id"].as_i64().unwrap();
    let key: uuid::Uuid = post["storage_key"].as_str().unwrap().parse().unwrap();
    let r = call(
        &app,
        Method::DELETE,
        &format!("/v1/post/{id}"),
        None,
        Some(&token),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = call(
        &app,
        Method::DELETE,
        &format!("/v1/post/{id}/permanent"),
        None,
        Some(&mod_token),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(row(&pool, id).await.is_none());
    assert!(!app.state.vault.path(Area::Artwork, &key, Ext::Png).exists());
}
