//! Anonymous reporters' address hashes are kept 30 days, then cleared by the daily job; the
//! reports themselves stay.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use chrono::{DateTime, Duration, Utc};
use common::Harness;
use uuid::Uuid;
use worker::jobs::clear_report_ips::clear_report_ips;
use worker::schedule::Scheduled;

/// A guest's report on user `target` filed `age` before `now`.
async fn guest_report(h: &Harness, target: &str, now: DateTime<Utc>, age: Duration) -> Uuid {
    let row = db::reports::insert(
        &h.deps.pool,
        &db::reports::NewReport {
            reporter_id: None,
            reporter_ip: Some("hash-of-an-address"),
            target_type: "user",
            target_id: target,
            reason_code: "spam",
            notes: None,
        },
    )
    .await
    .unwrap();
    sqlx::query("update reports set created_at = $2 where id = $1")
        .bind(row.id)
        .bind(now - age)
        .execute(&h.deps.pool)
        .await
        .unwrap();
    row.id
}

async fn ip_of(h: &Harness, id: Uuid) -> Option<String> {
    sqlx::query_scalar("select reporter_ip from reports where id = $1")
        .bind(id)
        .fetch_one(&h.deps.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../../migrations")]
async fn address_hashes_older_than_30_days_are_cleared(pool: db::PgPool) {
    let h = Harness::new(pool).await;
    let target = h.create_user("target", true, &["user"]).await;
    let now = Utc::now();
    let old = guest_report(&h, &target.public_sqid, now, Duration::days(31)).await;
    let edge = guest_report(&h, &target.public_sqid, now, Duration::days(29)).await;
    let fresh = guest_report(&h, &target.public_sqid, now, Duration::hours(1)).await;
    let updated_before: DateTime<Utc> =
        sqlx::query_scalar("select updated_at from reports where id = $1")
            .bind(old)
            .fetch_one(&h.deps.pool)
            .await
            .unwrap();

    assert_eq!(clear_report_ips(&h.deps, now).await.unwrap(), 1);
    assert_eq!(ip_of(&h, old).await, None);
    assert_eq!(ip_of(&h, edge).await.as_deref(), Some("hash-of-an-address"));
    assert_eq!(
        ip_of(&h, fresh).await.as_deref(),
        Some("hash-of-an-address")
    );
    let (count, updated_after): (i64, DateTime<Utc>) = sqlx::query_as(
        "select (select count(*) from reports), updated_at from reports where id = $1",
    )
    .bind(old)
    .fetch_one(&h.deps.pool)
    .await
    .unwrap();
    assert_eq!(count, 3, "reports stay; only the hash goes");
    assert_eq!(
        updated_after, updated_before,
        "clearing is not a moderator's update"
    );

    // Run again, and through the schedule 31 days on: the remaining old ones go.
    assert_eq!(clear_report_ips(&h.deps, now).await.unwrap(), 0);
    assert_eq!(Scheduled::ClearReportIps.name(), "cleanup-report-ips");
    assert_eq!(Scheduled::ClearReportIps.run(&h.deps).await.unwrap(), 0);
    assert_eq!(
        clear_report_ips(&h.deps, now + Duration::days(31))
            .await
            .unwrap(),
        2
    );
    assert_eq!(ip_of(&h, fresh).await, None);
}
