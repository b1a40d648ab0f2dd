//! The email consumer against a real Redis queue and a real SMTP conversation: an SMTP outage
//! delays mail without losing it, and a job id is never mailed twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::time::{Duration, Instant};

use common::Harness;
use jobs::{EmailKind, SendEmail};
use uuid::Uuid;
use worker::jobs::send_email::{deliver, sent_key, Outcome};

fn otp(to: &str, code: &str) -> SendEmail {
    SendEmail {
        id: Uuid::new_v4(),
        to: to.into(),
        handle: "pixel".into(),
        email: EmailKind::VerifyOtp { code: code.into() },
    }
}

/// Task ids the backend has acknowledged as done.
async fn done_tasks(h: &Harness) -> Vec<String> {
    let mut c = h.redis();
    redis::cmd("SMEMBERS")
        .arg(h.queue_key(SendEmail::QUEUE, "done"))
        .query_async(&mut c)
        .await
        .unwrap()
}

async fn wait_done(h: &Harness, n: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        let done = done_tasks(h).await;
        if done.len() >= n {
            return done;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "only {} of {n} jobs finished",
            done.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn smtp_outage_delays_mail_and_sends_it_exactly_once(pool: db::PgPool) {
    let mut h = Harness::new(pool).await;
    h.sink.set_failing(true);
    h.start_consumers();
    let job = otp("retry@example.com", "482913");
    h.queues.send_email(job.clone()).await.unwrap();

    // Long enough for the first attempt and a retry to be refused by the sink.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(h.mails_to("retry@example.com").is_empty());
    h.sink.set_failing(false);

    let mails = h
        .wait_for_mails("retry@example.com", 1, Duration::from_secs(30))
        .await;
    assert_eq!(mails[0].subject, "Your Makapix verification code");
    assert!(mails[0].text.contains("482913"));

    // The job finished after more than one attempt, and nothing else arrives later.
    let done = wait_done(&h, 1).await;
    let mut c = h.redis();
    let attempts: String = redis::cmd("HGET")
        .arg(format!(
            "{}:{}",
            h.queue_key(SendEmail::QUEUE, "meta"),
            done[0]
        ))
        .arg("attempts")
        .query_async(&mut c)
        .await
        .unwrap();
    assert!(
        attempts.parse::<u32>().unwrap() >= 2,
        "attempts: {attempts}"
    );
    assert!(h.deps.kv.exists(&sent_key(&job.id)).await.unwrap());
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(h.mails_to("retry@example.com").len(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_redelivered_job_sends_nothing(pool: db::PgPool) {
    let mut h = Harness::new(pool).await;
    h.start_consumers();
    let job = otp("once@example.com", "111222");
    h.queues.send_email(job.clone()).await.unwrap();
    h.wait_for_mails("once@example.com", 1, Duration::from_secs(15))
        .await;
    wait_done(&h, 1).await;

    // The same job again, then an unrelated one; once both are done the first is still alone.
    h.queues.send_email(job.clone()).await.unwrap();
    h.queues
        .send_email(otp("other@example.com", "333444"))
        .await
        .unwrap();
    wait_done(&h, 3).await;
    h.wait_for_mails("other@example.com", 1, Duration::from_secs(15))
        .await;
    assert_eq!(h.mails_to("once@example.com").len(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn deliver_is_idempotent_per_job_id(pool: db::PgPool) {
    let h = Harness::new(pool).await;
    let mailer = h.mailer();
    let job = SendEmail {
        id: Uuid::new_v4(),
        to: "link@example.com".into(),
        handle: "pixel".into(),
        email: EmailKind::ResetLink {
            url: "http://127.0.0.1:8080/reset-password?token=r3s3t".into(),
        },
    };
    assert_eq!(
        deliver(&job, &h.deps.kv, &mailer).await.unwrap(),
        Outcome::Sent
    );
    assert_eq!(
        deliver(&job, &h.deps.kv, &mailer).await.unwrap(),
        Outcome::AlreadySent
    );
    let mails = h.mails_to("link@example.com");
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "Reset your Makapix Club password");
    assert!(mails[0].text.contains("token=r3s3t"));

    // A refused send is an error and leaves the id free for the retry.
    h.sink.set_failing(true);
    let second = SendEmail {
        id: Uuid::new_v4(),
        ..job
    };
    let err = deliver(&second, &h.deps.kv, &mailer).await.unwrap_err();
    assert!(!err.is_permanent(), "{err}");
    assert!(!h.deps.kv.exists(&sent_key(&second.id)).await.unwrap());
    h.sink.set_failing(false);
    assert_eq!(
        deliver(&second, &h.deps.kv, &mailer).await.unwrap(),
        Outcome::Sent
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_bad_recipient_is_given_up_at_once(pool: db::PgPool) {
    let mut h = Harness::new(pool).await;
    let err = deliver(&otp("not-an-address", "123456"), &h.deps.kv, &h.mailer())
        .await
        .unwrap_err();
    assert!(err.is_permanent());

    // Through the queue: one attempt, then the job is parked as dead rather than retried.
    h.start_consumers();
    h.queues
        .send_email(otp("not-an-address", "123456"))
        .await
        .unwrap();
    let mut c = h.redis();
    let start = Instant::now();
    let dead: Vec<String> = loop {
        let dead: Vec<String> = redis::cmd("SMEMBERS")
            .arg(h.queue_key(SendEmail::QUEUE, "dead"))
            .query_async(&mut c)
            .await
            .unwrap();
        if !dead.is_empty() {
            break dead;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "job not given up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let attempts: String = redis::cmd("HGET")
        .arg(format!(
            "{}:{}",
            h.queue_key(SendEmail::QUEUE, "meta"),
            dead[0]
        ))
        .arg("attempts")
        .query_async(&mut c)
        .await
        .unwrap();
    assert_eq!(attempts, "1");
}
