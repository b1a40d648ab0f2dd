//! `makapix-api seed-bench`: the counts asked for, sqids that decode to their ids, trigger-kept
//! reaction counts that match the rows, metadata within the upload rules, and the refusal to
//! seed a populated database without `--force`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::HashSet;

use api::seed_bench::{self, Options, Refused, MAX_EXISTING_POSTS};
use chrono::{Duration, Utc};
use http::StatusCode;
use sqlx::{PgPool, Row};
use test_support::TestApp;

fn opts(users: u32, posts: u32, force: bool) -> Options {
    Options {
        users,
        posts,
        force,
    }
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn seeds_the_requested_rows_with_decodable_sqids(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let s = seed_bench::run(&pool, &app.state.sqids, &opts(5, 40, false))
        .await
        .unwrap();
    assert_eq!((s.users, s.posts), (5, 40));
    assert_eq!(count(&pool, "select count(*) from users").await, 5);
    assert_eq!(
        count(
            &pool,
            "select count(*) from users where email_verified and handle like 'bench-%'"
        )
        .await,
        5
    );
    assert_eq!(
        count(&pool, "select count(*) from posts where kind = 'artwork'").await,
        40
    );
    // One native file row per post, agreeing with the post's format and size.
    assert_eq!(
        count(
            &pool,
            "select count(*) from post_files f join posts p on p.id = f.post_id
             where f.is_native and f.format = p.native_format and f.file_bytes = p.file_bytes"
        )
        .await,
        40
    );
    assert_eq!(count(&pool, "select count(*) from post_files").await, 40);

    for row in sqlx::query(
        "select id::int8 as id, public_sqid from users union all select id, public_sqid from posts",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let (id, sqid): (i64, String) = (row.get("id"), row.get("public_sqid"));
        assert_eq!(app.state.sqids.decode(&sqid), Some(id), "{sqid}");
    }

    // The trigger-kept counter equals the rows, post by post, and the total is what was reported.
    assert_eq!(
        count(
            &pool,
            "select count(*) from posts p
             where p.reaction_count <> (select count(*) from reactions r where r.post_id = p.id)"
        )
        .await,
        0
    );
    assert_eq!(
        count(&pool, "select count(*) from reactions").await,
        s.reactions as i64
    );
    assert_eq!(
        count(
            &pool,
            "select coalesce(sum(reaction_count), 0)::int8 from posts"
        )
        .await,
        s.reactions as i64
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from reactions r join users u on u.id = r.user_id"
        )
        .await,
        s.reactions as i64,
        "every reaction is by a seeded member"
    );
    assert!(
        count(&pool, "select max(reaction_count)::int8 from posts").await <= 20,
        "at most 20 reactions per post"
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn metadata_follows_the_upload_rules(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    seed_bench::run(&pool, &app.state.sqids, &opts(5, 40, false))
        .await
        .unwrap();
    let rows = sqlx::query(
        "select width, height, native_format, frame_count, file_bytes, unique_colors, hash,
                hashtags, created_at, min_frame_duration_ms, total_duration_ms from posts",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut hashes = HashSet::new();
    let oldest = Utc::now() - Duration::days(90) - Duration::minutes(5);
    for r in &rows {
        let (w, h): (i32, i32) = (r.get("width"), r.get("height"));
        assert!(media::inspect::size_allowed(w as u32, h as u32), "{w}x{h}");
        let format: String = r.get("native_format");
        assert!(["png", "gif", "webp", "bmp"].contains(&format.as_str()));
        let frames: i32 = r.get("frame_count");
        assert!(frames >= 1);
        assert_eq!(
            frames > 1,
            r.get::<Option<i32>, _>("min_frame_duration_ms").is_some()
        );
        assert_eq!(
            frames > 1,
            r.get::<Option<i32>, _>("total_duration_ms").is_some()
        );
        let bytes: i64 = r.get("file_bytes");
        assert!(bytes > 0 && bytes <= 5 * 1024 * 1024);
        assert!(r.get::<i32, _>("unique_colors") >= 2);
        let hash: String = r.get("hash");
        assert_eq!(hash.len(), 64);
        assert!(hashes.insert(hash), "hashes are distinct");
        assert!(r.get::<Vec<String>, _>("hashtags").len() <= 5);
        let created: chrono::DateTime<Utc> = r.get("created_at");
        assert!(created > oldest && created <= Utc::now());
    }
    assert_eq!(hashes.len(), 40);

    // A seeded approved post is served by the permalink like an uploaded one.
    let sqid: String = sqlx::query_scalar(
        "select public_sqid from posts p where post_discoverable(p) order by id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let r = app.get(&format!("/v1/p/{sqid}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["public_sqid"], sqid.as_str());
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_populated_database_is_refused_without_force(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    seed_bench::run(&pool, &app.state.sqids, &opts(5, 40, false))
        .await
        .unwrap();

    let err = seed_bench::run(&pool, &app.state.sqids, &opts(5, 40, false))
        .await
        .unwrap_err();
    let refused = err.downcast_ref::<Refused>().expect("a Refused error");
    assert_eq!(refused.posts, 40);
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(count(&pool, "select count(*) from posts").await, 40);
    assert_eq!(count(&pool, "select count(*) from users").await, 5);

    // --force adds a second batch whose handles, emails and hashes do not clash with the first.
    let s = seed_bench::run(&pool, &app.state.sqids, &opts(5, 40, true))
        .await
        .unwrap();
    assert_eq!((s.users, s.posts), (5, 40));
    assert_eq!(count(&pool, "select count(*) from posts").await, 80);
    assert_eq!(count(&pool, "select count(*) from users").await, 10);
}

#[sqlx::test(migrations = "../../migrations")]
async fn up_to_ten_existing_posts_need_no_force(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let limit = u32::try_from(MAX_EXISTING_POSTS).unwrap();
    seed_bench::run(&pool, &app.state.sqids, &opts(2, limit, false))
        .await
        .unwrap();
    seed_bench::run(&pool, &app.state.sqids, &opts(2, 1, false))
        .await
        .unwrap();
    assert_eq!(count(&pool, "select count(*) from posts").await, 11);
    let err = seed_bench::run(&pool, &app.state.sqids, &opts(2, 1, false))
        .await
        .unwrap_err();
    assert_eq!(err.downcast_ref::<Refused>().unwrap().posts, 11);
}

#[test]
fn arguments_parse_with_defaults_and_reject_nonsense() {
    let parse = |args: &[&str]| Options::from_args(args.iter().map(|s| s.to_string()));
    assert_eq!(parse(&[]).unwrap(), opts(200, 5000, false));
    assert_eq!(
        parse(&["--users", "5", "--posts=40", "--force"]).unwrap(),
        opts(5, 40, true)
    );
    assert!(parse(&["--users"]).is_err());
    assert!(parse(&["--posts", "many"]).is_err());
    assert!(parse(&["--users", "0"]).is_err());
    assert!(parse(&["--posts", "1000001"]).is_err());
    assert!(parse(&["--wipe"]).is_err());
}
