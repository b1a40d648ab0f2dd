//! Notification retention: read ones go after 90 days, all after 365, nothing younger.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use chrono::{DateTime, Duration, Utc};
use common::Harness;
use db::notifications::NewNotification;
use uuid::Uuid;
use worker::jobs::cleanup_notifications::cleanup_notifications;
use worker::schedule::Scheduled;

/// A notification for `user_id` created `age` before `now`, read or not.
async fn aged(h: &Harness, user_id: i32, now: DateTime<Utc>, age: Duration, read: bool) -> Uuid {
    let row = db::notifications::insert(
        &h.deps.pool,
        &NewNotification {
            user_id,
            notification_type: "trust_granted",
            post_id: None,
            actor_id: None,
            actor_handle: None,
            actor_avatar_url: None,
            actor_public_sqid: None,
            emoji: None,
            comment_id: None,
            comment_preview: None,
            content_title: None,
            content_sqid: None,
            content_art_url: None,
        },
    )
    .await
    .unwrap();
    sqlx::query("update social_notifications set created_at = $2, is_read = $3 where id = $1")
        .bind(row.id)
        .bind(now - age)
        .bind(read)
        .execute(&h.deps.pool)
        .await
        .unwrap();
    row.id
}

async fn remaining(h: &Harness) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = sqlx::query_scalar("select id from social_notifications")
        .fetch_all(&h.deps.pool)
        .await
        .unwrap();
    ids.sort();
    ids
}

#[sqlx::test(migrations = "../../migrations")]
async fn read_go_after_90_days_and_all_after_365(pool: db::PgPool) {
    let h = Harness::new(pool).await;
    let u = h.create_user("alice", true, &["user"]).await;
    let now = Utc::now();
    let days = Duration::days;
    let mut kept = vec![
        aged(&h, u.id, now, Duration::zero(), true).await,
        aged(&h, u.id, now, days(89), true).await,
        aged(&h, u.id, now, days(90) - Duration::minutes(1), true).await,
        aged(&h, u.id, now, days(91), false).await,
        aged(&h, u.id, now, days(365) - Duration::minutes(1), false).await,
    ];
    let gone = [
        aged(&h, u.id, now, days(90) + Duration::minutes(1), true).await,
        aged(&h, u.id, now, days(200), true).await,
        aged(&h, u.id, now, days(365) + Duration::minutes(1), false).await,
        aged(&h, u.id, now, days(400), true).await,
    ];

    assert_eq!(cleanup_notifications(&h.deps, now).await.unwrap(), 4);
    kept.sort();
    assert_eq!(remaining(&h).await, kept);
    assert!(gone.iter().all(|g| !kept.contains(g)));
    assert_eq!(cleanup_notifications(&h.deps, now).await.unwrap(), 0);
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_scheduled_job_runs_the_cleanup(pool: db::PgPool) {
    let h = Harness::new(pool).await;
    let u = h.create_user("bob", true, &["user"]).await;
    let now = Utc::now();
    aged(&h, u.id, now, Duration::days(366), false).await;
    let young = aged(&h, u.id, now, Duration::days(1), true).await;
    assert_eq!(
        Scheduled::CleanupNotifications.name(),
        "cleanup-social-notifications"
    );
    assert_eq!(
        Scheduled::CleanupNotifications.run(&h.deps).await.unwrap(),
        1
    );
    assert_eq!(remaining(&h).await, vec![young]);
}
