//! Reports (http-api.md §2.12, data-and-ops.md §3-§4): filing with validation, visibility and
//! rate limits; the throttled moderator alert (email and `new_report`); the moderators' list;
//! and resolution, which applies its action to the target with an audit entry and tells the
//! reporter.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod moderation_support;

use std::time::Duration;

use api::routes::posts::record_view::ip_hash;
use api::routes::reports::alert::alert_key;
use http::{Method, StatusCode};
use moderation_support::{
    assert_moderators_only, audit, call, comment, notifications, staff, urlencode, user_row,
};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::art::{artist, ids, upload_png};
use test_support::{json_request, TestApp, TestResponse};

async fn report_from(app: &TestApp, ip: &str, body: Value) -> TestResponse {
    app.send_from(
        ip,
        json_request(Method::POST, "/v1/report", Some(body), None, &[]),
    )
    .await
}

fn post_report(id: i64, reason: &str) -> Value {
    json!({"target_type": "post", "target_id": id.to_string(), "reason_code": reason})
}

async fn patch(app: &TestApp, id: &str, body: Value, token: &str) -> TestResponse {
    let path = format!("/v1/report/{id}");
    call(app, Method::PATCH, &path, Some(body), Some(token)).await
}

/// Files a report as `token` and returns its id.
async fn file(app: &TestApp, body: Value, token: &str) -> String {
    let r = app.post("/v1/report", body, Some(token)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    r.json()["id"].as_str().unwrap().to_string()
}

#[sqlx::test(migrations = "../../migrations")]
async fn filing_validates_and_finds_the_target(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, author_t) = artist(&app, "painter", true).await;
    let (reporter, reporter_t) = app.user_with_token("watcher").await;
    let post = upload_png(&app, &author_t, 1).await;
    let id = post["id"].as_i64().unwrap();

    // Malformed bodies and ids: 422, nothing stored.
    let long = "x".repeat(2001);
    for body in [
        json!({"target_type": "post", "target_id": "abc", "reason_code": "spam"}),
        json!({"target_type": "comment", "target_id": "12", "reason_code": "spam"}),
        json!({"target_type": "blog", "target_id": "1", "reason_code": "spam"}),
        json!({"target_type": "post", "target_id": id.to_string(), "reason_code": "meh"}),
        json!({"target_type": "post", "target_id": id.to_string(), "reason_code": "spam",
               "notes": long}),
        json!({"target_type": "post", "reason_code": "spam"}),
    ] {
        let r = report_from(&app, "10.1.0.1", body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(r.code(), "validation_error");
    }

    // Unknown targets, and targets the reporter cannot see: 404.
    let hidden = upload_png(&app, &author_t, 2).await;
    let hidden_id = hidden["id"].as_i64().unwrap();
    let r = call(
        &app,
        Method::POST,
        &format!("/v1/post/{hidden_id}/hide"),
        None,
        Some(&author_t),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    for body in [
        post_report(99_999, "spam"),
        post_report(hidden_id, "spam"),
        json!({"target_type": "comment", "target_id": uuid::Uuid::new_v4().to_string(),
               "reason_code": "spam"}),
        json!({"target_type": "user", "target_id": "zzzzzzzz", "reason_code": "spam"}),
    ] {
        let r = app
            .post("/v1/report", body.clone(), Some(&reporter_t))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(r.code(), "not_found");
    }
    let count: i64 = sqlx::query_scalar("select count(*) from reports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);

    // An anonymous report: stored with the salted address hash, never the address.
    let r = report_from(
        &app,
        "10.1.0.2",
        json!({"target_type": "post", "target_id": format!("0{id}"), "reason_code": "spam",
               "notes": "bot spam"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let body = r.json();
    assert_eq!(body["target_type"], "post");
    assert_eq!(body["target_id"], id.to_string());
    assert_eq!(body["reason_code"], "spam");
    assert_eq!(body["notes"], "bot spam");
    assert_eq!(body["status"], "open");
    assert_eq!(body["mod_notes"], Value::Null);
    assert_eq!(body["action_taken"], Value::Null);
    assert_eq!(body["reporter_handle"], Value::Null);
    for key in ["id", "created_at", "updated_at"] {
        assert!(body[key].is_string(), "{key}");
    }
    let (reporter_id, reporter_ip): (Option<i32>, Option<String>) =
        sqlx::query_as("select reporter_id, reporter_ip from reports where id = $1::uuid")
            .bind(body["id"].as_str().unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(reporter_id, None);
    let expected = ip_hash("test-salt", "10.1.0.2".parse().unwrap());
    assert_eq!(reporter_ip.as_deref(), Some(expected.as_str()));

    // Signed-in reports of a user and of a comment.
    let r = app
        .post(
            "/v1/report",
            json!({"target_type": "user", "target_id": author.public_sqid,
                   "reason_code": "harassment"}),
            Some(&reporter_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    assert_eq!(r.json()["reporter_handle"], reporter.handle);
    assert_eq!(r.json()["target_id"], author.public_sqid);
    let c = comment(&pool, id, Some(author.id), "rude words").await;
    let r = app
        .post(
            "/v1/report",
            json!({"target_type": "comment", "target_id": c.to_string().to_uppercase(),
                   "reason_code": "hate"}),
            Some(&reporter_t),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    assert_eq!(r.json()["target_id"], c.to_string());
    let ip: Option<String> =
        sqlx::query_scalar("select reporter_ip from reports where id = $1::uuid")
            .bind(r.json()["id"].as_str().unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(ip, None, "a signed-in reporter's address is not kept");
}

#[sqlx::test(migrations = "../../migrations")]
async fn reports_are_rate_limited(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, author_t) = artist(&app, "painter", true).await;
    let id = upload_png(&app, &author_t, 1).await["id"].as_i64().unwrap();

    // Anonymous: 5 per hour per address; the 6th is refused, another address is not.
    for _ in 0..5 {
        let r = report_from(&app, "10.2.0.1", post_report(id, "spam")).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = report_from(&app, "10.2.0.1", post_report(id, "spam")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");
    assert!(r.header("retry-after").is_some());
    let r = report_from(&app, "10.2.0.2", post_report(id, "spam")).await;
    assert_eq!(r.status, StatusCode::CREATED);

    // Anonymous: 20 per day per address, whatever the hourly count.
    let hash = ip_hash("test-salt", "10.2.0.3".parse().unwrap());
    for _ in 0..20 {
        app.state
            .kv
            .hit(api::limits::REPORT_IP_DAY, &hash)
            .await
            .unwrap();
    }
    let r = report_from(&app, "10.2.0.3", post_report(id, "spam")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");

    // Signed in: 10 per hour per user, wherever they report from.
    let (_, t) = app.user_with_token("eager").await;
    for _ in 0..10 {
        let r = app
            .post("/v1/report", post_report(id, "other"), Some(&t))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = app
        .post("/v1/report", post_report(id, "other"), Some(&t))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");
    let (_, other_t) = app.user_with_token("calm").await;
    let r = app
        .post("/v1/report", post_report(id, "other"), Some(&other_t))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn moderators_are_alerted_once_per_target_per_window(pool: PgPool) {
    let app = TestApp::with_overrides(
        pool.clone(),
        &[("MODERATION_ALERT_EMAIL", "mods@example.com")],
    )
    .await;
    let mailbox = app.start_worker().await;
    let (_, author_t) = artist(&app, "painter", true).await;
    let (m, m_t) = staff(&app, "modder", &["moderator"]).await;
    let (owner, _) = staff(&app, "boss", &["moderator", "owner"]).await;
    let a = upload_png(&app, &author_t, 1).await["id"].as_i64().unwrap();
    let b = upload_png(&app, &author_t, 2).await["id"].as_i64().unwrap();

    // Three reports on A (two guests and a moderator), one on B: one alert per target.
    for ip in ["10.3.0.1", "10.3.0.2"] {
        let r = report_from(&app, ip, post_report(a, "spam")).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    file(&app, post_report(a, "spam"), &m_t).await;
    let r = report_from(
        &app,
        "10.3.0.3",
        json!({"target_type": "post", "target_id": b.to_string(), "reason_code": "copyright",
               "notes": "my drawing"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);

    let first = mailbox
        .wait_for("mods@example.com", Duration::from_secs(20))
        .await;
    let second = mailbox
        .wait_for("mods@example.com", Duration::from_secs(20))
        .await;
    let mut subjects = vec![first.subject.clone(), second.subject.clone()];
    subjects.sort();
    let mut expected = vec![
        format!("[MPX report] post {a}: spam"),
        format!("[MPX report] post {b}: copyright"),
    ];
    expected.sort();
    assert_eq!(subjects, expected);
    let b_mail = if first.subject.contains("copyright") {
        &first
    } else {
        &second
    };
    assert!(b_mail.text.contains("my drawing"));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mailbox.count_for("mods@example.com"), 2);

    // Every moderator (owner included) got one `new_report` per target.
    assert_eq!(notifications(&pool, m.id, "new_report").await, 2);
    assert_eq!(notifications(&pool, owner.id, "new_report").await, 2);
    let (post_id, actor): (Option<i64>, Option<i32>) = sqlx::query_as(
        "select post_id, actor_id from social_notifications
         where user_id = $1 and notification_type = 'new_report' order by created_at limit 1",
    )
    .bind(owner.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(post_id, Some(a));
    assert_eq!(actor, None, "the reporter is not revealed");

    // Once the window has passed (the mute key expired), the next report alerts again.
    assert!(app
        .state
        .kv
        .exists(&alert_key("post", &a.to_string()))
        .await
        .unwrap());
    app.state
        .kv
        .del(&alert_key("post", &a.to_string()))
        .await
        .unwrap();
    let r = report_from(&app, "10.3.0.4", post_report(a, "hate")).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let third = mailbox
        .wait_for("mods@example.com", Duration::from_secs(20))
        .await;
    assert_eq!(third.subject, format!("[MPX report] post {a}: hate"));
    assert_eq!(notifications(&pool, m.id, "new_report").await, 3);
}

#[sqlx::test(migrations = "../../migrations")]
async fn moderators_list_filter_and_page_reports(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (author, author_t) = artist(&app, "painter", true).await;
    let (reporter, reporter_t) = app.user_with_token("watcher").await;
    let (_, m_t) = staff(&app, "modder", &["moderator"]).await;
    let id = upload_png(&app, &author_t, 1).await["id"].as_i64().unwrap();
    let r1 = file(&app, post_report(id, "spam"), &reporter_t).await;
    let user_report = json!({"target_type": "user", "target_id": author.public_sqid,
                             "reason_code": "other"});
    let r2 = file(&app, user_report, &reporter_t).await;
    let r = report_from(&app, "10.4.0.1", post_report(id, "hate")).await;
    let r3 = r.json()["id"].as_str().unwrap().to_string();
    let r = patch(&app, &r1, json!({"status": "triaged"}), &m_t).await;
    assert_eq!(r.status, StatusCode::OK);

    assert_moderators_only(&app, Method::GET, "/v1/report", None, &reporter_t).await;
    let list = |q: &'static str| {
        let app = &app;
        let m_t = m_t.clone();
        async move {
            let r = app.get(&format!("/v1/report{q}"), Some(&m_t)).await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {:?}", r.json());
            r.json()
        }
    };
    let ids_of = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    // Newest first.
    let all = list("").await;
    assert_eq!(ids_of(&all), vec![r3.clone(), r2.clone(), r1.clone()]);
    assert_eq!(all["next_cursor"], Value::Null);
    assert_eq!(all["items"][2]["reporter_handle"], reporter.handle);
    assert_eq!(all["items"][0]["reporter_handle"], Value::Null);
    assert_eq!(ids_of(&list("?status=triaged").await), vec![r1.clone()]);
    assert_eq!(
        ids_of(&list("?status=open").await),
        vec![r3.clone(), r2.clone()]
    );
    assert_eq!(ids_of(&list("?target_type=user").await), vec![r2.clone()]);
    let by_reporter = app
        .get(
            &format!("/v1/report?reporter_id={}", reporter.id),
            Some(&m_t),
        )
        .await;
    assert_eq!(ids_of(&by_reporter.json()), vec![r2.clone(), r1.clone()]);

    // Pages of two, then the rest.
    let first = list("?limit=2").await;
    assert_eq!(ids_of(&first), vec![r3.clone(), r2.clone()]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let next = app
        .get(
            &format!("/v1/report?limit=2&cursor={}", urlencode(cursor)),
            Some(&m_t),
        )
        .await
        .json();
    assert_eq!(ids_of(&next), vec![r1.clone()]);
    assert_eq!(next["next_cursor"], Value::Null);

    for bad in [
        "?status=closed",
        "?target_type=blog",
        "?limit=0",
        "?limit=201",
        "?reporter_id=x",
    ] {
        let r = app.get(&format!("/v1/report{bad}"), Some(&m_t)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(r.code(), "validation_error");
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn resolving_with_hide_hides_the_post_and_tells_the_reporter(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, author_t) = artist(&app, "painter", true).await;
    let (reporter, reporter_t) = app.user_with_token("watcher").await;
    let (m, m_t) = staff(&app, "modder", &["moderator"]).await;
    let post = upload_png(&app, &author_t, 1).await;
    let id = post["id"].as_i64().unwrap();
    let sqid = post["public_sqid"].as_str().unwrap().to_string();
    let body = json!({"target_type": "post", "target_id": id.to_string(),
                      "reason_code": "violence_gore", "notes": "gross"});
    let rid = file(&app, body, &reporter_t).await;
    assert!(ids(&app.get("/v1/post/recent", None).await.json()).contains(&id));

    let path = format!("/v1/report/{rid}");
    let resolve = json!({"status": "resolved", "action_taken": "hide", "notes": "too much"});
    assert_moderators_only(
        &app,
        Method::PATCH,
        &path,
        Some(resolve.clone()),
        &reporter_t,
    )
    .await;
    for missing in [uuid::Uuid::new_v4().to_string(), "not-a-uuid".to_string()] {
        let r = patch(&app, &missing, resolve.clone(), &m_t).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.code(), "not_found");
    }
    for bad in [
        json!({"status": "open"}),
        json!({"action_taken": "explode"}),
        json!({"notes": "x".repeat(2001)}),
    ] {
        let r = patch(&app, &rid, bad.clone(), &m_t).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(r.code(), "validation_error");
    }

    let r = patch(&app, &rid, resolve.clone(), &m_t).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let report = r.json();
    assert_eq!(report["status"], "resolved");
    assert_eq!(report["action_taken"], "hide");
    assert_eq!(report["mod_notes"], "too much");
    assert_eq!(
        report["notes"], "gross",
        "the reporter's text never changes"
    );

    // Gone for everyone but its author and moderators, and from the feeds.
    let p = format!("/v1/p/{sqid}");
    assert_eq!(app.get(&p, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&p, Some(&reporter_t)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&p, Some(&author_t)).await.status, StatusCode::OK);
    assert_eq!(app.get(&p, Some(&m_t)).await.status, StatusCode::OK);
    assert!(!ids(&app.get("/v1/post/recent", None).await.json()).contains(&id));
    let row = db::posts::find_by_id(&pool, id).await.unwrap().unwrap();
    assert!(row.hidden_by_mod);

    let hide = audit(&pool, "hide_post").await;
    assert_eq!(hide.len(), 1);
    assert_eq!(hide[0].actor_id, Some(m.id));
    assert_eq!(hide[0].target_type, "post");
    assert_eq!(hide[0].target_id, id.to_string());
    assert_eq!(hide[0].reason_code.as_deref(), Some("violence_gore"));
    assert_eq!(hide[0].note.as_deref(), Some("too much"));
    let resolved = audit(&pool, "resolve_report").await;
    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0].target_type, "report");
    assert_eq!(resolved[0].target_id, rid);
    assert_eq!(
        notifications(&pool, reporter.id, "report_resolved").await,
        1
    );
    assert_eq!(notifications(&pool, author.id, "report_resolved").await, 0);

    // Resolving again changes the notes only: no second notice or resolution entry.
    let r = patch(
        &app,
        &rid,
        json!({"status": "resolved", "notes": "still"}),
        &m_t,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["mod_notes"], "still");
    assert_eq!(r.json()["action_taken"], "hide");
    assert_eq!(
        notifications(&pool, reporter.id, "report_resolved").await,
        1
    );
    assert_eq!(audit(&pool, "resolve_report").await.len(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn take_down_and_its_delete_alias(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, author_t) = artist(&app, "painter", true).await;
    let (_, reporter_t) = app.user_with_token("watcher").await;
    let (_, m_t) = staff(&app, "modder", &["moderator"]).await;
    for (seed, action) in [(1u8, "take_down"), (2, "delete")] {
        let post = upload_png(&app, &author_t, seed).await;
        let id = post["id"].as_i64().unwrap();
        let p = format!("/v1/p/{}", post["public_sqid"].as_str().unwrap());
        let rid = file(&app, post_report(id, "illegal_csam"), &reporter_t).await;
        let r = patch(&app, &rid, json!({"action_taken": action}), &m_t).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
        assert_eq!(r.json()["action_taken"], "take_down");
        assert_eq!(
            r.json()["status"],
            "open",
            "an action alone leaves the status"
        );
        assert!(
            !db::posts::find_by_id(&pool, id)
                .await
                .unwrap()
                .unwrap()
                .visible
        );
        assert_eq!(app.get(&p, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(&p, Some(&reporter_t)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.get(&p, Some(&author_t)).await.status, StatusCode::OK);
    }
    let entries = audit(&pool, "take_down_post").await;
    assert_eq!(entries.len(), 2);
    assert!(entries
        .iter()
        .all(|e| e.reason_code.as_deref() == Some("illegal_csam")));
    // With no moderator note the entry names the report.
    assert!(entries[0]
        .note
        .as_deref()
        .unwrap()
        .starts_with("Action taken via report "));
}

#[sqlx::test(migrations = "../../migrations")]
async fn ban_by_report_bans_the_author_for_a_week(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, author_t) = artist(&app, "painter", true).await;
    let (_, reporter_t) = app.user_with_token("watcher").await;
    let (m, m_t) = staff(&app, "modder", &["moderator"]).await;
    let id = upload_png(&app, &author_t, 1).await["id"].as_i64().unwrap();
    let rid = file(&app, post_report(id, "spam"), &reporter_t).await;
    assert_eq!(
        app.get("/v1/auth/me", Some(&author_t)).await.status,
        StatusCode::OK
    );

    let r = patch(
        &app,
        &rid,
        json!({"status": "resolved", "action_taken": "ban"}),
        &m_t,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["action_taken"], "ban");
    // The token issued before the ban is refused on the very next request.
    let r = app.get("/v1/auth/me", Some(&author_t)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "unauthorized");
    assert_eq!(r.json()["error"]["message"], "Account banned");
    let until = user_row(&pool, author.id).await.banned_until.unwrap();
    let days = (until - chrono::Utc::now()).num_hours();
    assert!((167..=168).contains(&days), "{days} hours");
    let bans = audit(&pool, "ban_user").await;
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0].actor_id, Some(m.id));
    assert_eq!(bans[0].target_type, "user");
    assert_eq!(bans[0].target_id, author.public_sqid);
    assert_eq!(bans[0].reason_code.as_deref(), Some("spam"));

    // A report never shortens a longer ban.
    sqlx::query("update users set banned_until = '9999-12-31T23:59:59Z' where id = $1")
        .bind(author.id)
        .execute(&pool)
        .await
        .unwrap();
    let user_report = json!({"target_type": "user", "target_id": author.public_sqid,
                             "reason_code": "spam"});
    let rid = file(&app, user_report, &reporter_t).await;
    let r = patch(&app, &rid, json!({"action_taken": "ban"}), &m_t).await;
    assert_eq!(r.status, StatusCode::OK);
    let until = user_row(&pool, author.id).await.banned_until.unwrap();
    assert_eq!(until.to_rfc3339(), "9999-12-31T23:59:59+00:00");
}

#[sqlx::test(migrations = "../../migrations")]
async fn bans_by_report_spare_the_owner_and_other_moderators(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_, reporter_t) = app.user_with_token("watcher").await;
    let (_, m_t) = staff(&app, "modder", &["moderator"]).await;
    let (other_mod, other_t) = staff(&app, "modtwo", &["moderator"]).await;
    let (owner, owner_t) = staff(&app, "boss", &["moderator", "owner"]).await;
    let owner_post = upload_png(&app, &owner_t, 1).await["id"].as_i64().unwrap();
    let mod_post = upload_png(&app, &other_t, 2).await["id"].as_i64().unwrap();

    let rid = file(&app, post_report(owner_post, "spam"), &reporter_t).await;
    for token in [&m_t, &owner_t] {
        let r = patch(
            &app,
            &rid,
            json!({"status": "resolved", "action_taken": "ban"}),
            token,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.code(), "forbidden");
    }
    assert_eq!(user_row(&pool, owner.id).await.banned_until, None);
    // Nothing of the refused resolution was kept.
    let status: String = sqlx::query_scalar("select status from reports where id = $1::uuid")
        .bind(&rid)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "open");
    assert!(audit(&pool, "resolve_report").await.is_empty());

    let rid = file(&app, post_report(mod_post, "spam"), &reporter_t).await;
    let r = patch(&app, &rid, json!({"action_taken": "ban"}), &m_t).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = patch(&app, &rid, json!({"action_taken": "ban"}), &owner_t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(user_row(&pool, other_mod.id).await.banned_until.is_some());
}

#[sqlx::test(migrations = "../../migrations")]
async fn user_and_comment_targets(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (author, author_t) = artist(&app, "painter", true).await;
    let (_, reporter_t) = app.user_with_token("watcher").await;
    let (m, m_t) = staff(&app, "modder", &["moderator"]).await;
    let id = upload_png(&app, &author_t, 1).await["id"].as_i64().unwrap();

    // A user: hide works, take_down does not apply.
    let user_report = json!({"target_type": "user", "target_id": author.public_sqid,
                             "reason_code": "hate"});
    let rid = file(&app, user_report, &reporter_t).await;
    let r = patch(&app, &rid, json!({"action_taken": "take_down"}), &m_t).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "validation_error");
    let r = patch(&app, &rid, json!({"action_taken": "hide"}), &m_t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(user_row(&pool, author.id).await.hidden_by_mod);
    let canon = format!("/v1/u/{}", author.public_sqid);
    assert_eq!(app.get(&canon, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&canon, Some(&m_t)).await.status, StatusCode::OK);
    let hides = audit(&pool, "hide_user").await;
    assert_eq!(hides.len(), 1);
    assert_eq!(hides[0].target_id, author.public_sqid);
    assert_eq!(hides[0].actor_id, Some(m.id));

    // Comments: hide, take down (text kept for moderators), ban the author; a guest has none.
    let hidden = comment(&pool, id, Some(author.id), "mean").await;
    let removed = comment(&pool, id, Some(author.id), "meaner").await;
    let guest = comment(&pool, id, None, "anon spam").await;
    let report_comment = |c: uuid::Uuid| json!({"target_type": "comment", "target_id": c.to_string(), "reason_code": "harassment"});
    let rid = file(&app, report_comment(hidden), &reporter_t).await;
    let r = patch(&app, &rid, json!({"action_taken": "hide"}), &m_t).await;
    assert_eq!(r.status, StatusCode::OK);
    let rid = file(&app, report_comment(removed), &reporter_t).await;
    let r = patch(&app, &rid, json!({"action_taken": "take_down"}), &m_t).await;
    assert_eq!(r.status, StatusCode::OK);
    let rows: Vec<(uuid::Uuid, String, Option<String>, bool, bool)> = sqlx::query_as(
        "select id, body, original_body, hidden_by_mod, deleted_by_mod from comments
         where id = any($1)",
    )
    .bind(vec![hidden, removed])
    .fetch_all(&pool)
    .await
    .unwrap();
    for (cid, body, original, hidden_flag, deleted) in rows {
        if cid == hidden {
            assert!(hidden_flag && !deleted);
            assert_eq!(body, "mean");
        } else {
            assert!(deleted);
            assert_eq!(body, "[deleted by moderator]");
            assert_eq!(original.as_deref(), Some("meaner"));
        }
    }
    assert_eq!(
        audit(&pool, "hide_comment").await[0].target_id,
        hidden.to_string()
    );
    assert_eq!(
        audit(&pool, "take_down_comment").await[0].target_id,
        removed.to_string()
    );
    let count: i32 = sqlx::query_scalar("select comment_count from posts where id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "only the guest's comment still counts");

    let rid = file(&app, report_comment(guest), &reporter_t).await;
    let r = patch(&app, &rid, json!({"action_taken": "ban"}), &m_t).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fresh = comment(&pool, id, Some(author.id), "again").await;
    let rid = file(&app, report_comment(fresh), &reporter_t).await;
    let r = patch(&app, &rid, json!({"action_taken": "ban"}), &m_t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(user_row(&pool, author.id).await.banned_until.is_some());
    let r = app.get("/v1/auth/me", Some(&author_t)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // A report whose target has gone since: 404, nothing applied.
    let post2 = upload_png(&app, &reporter_t, 9).await["id"]
        .as_i64()
        .unwrap();
    let rid = file(&app, post_report(post2, "spam"), &m_t).await;
    sqlx::query("delete from posts where id = $1")
        .bind(post2)
        .execute(&pool)
        .await
        .unwrap();
    let r = patch(&app, &rid, json!({"action_taken": "hide"}), &m_t).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = patch(
        &app,
        &rid,
        json!({"status": "resolved", "action_taken": "none"}),
        &m_t,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["action_taken"], "none");
}
