//! Account purge and the scheduled clean-ups, against the per-test database.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::Harness;
use jobs::PurgeAccount;
use vault::{Area, Ext};
use worker::jobs::purge_account::{purge, Purged};
use worker::schedule;

async fn exists(h: &Harness, id: i32) -> bool {
    db::users::find_by_id(&h.deps.pool, id)
        .await
        .unwrap()
        .is_some()
}

async fn refresh_token(h: &Harness, user_id: i32, hash: &[u8], expires_in: chrono::Duration) {
    let mut conn = h.deps.pool.acquire().await.unwrap();
    db::refresh::insert(
        &mut conn,
        user_id,
        uuid::Uuid::new_v4(),
        hash,
        Utc::now() + expires_in,
    )
    .await
    .unwrap();
}

async fn refresh_exists(h: &Harness, hash: &[u8]) -> bool {
    let mut conn = h.deps.pool.acquire().await.unwrap();
    db::refresh::lock_by_hash(&mut conn, hash)
        .await
        .unwrap()
        .is_some()
}

#[sqlx::test(migrations = "../../migrations")]
async fn purge_job_removes_user_tokens_and_avatar(pool: db::PgPool) {
    let mut h = Harness::new(pool).await;
    let gone = h.create_user("leaver", true, &["user"]).await;
    let stays = h.create_user("stayer", true, &["user"]).await;
    refresh_token(&h, gone.id, b"leaver-token", chrono::Duration::days(30)).await;
    refresh_token(&h, stays.id, b"stayer-token", chrono::Duration::days(30)).await;
    let avatar = uuid::Uuid::new_v4();
    let path = h
        .deps
        .vault
        .write(Area::Avatar, &avatar, Ext::Png, b"png")
        .await
        .unwrap();
    let mut conn = h.deps.pool.acquire().await.unwrap();
    db::users::set_avatar(
        &mut conn,
        gone.id,
        Some("http://vault/avatar.png"),
        Some(&format!("{avatar}.png")),
    )
    .await
    .unwrap();
    db::users::set_deactivated(&mut conn, gone.id)
        .await
        .unwrap();
    drop(conn);

    h.start_consumers();
    h.queues
        .purge_account(PurgeAccount { user_id: gone.id })
        .await
        .unwrap();
    let start = Instant::now();
    while exists(&h, gone.id).await {
        assert!(start.elapsed() < Duration::from_secs(20), "user not purged");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!refresh_exists(&h, b"leaver-token").await);
    assert!(!path.exists(), "avatar file left behind");
    assert!(exists(&h, stays.id).await);
    assert!(refresh_exists(&h, b"stayer-token").await);

    // A redelivered job finds nothing to do.
    assert_eq!(purge(&h.deps, gone.id).await.unwrap(), Purged::NotFound);
}

#[sqlx::test(migrations = "../../migrations")]
async fn live_accounts_and_the_owner_are_never_purged(pool: db::PgPool) {
    let h = Harness::new(pool).await;
    let active = h.create_user("active", true, &["user"]).await;
    assert_eq!(
        purge(&h.deps, active.id).await.unwrap(),
        Purged::RefusedActive
    );
    assert!(exists(&h, active.id).await);
    let owner = h
        .create_user("owner", true, &["user", "moderator", "owner"])
        .await;
    assert_eq!(
        purge(&h.deps, owner.id).await.unwrap(),
        Purged::RefusedOwner
    );
    assert!(exists(&h, owner.id).await);
}

#[sqlx::test(migrations = "../../migrations")]
async fn unverified_cleanup_only_takes_accounts_older_than_three_days(pool: db::PgPool) {
    let h = Harness::new(pool).await;
    let pending = h.create_user("pending", false, &["user"]).await;
    let verified = h.create_user("verified", true, &["user"]).await;
    refresh_token(&h, pending.id, b"pending-token", chrono::Duration::days(1)).await;

    // Both accounts are brand new; judge them as if time had moved on instead of backdating.
    let now = Utc::now();
    assert_eq!(
        schedule::cleanup_unverified_accounts(&h.deps, now)
            .await
            .unwrap(),
        0
    );
    let almost = now + chrono::Duration::days(3) - chrono::Duration::hours(1);
    assert_eq!(
        schedule::cleanup_unverified_accounts(&h.deps, almost)
            .await
            .unwrap(),
        0
    );
    assert!(exists(&h, pending.id).await);

    let later = now + chrono::Duration::days(3) + chrono::Duration::minutes(1);
    assert_eq!(
        schedule::cleanup_unverified_accounts(&h.deps, later)
            .await
            .unwrap(),
        1
    );
    assert!(!exists(&h, pending.id).await);
    assert!(!refresh_exists(&h, b"pending-token").await);
    assert!(exists(&h, verified.id).await);
}

#[sqlx::test(migrations = "../../migrations")]
async fn auth_token_cleanup_keeps_live_tokens(pool: db::PgPool) {
    let h = Harness::new(pool).await;
    let u = h.create_user("tokens", true, &["user"]).await;
    refresh_token(&h, u.id, b"old", -chrono::Duration::days(2)).await;
    refresh_token(&h, u.id, b"live", chrono::Duration::days(2)).await;
    assert!(
        schedule::cleanup_expired_auth_tokens(&h.deps)
            .await
            .unwrap()
            >= 1
    );
    assert!(!refresh_exists(&h, b"old").await);
    assert!(refresh_exists(&h, b"live").await);
}
