//! The scheduled artwork jobs (purge of old soft deletes, retired-key sweep, view rollup,
//! integrity check) and the render job's cache invalidation, against the per-test database,
//! a temporary vault and real Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use common::{png, Harness, ViewEvent};
use jobs::RenderArtwork;
use sqlx::PgPool;
use uuid::Uuid;
use vault::{Area, Ext};
use worker::jobs::check_integrity::check_integrity;
use worker::jobs::purge_deleted_posts::purge_deleted_posts;
use worker::jobs::render_artwork::{render, Rendered};
use worker::jobs::rollup_views::rollup_views;
use worker::jobs::sweep_retired::sweep_retired;

const ALL_EXTS: [Ext; 5] = [Ext::Png, Ext::Gif, Ext::Webp, Ext::Bmp, Ext::UpscaledWebp];

fn file_exists(h: &Harness, key: &Uuid, ext: Ext) -> bool {
    h.deps.vault.path(Area::Artwork, key, ext).exists()
}

async fn write_all_exts(h: &Harness, key: &Uuid) {
    for ext in ALL_EXTS {
        h.deps
            .vault
            .write(Area::Artwork, key, ext, b"x")
            .await
            .unwrap();
    }
}

const POST: &str = "select count(*) from posts where id = $1";
const DELETED_POST: &str = "select count(*) from posts where id = $1 and deleted_by_user";
const POST_FILES: &str = "select count(*) from post_files where post_id = $1";
const POST_EVENTS: &str = "select count(*) from view_events where post_id = $1";
const RETIRED: &str = "select count(*) from retired_artworks where id = $1";

async fn count(pool: &PgPool, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn purge_removes_posts_deleted_over_a_week_ago_with_all_their_files(pool: PgPool) {
    let h = Harness::new(pool.clone()).await;
    let owner = h.create_user("painter", true, &["user"]).await;
    let now = Utc::now();
    let (old, old_key) = h.create_artwork(owner.id, &png(1)).await;
    let (recent, recent_key) = h.create_artwork(owner.id, &png(2)).await;
    let (live, live_key) = h.create_artwork(owner.id, &png(3)).await;
    let (bare, bare_key) = h.create_artwork(owner.id, &png(4)).await;
    write_all_exts(&h, &old_key).await;
    write_all_exts(&h, &recent_key).await;
    h.deps
        .vault
        .delete(Area::Artwork, &bare_key, Ext::Png)
        .await
        .unwrap();
    sqlx::query(
        "insert into post_files (post_id, format, file_bytes, is_native)
         values ($1, 'png', 1, true), ($1, 'webp', 1, false)",
    )
    .bind(old)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("insert into view_events (post_id, view_type) values ($1, 'view')")
        .bind(old)
        .execute(&pool)
        .await
        .unwrap();
    h.soft_delete(old, now - Duration::days(8)).await;
    h.soft_delete(recent, now - Duration::days(6)).await;
    h.soft_delete(bare, now - Duration::days(10)).await;
    let feeds = h.deps.kv.generation(kv::cache::FEEDS).await.unwrap();

    let r = purge_deleted_posts(&h.deps, now).await.unwrap();
    assert_eq!(r.purged, 2, "the 8- and 10-day-old deletes");
    assert_eq!(r.file_errors, 0, "missing files are not errors");
    for id in [old, bare] {
        assert_eq!(count(&pool, POST, id).await, 0);
    }
    assert_eq!(count(&pool, POST_FILES, old).await, 0);
    assert_eq!(count(&pool, POST_EVENTS, old).await, 0);
    assert!(ALL_EXTS.iter().all(|e| !file_exists(&h, &old_key, *e)));
    let kept = count(&pool, DELETED_POST, recent).await;
    assert_eq!(kept, 1, "a 6-day-old delete can still be restored");
    assert!(ALL_EXTS.iter().all(|e| file_exists(&h, &recent_key, *e)));
    assert_eq!(count(&pool, POST, live).await, 1);
    assert!(file_exists(&h, &live_key, Ext::Png));
    let bumped = h.deps.kv.generation(kv::cache::FEEDS).await.unwrap();
    assert!(bumped > feeds, "feeds invalidated");

    let again = purge_deleted_posts(&h.deps, now).await.unwrap();
    assert_eq!(again.purged, 0);
    assert_eq!(
        h.deps.kv.generation(kv::cache::FEEDS).await.unwrap(),
        bumped,
        "no change, no bump"
    );
}

async fn retire(pool: &PgPool, post_id: Option<i64>, key: Uuid, due: DateTime<Utc>) -> i64 {
    sqlx::query_scalar(
        "insert into retired_artworks (post_id, storage_key, formats, delete_after)
         values ($1, $2, '{png,webp,upscaled_webp}', $3) returning id",
    )
    .bind(post_id)
    .bind(key)
    .bind(due)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn sweep_removes_due_retired_keys_and_keeps_the_rest(pool: PgPool) {
    let h = Harness::new(pool.clone()).await;
    let owner = h.create_user("painter", true, &["user"]).await;
    let now = Utc::now();
    let (post, live_key) = h.create_artwork(owner.id, &png(1)).await;
    let (due_key, later_key) = (Uuid::new_v4(), Uuid::new_v4());
    write_all_exts(&h, &due_key).await;
    write_all_exts(&h, &later_key).await;
    let due = retire(&pool, Some(post), due_key, now - Duration::hours(1)).await;
    let later = retire(&pool, Some(post), later_key, now + Duration::days(1)).await;
    // A key that somehow is live again must never lose its files.
    let clash = retire(&pool, None, live_key, now - Duration::days(1)).await;

    let r = sweep_retired(&h.deps, now).await.unwrap();
    assert_eq!((r.swept, r.in_use, r.file_errors), (1, 1, 0));
    assert!(
        ALL_EXTS.iter().all(|e| !file_exists(&h, &due_key, *e)),
        "every format goes, also renditions missing from `formats`"
    );
    assert!(ALL_EXTS.iter().all(|e| file_exists(&h, &later_key, *e)));
    assert!(file_exists(&h, &live_key, Ext::Png));
    assert_eq!(count(&pool, RETIRED, due).await, 0);
    assert_eq!(count(&pool, RETIRED, clash).await, 0);
    assert_eq!(count(&pool, RETIRED, later).await, 1);

    let again = sweep_retired(&h.deps, now).await.unwrap();
    assert_eq!((again.swept, again.in_use), (0, 0));
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc() + Duration::hours(hour.into())
}

type Stats = Vec<(i64, NaiveDate, i32, i32, i32, i32, serde_json::Value)>;

async fn stats(pool: &PgPool) -> Stats {
    sqlx::query_as(
        "select post_id, day, views, unique_viewers, impressions, views_authenticated, breakdown
         from post_stats_daily order by day, post_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn view_count(pool: &PgPool, id: i64) -> i64 {
    count(pool, "select view_count from posts where id = $1", id).await
}

#[sqlx::test(migrations = "../../migrations")]
async fn rollup_counts_whole_days_once_and_purges_week_old_events(pool: PgPool) {
    let h = Harness::new(pool.clone()).await;
    let (u1, u2) = (
        h.create_user("one", true, &["user"]).await.id,
        h.create_user("two", true, &["user"]).await.id,
    );
    let (a, _) = h.create_artwork(u1, &png(1)).await;
    let (b, _) = h.create_artwork(u1, &png(2)).await;
    let now = Utc::now();
    let today = now.date_naive();
    let (old, d1, d2) = (
        today - Duration::days(9),
        today - Duration::days(2),
        today - Duration::days(1),
    );
    let e = [
        ViewEvent::view(a, at(d1, 1))
            .user(u1)
            .device("desktop")
            .country("BR"),
        ViewEvent::view(a, at(d1, 2))
            .user(u1)
            .device("desktop")
            .country("BR"),
        ViewEvent::view(a, at(d1, 3)).ip("h1").device("mobile"),
        ViewEvent::impression(a, at(d1, 4)).user(u2),
        ViewEvent::impression(a, at(d1, 23)).ip("h2"),
        ViewEvent::view(a, at(d2, 0))
            .user(u2)
            .device("desktop")
            .country("US"),
        ViewEvent::view(b, at(d2, 5)).ip("h1"),
        ViewEvent::impression(b, at(d2, 6)).user(u1),
        ViewEvent::view(a, now).ip("h3"),
        ViewEvent::view(b, at(old, 12)).ip("h9"),
    ];
    for ev in &e {
        h.insert_view_event(ev).await;
    }

    let r = rollup_views(&h.deps, now).await.unwrap();
    assert_eq!(r.days, 9, "from the oldest event's day through yesterday");
    assert_eq!(r.events_deleted, 1, "only the 9-day-old event");
    let rows = stats(&pool).await;
    let key: Vec<_> = rows
        .iter()
        .map(|s| (s.0, s.1, s.2, s.3, s.4, s.5))
        .collect();
    assert_eq!(
        key,
        vec![
            (b, old, 1, 1, 0, 0),
            (a, d1, 3, 2, 2, 2),
            (a, d2, 1, 1, 0, 1),
            (b, d2, 1, 1, 1, 0),
        ],
        "(post, day, views, unique viewers, impressions, authenticated views); today is not rolled"
    );
    let bd = &rows[1].6;
    assert_eq!(bd["device"], serde_json::json!({"desktop": 2, "mobile": 1}));
    assert_eq!(bd["country"], serde_json::json!({"BR": 2, "unknown": 1}));
    assert_eq!(bd["source"], serde_json::json!({"web": 3}));
    assert_eq!(
        bd["device_authenticated"],
        serde_json::json!({"desktop": 2})
    );
    assert_eq!(
        view_count(&pool, a).await,
        5,
        "4 rolled up + today's raw view"
    );
    assert_eq!(view_count(&pool, b).await, 2);
    let wm: NaiveDate =
        sqlx::query_scalar("select value_date from rollup_watermarks where name = 'views'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(wm, d2);
    let left: i64 = sqlx::query_scalar("select count(*) from view_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        left, 9,
        "rolled events younger than a week and today's stay"
    );

    let again = rollup_views(&h.deps, now).await.unwrap();
    assert_eq!(again.days, 0);
    assert_eq!(stats(&pool).await, rows);

    // Replaying days already rolled up (a watermark restored from a backup) replaces numbers.
    sqlx::query("update rollup_watermarks set value_date = $1 where name = 'views'")
        .bind(d1 - Duration::days(1))
        .execute(&pool)
        .await
        .unwrap();
    let replay = rollup_views(&h.deps, now).await.unwrap();
    assert_eq!(replay.days, 2);
    assert_eq!(stats(&pool).await, rows, "no double count");
    assert_eq!(view_count(&pool, a).await, 5);
    assert_eq!(view_count(&pool, b).await, 2);
}

async fn flagged(pool: &PgPool, id: i64) -> bool {
    sqlx::query_scalar("select non_conformant from posts where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn integrity_flags_tampered_and_missing_files_and_never_clears(pool: PgPool) {
    let h = Harness::new(pool.clone()).await;
    let owner = h.create_user("painter", true, &["user"]).await;
    let (intact, _) = h.create_artwork(owner.id, &png(1)).await;
    let (tampered, tampered_key) = h.create_artwork(owner.id, &png(2)).await;
    let (missing, missing_key) = h.create_artwork(owner.id, &png(3)).await;
    let (deleted, deleted_key) = h.create_artwork(owner.id, &png(4)).await;
    h.deps
        .vault
        .write(Area::Artwork, &tampered_key, Ext::Png, &png(9))
        .await
        .unwrap();
    h.deps
        .vault
        .delete(Area::Artwork, &missing_key, Ext::Png)
        .await
        .unwrap();
    h.deps
        .vault
        .delete(Area::Artwork, &deleted_key, Ext::Png)
        .await
        .unwrap();
    h.soft_delete(deleted, Utc::now()).await;
    let post_gen = h
        .deps
        .kv
        .generation(&kv::cache::post_family(tampered))
        .await
        .unwrap();

    let r = check_integrity(&h.deps, 100).await.unwrap();
    assert_eq!(
        (r.checked, r.missing, r.mismatched, r.flagged),
        (3, 1, 1, 2)
    );
    assert!(!flagged(&pool, intact).await);
    assert!(flagged(&pool, tampered).await);
    assert!(flagged(&pool, missing).await);
    assert!(
        !flagged(&pool, deleted).await,
        "deleted posts are not checked"
    );
    let audits: i64 = sqlx::query_scalar(
        "select count(*) from audit_logs where action = 'mark_non_conformant' and target_type = 'post'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audits, 2);
    assert!(
        h.deps
            .kv
            .generation(&kv::cache::post_family(tampered))
            .await
            .unwrap()
            > post_gen
    );
    assert!(h.deps.kv.generation(kv::cache::FEEDS).await.unwrap() > 0);

    // Repaired files stay flagged until a moderator clears them.
    h.deps
        .vault
        .write(Area::Artwork, &tampered_key, Ext::Png, &png(2))
        .await
        .unwrap();
    let again = check_integrity(&h.deps, 100).await.unwrap();
    assert_eq!((again.checked, again.flagged), (3, 0));
    assert!(flagged(&pool, tampered).await);
}

#[sqlx::test(migrations = "../../migrations")]
async fn integrity_walks_posts_in_batches_and_wraps_around(pool: PgPool) {
    let h = Harness::new(pool.clone()).await;
    let owner = h.create_user("painter", true, &["user"]).await;
    let mut ids = Vec::new();
    for seed in 1..=3 {
        ids.push(h.create_artwork(owner.id, &png(seed)).await.0);
    }
    let cursor = || async {
        sqlx::query_scalar::<_, i64>(
            "select position from job_cursors where name = 'check-integrity'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert_eq!(check_integrity(&h.deps, 2).await.unwrap().checked, 2);
    assert_eq!(cursor().await, ids[1]);
    assert_eq!(check_integrity(&h.deps, 2).await.unwrap().checked, 1);
    assert_eq!(
        cursor().await,
        0,
        "the end of the table starts the walk over"
    );
    assert_eq!(check_integrity(&h.deps, 2).await.unwrap().checked, 2);
    assert_eq!(cursor().await, ids[1]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn render_bumps_the_post_and_feed_cache_generations(pool: PgPool) {
    let h = Harness::new(pool).await;
    let owner = h.create_user("painter", true, &["user"]).await;
    let (id, key) = h.create_artwork(owner.id, &png(1)).await;
    let family = kv::cache::post_family(id);
    assert_eq!(h.deps.kv.generation(&family).await.unwrap(), 0);
    let feeds = h.deps.kv.generation(kv::cache::FEEDS).await.unwrap();
    let job = RenderArtwork {
        post_id: id,
        storage_key: key,
    };
    assert_eq!(
        render(&h.deps, &job).await.unwrap(),
        Rendered::Done { files: 4 }
    );
    assert_eq!(h.deps.kv.generation(&family).await.unwrap(), 1);
    assert_eq!(
        h.deps.kv.generation(kv::cache::FEEDS).await.unwrap(),
        feeds + 1
    );
    // A skipped render changes nothing, so it leaves the cache alone.
    let stale = RenderArtwork {
        post_id: id,
        storage_key: Uuid::new_v4(),
    };
    assert_eq!(render(&h.deps, &stale).await.unwrap(), Rendered::Stale);
    assert_eq!(h.deps.kv.generation(&family).await.unwrap(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn concurrent_runs_do_the_work_once(pool: PgPool) {
    let h = Harness::new(pool.clone()).await;
    let owner = h.create_user("painter", true, &["user"]).await;
    let now = Utc::now();
    let yesterday = now.date_naive() - Duration::days(1);
    for seed in 1..=6 {
        let (id, _) = h.create_artwork(owner.id, &png(seed)).await;
        h.soft_delete(id, now - Duration::days(8)).await;
    }
    let (viewed, _) = h.create_artwork(owner.id, &png(7)).await;
    for hour in 0..4 {
        let ev = ViewEvent::view(viewed, at(yesterday, hour)).ip(&format!("h{hour}"));
        h.insert_view_event(&ev).await;
    }

    let (p1, p2, r1, r2) = tokio::join!(
        purge_deleted_posts(&h.deps, now),
        purge_deleted_posts(&h.deps, now),
        rollup_views(&h.deps, now),
        rollup_views(&h.deps, now),
    );
    assert_eq!(p1.unwrap().purged + p2.unwrap().purged, 6);
    assert_eq!(r1.unwrap().days + r2.unwrap().days, 1);
    let rows = stats(&pool).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].2, rows[0].3), (4, 4));
    assert_eq!(view_count(&pool, viewed).await, 4);
}
