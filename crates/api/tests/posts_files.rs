//! Artwork files: `GET /v1/d/{sqid}[.ext]` (native and rendered formats, the 400/404 cases and
//! direct-access rules) and `POST /v1/post/{id}/replace-artwork` (key rotation, retirement,
//! permission, duplicate, size and the rate limit shared with upload).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::Digest;
use sqlx::PgPool;
use test_support::art::{png, upload, upload_png};
use test_support::{multipart_request, TestApp, TestResponse};
use uuid::Uuid;

async fn replace(app: &TestApp, token: &str, id: i64, bytes: &[u8]) -> TestResponse {
    app.send(multipart_request(
        Method::POST,
        &format!("/v1/post/{id}/replace-artwork"),
        Some(token),
        &[("image", "new.png", bytes)],
        &[],
    ))
    .await
}

fn vault_file(app: &TestApp, key: &Uuid, suffix: &str) -> std::path::PathBuf {
    std::path::Path::new(&app.state.config.vault_dir)
        .join(format!("{}/{key}{suffix}", vault::shard(key)))
}

fn key_of(post: &Value) -> Uuid {
    post["storage_key"].as_str().unwrap().parse().unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn download_native_and_rendered_formats(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = app.user_with_token("painter").await;
    let post = upload_png(&app, &token, 1).await;
    let sqid = post["public_sqid"].as_str().unwrap();
    let original = png(64, 64, 1);

    // Anonymous readers may download a pending (not yet approved) post, like its permalink.
    for path in [format!("/v1/d/{sqid}"), format!("/v1/d/{sqid}.png")] {
        let r = app.get(&path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("content-type"), Some("image/png"));
        assert_eq!(r.body, original, "{path} streams the uploaded bytes");
        assert_eq!(
            r.header("content-disposition"),
            Some(format!("attachment; filename=\"{sqid}.png\"").as_str())
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(
            r.header("content-length"),
            Some(original.len().to_string().as_str())
        );
    }

    // A rendition exists once its file and row do (the worker writes both).
    let webp = b"RIFF\x04\x00\x00\x00WEBPfake".to_vec();
    let key = key_of(&post);
    let path = vault_file(&app, &key, ".webp");
    std::fs::write(&path, &webp).unwrap();
    sqlx::query("insert into post_files (post_id, format, file_bytes) values ($1, 'webp', $2)")
        .bind(post["id"].as_i64().unwrap())
        .bind(webp.len() as i64)
        .execute(&pool)
        .await
        .unwrap();
    let r = app.get(&format!("/v1/d/{sqid}.webp"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("image/webp"));
    assert_eq!(r.body, webp);
    assert_eq!(
        r.header("content-disposition"),
        Some(format!("attachment; filename=\"{sqid}.webp\"").as_str())
    );

    // Not generated yet: 404 that lists what is available.
    let r = app.get(&format!("/v1/d/{sqid}.gif"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
    assert!(r.json()["error"]["message"].as_str().is_some());
    assert_eq!(
        r.json()["error"]["details"]["formats_available"],
        json!(["png", "webp"])
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn download_refuses_other_extensions_and_unknown_sqids(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = app.user_with_token("painter").await;
    let post = upload_png(&app, &token, 2).await;
    let sqid = post["public_sqid"].as_str().unwrap();
    for ext in ["jpg", "mkv", "exe", ""] {
        let r = app.get(&format!("/v1/d/{sqid}.{ext}"), None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, ".{ext}");
        assert_eq!(r.code(), "bad_request");
    }
    let missing = app.state.sqids.encode(999_999);
    let r = app.get(&format!("/v1/d/{missing}.png"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["message"], "Post not found");
    // Not a sqid at all.
    let r = app.get("/v1/d/not-a-sqid!", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../../migrations")]
async fn hidden_and_deleted_posts_are_not_downloadable_by_others(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, author) = app.user_with_token("painter").await;
    let (_, other) = app.user_with_token("someone").await;
    let post = upload_png(&app, &author, 3).await;
    let sqid = post["public_sqid"].as_str().unwrap();
    let path = format!("/v1/d/{sqid}");
    sqlx::query("update posts set hidden_by_user = true where id = $1")
        .bind(post["id"].as_i64().unwrap())
        .execute(&pool)
        .await
        .unwrap();
    for token in [None, Some(other.as_str())] {
        let r = app.get(&path, token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.json()["error"]["message"], "Post not found");
    }
    assert_eq!(app.get(&path, Some(&author)).await.status, StatusCode::OK);
    sqlx::query("update posts set deleted_by_user = true, deleted_by_user_date = now()")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        app.get(&path, Some(&author)).await.status,
        StatusCode::NOT_FOUND,
        "a deleted post is gone even for its author"
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn replace_rotates_key_and_retires_the_old_one(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = app.user_with_token("painter").await;
    let post = upload_png(&app, &token, 4).await;
    let id = post["id"].as_i64().unwrap();
    let sqid = post["public_sqid"].as_str().unwrap();
    let old_key = key_of(&post);
    // A rendition of the old file, as the worker would have recorded it.
    sqlx::query("insert into post_files (post_id, format, file_bytes) values ($1, 'webp', 10)")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();

    let new_bytes = png(128, 160, 5);
    let r = replace(&app, &token, id, &new_bytes).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let body = r.json();
    assert!(body["message"].as_str().is_some());
    assert_eq!(body["post"]["id"], id);
    assert_eq!(body["post"]["public_sqid"], sqid);
    assert_eq!(body["post"]["width"], 128);
    assert_eq!(body["post"]["height"], 160);
    assert_eq!(body["post"]["frame_count"], 1);

    let (new_key, shard, hash, modified): (Uuid, String, String, DateTime<Utc>) = sqlx::query_as(
        "select storage_key, storage_shard, hash, artwork_modified_at from posts where id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_ne!(new_key, old_key);
    assert_eq!(shard, vault::shard(&new_key));
    assert_eq!(hash, hex::encode(sha2::Sha256::digest(&new_bytes)));
    assert!(
        modified
            > post["artwork_modified_at"]
                .as_str()
                .unwrap()
                .parse::<DateTime<Utc>>()
                .unwrap()
    );
    assert_eq!(
        body["post"]["art_url"],
        format!("http://127.0.0.1:8081/{shard}/{new_key}.png")
    );
    assert_eq!(
        std::fs::read(vault_file(&app, &new_key, ".png")).unwrap(),
        new_bytes
    );
    assert!(
        vault_file(&app, &old_key, ".png").exists(),
        "the old file stays until the sweep"
    );

    let (retired_key, mut formats, delete_after): (Uuid, Vec<String>, DateTime<Utc>) =
        sqlx::query_as(
            "select storage_key, formats, delete_after from retired_artworks where post_id = $1",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    formats.sort();
    assert_eq!(retired_key, old_key);
    assert_eq!(formats, vec!["png".to_string(), "webp".to_string()]);
    let expected = Utc::now() + chrono::Duration::days(7);
    assert!(
        (delete_after - expected).num_seconds().abs() < 60,
        "{delete_after}"
    );

    let p = app.get(&format!("/v1/p/{sqid}"), None).await.json();
    assert_eq!(p["width"], 128);
    assert_eq!(p["height"], 160);
    assert_eq!(p["storage_key"], new_key.to_string());
    assert_eq!(
        p["files"],
        json!([{"format": "png", "file_bytes": new_bytes.len(), "is_native": true}])
    );
    let d = app.get(&format!("/v1/d/{sqid}"), None).await;
    assert_eq!(d.body, new_bytes, "downloads serve the new file");
}

#[sqlx::test(migrations = "../../migrations")]
async fn replace_is_for_the_author_only(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, author) = app.user_with_token("painter").await;
    let (other_user, other) = app.user_with_token("someone").await;
    let post = upload_png(&app, &author, 6).await;
    let id = post["id"].as_i64().unwrap();
    let r = replace(&app, &other, id, &png(64, 64, 7)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "forbidden");
    // Moderators may see the post but it is still not theirs to replace.
    let moderator = app.grant_roles(&other_user, &["moderator"]).await;
    let r = replace(&app, &app.token_for(&moderator), id, &png(64, 64, 7)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Posts the caller cannot see are missing, not forbidden.
    sqlx::query("update posts set hidden_by_mod = true where id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let (_, stranger) = app.user_with_token("stranger").await;
    let r = replace(&app, &stranger, id, &png(64, 64, 7)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = replace(&app, &author, 999_999, &png(64, 64, 7)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let n: i64 = sqlx::query_scalar("select count(*) from retired_artworks")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn replace_refuses_same_duplicate_and_oversized_files(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = app.user_with_token("painter").await;
    let first = upload_png(&app, &token, 8).await;
    let second = upload_png(&app, &token, 9).await;
    let id = first["id"].as_i64().unwrap();

    let r = replace(&app, &token, id, &png(64, 64, 8)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "same image");
    assert_eq!(r.code(), "bad_request");

    let r = replace(&app, &token, id, &png(64, 64, 9)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "another post's image");
    assert_eq!(r.code(), "artwork_duplicate");
    assert_eq!(r.json()["error"]["details"]["post_id"], second["id"]);

    // Rate limit for reputation 0 is 4 per hour: two uploads + two refusals above.
    let (_, token) = app.user_with_token("bigfile").await;
    let post = upload_png(&app, &token, 10).await;
    let big = vec![0u8; 5 * 1024 * 1024 + 10];
    let r = replace(&app, &token, post["id"].as_i64().unwrap(), &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "file_too_large");

    let (key, n): (Uuid, i64) = sqlx::query_as(
        "select storage_key, (select count(*) from retired_artworks) from posts where id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(key, key_of(&first), "refused replacements change nothing");
    assert_eq!(n, 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn replace_shares_the_upload_rate_limit(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = app.user_with_token("busy").await;
    let mut last = Value::Null;
    for seed in 0..4 {
        let r = upload(&app, &token, "a.png", &png(32, 32, 40 + seed), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED);
        last = r.json()["post"].clone();
    }
    let r = replace(&app, &token, last["id"].as_i64().unwrap(), &png(32, 32, 50)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");
    assert!(r.header("retry-after").is_some());

    // And a replacement spends from the same bucket an upload draws on.
    let (_, token) = app.user_with_token("other").await;
    let post = upload_png(&app, &token, 60).await;
    for seed in 0..3 {
        let r = replace(
            &app,
            &token,
            post["id"].as_i64().unwrap(),
            &png(64, 64, 61 + seed),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    }
    let r = upload(&app, &token, "a.png", &png(32, 32, 70), &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test(migrations = "../../migrations")]
async fn replace_charges_the_quota_on_the_growth_only(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = app.user_with_token("hoarder").await;
    let post = upload_png(&app, &token, 80).await;
    let id = post["id"].as_i64().unwrap();
    // Fill the 100 MB quota of reputation 0 to the byte.
    let used: i64 = sqlx::query_scalar("select sum(file_bytes)::int8 from post_files")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("insert into post_files (post_id, format, file_bytes) values ($1, 'webp', $2)")
        .bind(id)
        .bind(100 * 1024 * 1024 - used)
        .execute(&pool)
        .await
        .unwrap();
    let bigger = png(128, 128, 81);
    assert!(bigger.len() as i64 > post["file_bytes"].as_i64().unwrap());
    let r = replace(&app, &token, id, &bigger).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "file_too_large");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Storage quota exceeded"));
    let smaller = png(32, 32, 82);
    assert!((smaller.len() as i64) < post["file_bytes"].as_i64().unwrap());
    let r = replace(&app, &token, id, &smaller).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
}
