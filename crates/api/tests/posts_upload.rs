//! Artwork upload and permalinks: the check order and codes of §2.4, duplicates, quotas,
//! the per-reputation upload limit, and the direct-access visibility rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use http::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use test_support::art::{png, upload};
use test_support::TestApp;

#[sqlx::test(migrations = "../../migrations")]
async fn upload_stores_file_and_row(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = app.user_with_token("artist").await;
    let r = upload(
        &app,
        &token,
        "art.png",
        &png(64, 64, 1),
        &[("hashtags", "#Pixel, art,pixel"), ("license_id", "2")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let post = &r.json()["post"];
    assert_eq!(post["width"], 64);
    assert_eq!(post["frame_count"], 1);
    assert_eq!(post["hashtags"], serde_json::json!(["pixel", "art"]));
    assert_eq!(post["public_visibility"], false);
    assert_eq!(post["license"]["identifier"], "CC-BY-4.0");
    assert_eq!(
        post["files"],
        serde_json::json!([{"format": "png", "file_bytes": post["file_bytes"], "is_native": true}])
    );
    assert_eq!(post["owner"]["handle"], "artist");
    let key = post["storage_key"].as_str().unwrap();
    let shard = post["storage_shard"].as_str().unwrap();
    assert_eq!(
        post["art_url"],
        format!("http://127.0.0.1:8081/{shard}/{key}.png")
    );
    let on_disk =
        std::path::Path::new(&app.state.config.vault_dir).join(format!("{shard}/{key}.png"));
    assert_eq!(std::fs::read(on_disk).unwrap(), png(64, 64, 1));
    assert!(r.json()["message"].as_str().unwrap().contains("moderator"));
}

#[sqlx::test(migrations = "../../migrations")]
async fn size_rules_and_formats(pool: PgPool) {
    let app = TestApp::with_overrides(pool.clone(), &[]).await;
    let (u, token) = app.user_with_token("sizes").await;
    // Reputation 500 gives 64 uploads an hour, enough for this test.
    sqlx::query("update users set reputation = 500 where id = $1")
        .bind(u.id)
        .execute(&pool)
        .await
        .unwrap();
    let token = {
        let _ = token;
        app.token_for(&db::users::find_by_id(&pool, u.id).await.unwrap().unwrap())
    };
    for (w, h, ok) in [
        (100, 100, false),
        (257, 64, false),
        (16, 64, false),
        (64, 64, true),
        (200, 150, true),
        (256, 256, true),
        (8, 32, true),
    ] {
        let r = upload(&app, &token, "a.png", &png(w, h, 2), &[]).await;
        let want = if ok {
            StatusCode::CREATED
        } else {
            StatusCode::BAD_REQUEST
        };
        assert_eq!(r.status, want, "{w}x{h}: {:?}", r.json());
        if !ok {
            assert_eq!(r.code(), "bad_request");
        }
    }
    let r = upload(&app, &token, "x.jpg", &png(32, 32, 3), &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = upload(&app, &token, "x.gif", &png(32, 32, 3), &[]).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "extension and content must agree"
    );
    let big = vec![0u8; 5 * 1024 * 1024 + 10];
    let r = upload(&app, &token, "big.png", &big, &[]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "file_too_large");
    let n: i64 = sqlx::query_scalar("select count(*) from posts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 4, "refused uploads write nothing");
}

#[sqlx::test(migrations = "../../migrations")]
async fn duplicates_and_reupload_after_delete(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = app.user_with_token("dup").await;
    let bytes = png(32, 32, 9);
    let first = upload(&app, &token, "a.png", &bytes, &[]).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let r = upload(&app, &token, "b.png", &bytes, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "artwork_duplicate");
    let d = &r.json()["error"]["details"];
    assert_eq!(d["post_id"], first.json()["post"]["id"]);
    assert_eq!(d["sqid"], first.json()["post"]["public_sqid"]);
    sqlx::query("update posts set deleted_by_user = true, deleted_by_user_date = now()")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        upload(&app, &token, "c.png", &bytes, &[]).await.status,
        StatusCode::CREATED
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn fifth_upload_in_an_hour_is_limited_for_new_members(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = app.user_with_token("busy").await;
    for i in 0..4 {
        assert_eq!(
            upload(&app, &token, "a.png", &png(32, 32, 10 + i), &[])
                .await
                .status,
            StatusCode::CREATED
        );
    }
    let r = upload(&app, &token, "a.png", &png(32, 32, 20), &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");
    let me = app.get("/v1/auth/me", Some(&token)).await.json();
    assert_eq!(me["quotas"]["uploads"]["remaining"], 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn storage_quota_is_enforced(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (u, token) = app.user_with_token("hoarder").await;
    let first = upload(&app, &token, "a.png", &png(32, 32, 30), &[]).await;
    let id = first.json()["post"]["id"].as_i64().unwrap();
    // Pretend earlier uploads already filled the 100 MB quota.
    sqlx::query(
        "insert into post_files (post_id, format, file_bytes) values ($1, 'webp', 104857590)",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    let r = upload(&app, &token, "b.png", &png(32, 32, 31), &[]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "file_too_large");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Storage quota exceeded. Used:"));
    let _ = u;
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_full_vault_refuses_uploads_with_507_and_writes_nothing(pool: PgPool) {
    // A free-space floor no disk can satisfy.
    let floor = u64::MAX.to_string();
    let app =
        TestApp::with_overrides(pool.clone(), &[("MAKAPIX_VAULT_MIN_FREE_BYTES", &floor)]).await;
    let (_, token) = app.user_with_token("crowded").await;
    let r = upload(&app, &token, "a.png", &png(32, 32, 60), &[]).await;
    assert_eq!(r.status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(r.code(), "insufficient_storage");
    let posts: i64 = sqlx::query_scalar("select count(*) from posts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(posts, 0, "no row without its file");
    let files = std::fs::read_dir(app.state.vault.root()).unwrap().count();
    assert_eq!(files, 0, "no file on disk");
}

#[sqlx::test(migrations = "../../migrations")]
async fn permalink_visibility(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, token) = app.user_with_token("owner1").await;
    let (_, other) = app.user_with_token("other1").await;
    let m = app.create_user("mod@example.com", "mod1", true).await;
    let m = app.token_for(&app.grant_roles(&m, &["moderator"]).await);
    let r = upload(&app, &token, "a.png", &png(32, 32, 40), &[]).await;
    let sqid = r.json()["post"]["public_sqid"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/p/{sqid}");
    let anon: Value = app.get(&path, None).await.json();
    assert_eq!(
        anon["public_sqid"], sqid,
        "pending posts are reachable by link"
    );
    assert_eq!(app.get(&path, Some("garbage")).await.status, StatusCode::OK);
    sqlx::query("update posts set hidden_by_user = true")
        .execute(&pool)
        .await
        .unwrap();
    // Writes go through handlers that invalidate; this one went around them.
    let id = r.json()["post"]["id"].as_i64().unwrap();
    api::cache::post_changed(&app.state, id).await;
    let r = app.get(&path, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["message"], "Post not found");
    assert_eq!(
        app.get(&path, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&path, Some(&token)).await.status, StatusCode::OK);
    assert_eq!(app.get(&path, Some(&m)).await.status, StatusCode::OK);
    assert_eq!(
        app.get("/v1/p/!!!", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/v1/p/zzzzzzzzzzzzzzzzzzzz", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn worker_renders_variants_and_upscaled_preview(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let _worker = app.start_worker().await;
    let (_, token) = app.user_with_token("renderer").await;
    let r = upload(&app, &token, "a.png", &png(64, 32, 50), &[]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.json()["post"]["id"].as_i64().unwrap();
    let key = r.json()["post"]["storage_key"]
        .as_str()
        .unwrap()
        .to_string();
    let shard = r.json()["post"]["storage_shard"]
        .as_str()
        .unwrap()
        .to_string();
    let mut formats: Vec<String> = Vec::new();
    for _ in 0..100 {
        formats =
            sqlx::query_scalar("select format from post_files where post_id = $1 order by format")
                .bind(id)
                .fetch_all(&pool)
                .await
                .unwrap();
        if formats.len() == 5 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(formats, ["bmp", "gif", "png", "upscaled_webp", "webp"]);
    let dir = std::path::Path::new(&app.state.config.vault_dir).join(&shard);
    let up = image::open(dir.join(format!("{key}_upscaled.webp"))).unwrap();
    assert_eq!(
        (up.width(), up.height()),
        (768, 384),
        "largest integer scale with max side <= 768"
    );
    let webp = image::open(dir.join(format!("{key}.webp"))).unwrap();
    assert_eq!((webp.width(), webp.height()), (64, 32));
    let post = app
        .get(
            &format!(
                "/v1/p/{}",
                r.json()["post"]["public_sqid"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json();
    assert_eq!(post["files"].as_array().unwrap().len(), 5);
}
