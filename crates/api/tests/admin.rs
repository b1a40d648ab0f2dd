//! `/v1/admin` (http-api.md §2.13, data-and-ops.md §5.5): the approval queue, bans (which bite
//! on the next request and end sessions), hiding accounts, upload trust, moderator roles (owner
//! only) and the audit log every action writes to in its own transaction.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod moderation_support;

use axum::body::Body;
use db::users::UserRow;
use http::{Method, Request, StatusCode};
use moderation_support::{
    assert_moderators_only, audit, call, notifications, staff, urlencode, user_row,
};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::art::{artist, ids, upload_png};
use test_support::{TestApp, TestResponse, PASSWORD};

fn user_path(u: &UserRow, what: &str) -> String {
    format!("/v1/admin/user/{}/{what}", u.user_key)
}

async fn refresh_with(app: &TestApp, token: &str) -> TestResponse {
    let req = Request::post("/v1/auth/refresh")
        .header("cookie", format!("refresh_token={token}"))
        .body(Body::empty())
        .unwrap();
    app.send(req).await
}

/// Signs in over HTTP and returns the refresh cookie's value.
async fn sign_in(app: &TestApp, email: &str) -> String {
    let r = app
        .post(
            "/v1/auth/login",
            json!({"email": email, "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let cookie = r.set_cookie("refresh_token").unwrap();
    cookie
        .trim_start_matches("refresh_token=")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_approval_queue_lists_waiting_posts_oldest_first(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, newbie_t) = artist(&app, "newbie", false).await;
    let (_, trusted_t) = artist(&app, "trusted", true).await;
    let (_, m_t) = staff(&app, "modder", &["moderator"]).await;
    let a = upload_png(&app, &newbie_t, 1).await["id"].as_i64().unwrap();
    let b = upload_png(&app, &newbie_t, 2).await["id"].as_i64().unwrap();
    let hidden = upload_png(&app, &newbie_t, 3).await["id"].as_i64().unwrap();
    let c = upload_png(&app, &newbie_t, 4).await["id"].as_i64().unwrap();
    let public = upload_png(&app, &trusted_t, 5).await["id"]
        .as_i64()
        .unwrap();
    let r = call(
        &app,
        Method::POST,
        &format!("/v1/post/{hidden}/hide"),
        None,
        Some(&newbie_t),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);

    let path = "/v1/admin/pending-approval";
    assert_moderators_only(&app, Method::GET, path, None, &newbie_t).await;
    let r = app.get(path, Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(ids(&r.json()), vec![a, b, c]);
    assert!(!ids(&r.json()).contains(&public));
    let first = &r.json()["items"][0];
    assert_eq!(first["public_visibility"], false);
    assert_eq!(first["owner"]["handle"], "newbie");
    assert!(first["public_sqid"].is_string());

    let r = app.get(&format!("{path}?limit=2"), Some(&m_t)).await;
    assert_eq!(ids(&r.json()), vec![a, b]);
    let cursor = r.json()["next_cursor"].as_str().unwrap().to_string();
    let r = app
        .get(
            &format!("{path}?limit=2&cursor={}", urlencode(&cursor)),
            Some(&m_t),
        )
        .await;
    assert_eq!(ids(&r.json()), vec![c]);
    assert_eq!(r.json()["next_cursor"], Value::Null);
    let r = app.get(&format!("{path}?limit=0"), Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "validation_error");

    // Approved posts leave the queue.
    let r = call(
        &app,
        Method::POST,
        &format!("/v1/post/{a}/approve-public"),
        None,
        Some(&m_t),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(ids(&app.get(path, Some(&m_t)).await.json()), vec![b, c]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_ban_bites_at_once_and_ends_sessions(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (member, member_t) = app.user_with_token("member").await;
    let (m, m_t) = staff(&app, "modder", &["moderator"]).await;
    let refresh = sign_in(&app, "member@example.com").await;
    let ban = user_path(&member, "ban");

    assert_moderators_only(&app, Method::POST, &ban, Some(json!({})), &member_t).await;
    assert_moderators_only(&app, Method::DELETE, &ban, None, &member_t).await;
    for missing in [
        format!("/v1/admin/user/{}/ban", uuid::Uuid::new_v4()),
        "/v1/admin/user/not-a-key/ban".to_string(),
    ] {
        let r = call(&app, Method::POST, &missing, None, Some(&m_t)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.code(), "not_found");
    }
    for bad in [
        json!({"duration_days": 0}),
        json!({"duration_days": 366}),
        json!({"duration_days": "soon"}),
        json!({"note": "x".repeat(2001)}),
    ] {
        let r = call(&app, Method::POST, &ban, Some(bad.clone()), Some(&m_t)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(r.code(), "validation_error");
    }
    assert_eq!(user_row(&pool, member.id).await.banned_until, None);

    let body = json!({"duration_days": 3, "reason_code": "spam", "note": "ads everywhere"});
    let r = call(&app, Method::POST, &ban, Some(body), Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    assert_eq!(r.json()["status"], "banned");
    let until = chrono::DateTime::parse_from_rfc3339(r.json()["until"].as_str().unwrap()).unwrap();
    let hours = (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
    assert!((71..=72).contains(&hours), "{hours}");

    // The access token issued before the ban is refused on the next request, and so is refresh.
    let r = app.get("/v1/auth/me", Some(&member_t)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["message"], "Account banned");
    assert_eq!(
        refresh_with(&app, &refresh).await.status,
        StatusCode::UNAUTHORIZED
    );
    let live: i64 = sqlx::query_scalar(
        "select count(*) from refresh_tokens where user_id = $1 and revoked_at is null",
    )
    .bind(member.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(live, 0, "every session of the banned account is revoked");
    let entries = audit(&pool, "ban_user").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor_id, Some(m.id));
    assert_eq!(entries[0].target_type, "user");
    assert_eq!(entries[0].target_id, member.public_sqid);
    assert_eq!(entries[0].reason_code.as_deref(), Some("spam"));
    assert_eq!(entries[0].note.as_deref(), Some("ads everywhere"));

    // No duration (and no body at all): permanent; `reason` stands in for a missing note.
    let r = call(&app, Method::POST, &ban, None, Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        r.json(),
        json!({"status": "banned", "until": "9999-12-31T23:59:59Z"})
    );
    let r = call(
        &app,
        Method::POST,
        &ban,
        Some(json!({"reason": "again"})),
        Some(&m_t),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        audit(&pool, "ban_user").await[2].note.as_deref(),
        Some("again")
    );

    // Unban: the same token works again; the revoked session stays revoked.
    let r = call(&app, Method::DELETE, &ban, None, Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(user_row(&pool, member.id).await.banned_until, None);
    assert_eq!(
        app.get("/v1/auth/me", Some(&member_t)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        refresh_with(&app, &refresh).await.status,
        StatusCode::UNAUTHORIZED
    );
    let entries = audit(&pool, "unban_user").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].target_id, member.public_sqid);
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_owner_cannot_be_banned_and_moderators_only_by_the_owner(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (m, m_t) = staff(&app, "modder", &["moderator"]).await;
    let (other, other_t) = staff(&app, "modtwo", &["moderator"]).await;
    let (owner, owner_t) = staff(&app, "boss", &["moderator", "owner"]).await;
    for (token, what, method) in [
        (&m_t, "ban", Method::POST),
        (&owner_t, "ban", Method::POST),
        (&m_t, "ban", Method::DELETE),
        (&m_t, "hide", Method::POST),
        (&owner_t, "hide", Method::POST),
        (&m_t, "auto-approval", Method::POST),
        (&m_t, "auto-approval", Method::DELETE),
    ] {
        let r = call(
            &app,
            method.clone(),
            &user_path(&owner, what),
            None,
            Some(token),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {what}");
        assert_eq!(r.code(), "forbidden");
    }
    let owner_row = user_row(&pool, owner.id).await;
    assert_eq!(owner_row.banned_until, None);
    assert!(!owner_row.hidden_by_mod);

    // One moderator cannot sanction another; the owner can.
    for what in ["ban", "hide"] {
        let r = call(
            &app,
            Method::POST,
            &user_path(&other, what),
            None,
            Some(&m_t),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}");
    }
    let r = call(
        &app,
        Method::POST,
        &user_path(&other, "ban"),
        None,
        Some(&owner_t),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app.get("/v1/admin/audit-log", Some(&other_t)).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the banned moderator is out"
    );
    assert!(audit(&pool, "ban_user")
        .await
        .iter()
        .all(|e| e.actor_id == Some(owner.id)));
    assert_eq!(user_row(&pool, m.id).await.banned_until, None);
}

#[sqlx::test(migrations = "../../migrations")]
async fn hiding_an_account(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (member, member_t) = app.user_with_token("member").await;
    let (m, m_t) = staff(&app, "modder", &["moderator"]).await;
    let hide = user_path(&member, "hide");
    let canon = format!("/v1/u/{}", member.public_sqid);
    assert_eq!(app.get(&canon, None).await.status, StatusCode::OK);

    assert_moderators_only(&app, Method::POST, &hide, None, &member_t).await;
    let r = call(&app, Method::POST, &hide, None, Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(user_row(&pool, member.id).await.hidden_by_mod);
    assert_eq!(app.get(&canon, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&canon, Some(&m_t)).await.status, StatusCode::OK);
    assert_eq!(
        app.get(&canon, Some(&member_t)).await.status,
        StatusCode::OK
    );

    assert_moderators_only(&app, Method::DELETE, &hide, None, &member_t).await;
    let r = call(&app, Method::DELETE, &hide, None, Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(!user_row(&pool, member.id).await.hidden_by_mod);
    assert_eq!(app.get(&canon, None).await.status, StatusCode::OK);
    let missing = format!("/v1/admin/user/{}/hide", uuid::Uuid::new_v4());
    let r = call(&app, Method::POST, &missing, None, Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let hides = audit(&pool, "hide_user").await;
    let unhides = audit(&pool, "unhide_user").await;
    assert_eq!((hides.len(), unhides.len()), (1, 1));
    assert_eq!(hides[0].actor_id, Some(m.id));
    assert_eq!(unhides[0].target_id, member.public_sqid);
}

#[sqlx::test(migrations = "../../migrations")]
async fn auto_approval_trusts_uploads_and_notifies_once(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (member, member_t) = app.user_with_token("member").await;
    let (m, m_t) = staff(&app, "modder", &["moderator"]).await;
    let path = user_path(&member, "auto-approval");
    assert_moderators_only(&app, Method::POST, &path, None, &member_t).await;

    for _ in 0..2 {
        let r = call(&app, Method::POST, &path, None, Some(&m_t)).await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(
            r.json(),
            json!({"user_id": member.id, "auto_public_approval": true})
        );
    }
    assert!(user_row(&pool, member.id).await.auto_public_approval);
    assert_eq!(notifications(&pool, member.id, "trust_granted").await, 1);
    let actor: Option<i32> = sqlx::query_scalar(
        "select actor_id from social_notifications where notification_type = 'trust_granted'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(actor, Some(m.id));
    let post = upload_png(&app, &member_t, 1).await;
    assert_eq!(
        post["public_visibility"], true,
        "trusted uploads skip the queue"
    );

    assert_moderators_only(&app, Method::DELETE, &path, None, &member_t).await;
    let r = call(&app, Method::DELETE, &path, None, Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({"user_id": member.id, "auto_public_approval": false})
    );
    assert!(!user_row(&pool, member.id).await.auto_public_approval);
    let post = upload_png(&app, &member_t, 2).await;
    assert_eq!(post["public_visibility"], false);
    assert_eq!(audit(&pool, "grant_auto_approval").await.len(), 2);
    let revokes = audit(&pool, "revoke_auto_approval").await;
    assert_eq!(revokes.len(), 1);
    assert_eq!(revokes[0].target_id, member.public_sqid);
}

#[sqlx::test(migrations = "../../migrations")]
async fn only_the_owner_grants_and_revokes_moderator(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (member, member_t) = app.user_with_token("member").await;
    let (_, m_t) = staff(&app, "modder", &["moderator"]).await;
    let (owner, owner_t) = staff(&app, "boss", &["moderator", "owner"]).await;
    let path = user_path(&member, "moderator");

    for method in [Method::POST, Method::DELETE] {
        let r = call(&app, method.clone(), &path, None, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        for token in [&member_t, &m_t] {
            let r = call(&app, method.clone(), &path, None, Some(token)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method}");
            assert_eq!(r.code(), "forbidden");
        }
    }
    assert_eq!(
        app.get("/v1/admin/audit-log", Some(&member_t)).await.status,
        StatusCode::FORBIDDEN
    );

    let r = call(&app, Method::POST, &path, None, Some(&owner_t)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json(), json!({"user_id": member.id, "role": "moderator"}));
    assert!(user_row(&pool, member.id)
        .await
        .roles
        .contains(&"moderator".to_string()));
    // The token minted before the grant passes at once: roles are read from the account.
    assert_eq!(
        app.get("/v1/admin/audit-log", Some(&member_t)).await.status,
        StatusCode::OK
    );
    let r = call(&app, Method::POST, &path, None, Some(&owner_t)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        notifications(&pool, member.id, "moderator_granted").await,
        1
    );

    let r = call(&app, Method::DELETE, &path, None, Some(&owner_t)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        user_row(&pool, member.id).await.roles,
        vec!["user".to_string()]
    );
    assert_eq!(
        app.get("/v1/admin/audit-log", Some(&member_t)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        notifications(&pool, member.id, "moderator_revoked").await,
        1
    );

    // The owner's own roles never change.
    for method in [Method::POST, Method::DELETE] {
        let r = call(
            &app,
            method.clone(),
            &user_path(&owner, "moderator"),
            None,
            Some(&owner_t),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method}");
    }
    assert!(user_row(&pool, owner.id)
        .await
        .roles
        .contains(&"owner".to_string()));
    let missing = format!("/v1/admin/user/{}/moderator", uuid::Uuid::new_v4());
    let r = call(&app, Method::POST, &missing, None, Some(&owner_t)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let promotes = audit(&pool, "promote_moderator").await;
    assert_eq!(promotes.len(), 2);
    assert!(promotes.iter().all(|e| e.actor_id == Some(owner.id)));
    assert_eq!(audit(&pool, "demote_moderator").await.len(), 1);
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_audit_log_filters_and_pages(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (member, member_t) = app.user_with_token("member").await;
    let (m, m_t) = staff(&app, "modder", &["moderator"]).await;
    let (owner, owner_t) = staff(&app, "boss", &["moderator", "owner"]).await;
    let (_, artist_t) = artist(&app, "painter", false).await;
    let post = upload_png(&app, &artist_t, 1).await["id"].as_i64().unwrap();
    for (token, method, path) in [
        (&m_t, Method::POST, user_path(&member, "hide")),
        (&m_t, Method::DELETE, user_path(&member, "hide")),
        (&owner_t, Method::POST, user_path(&member, "ban")),
        (
            &m_t,
            Method::POST,
            format!("/v1/post/{post}/approve-public"),
        ),
    ] {
        let r = call(&app, method, &path, None, Some(token)).await;
        assert!(r.status.is_success(), "{path}: {:?}", r.json());
    }

    let log = "/v1/admin/audit-log";
    assert_moderators_only(&app, Method::GET, log, None, &artist_t).await;
    let r = app.get(log, Some(&m_t)).await;
    assert_eq!(r.status, StatusCode::OK);
    let actions = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        actions(&r.json()),
        vec!["approve_public", "ban_user", "unhide_user", "hide_user"]
    );
    let entry = &r.json()["items"][1];
    assert_eq!(entry["actor_id"], owner.id);
    assert_eq!(entry["target_type"], "user");
    assert_eq!(entry["target_id"], member.public_sqid);
    for key in ["id", "created_at"] {
        assert!(entry[key].is_string(), "{key}");
    }
    assert!(entry.get("reason_code").is_some() && entry.get("note").is_some());

    let get = |q: String| {
        let (app, m_t) = (&app, m_t.clone());
        async move {
            let r = app.get(&format!("{log}{q}"), Some(&m_t)).await;
            assert_eq!(r.status, StatusCode::OK, "{q}");
            r.json()
        }
    };
    assert_eq!(
        actions(&get(format!("?actor_id={}", owner.id)).await),
        vec!["ban_user"]
    );
    assert_eq!(
        actions(&get(format!("?actor_id={}", m.id)).await),
        vec!["approve_public", "unhide_user", "hide_user"]
    );
    assert_eq!(
        actions(&get("?action=hide_user".into()).await),
        vec!["hide_user"]
    );
    assert_eq!(
        actions(&get("?target_type=post".into()).await),
        vec!["approve_public"]
    );

    let first = get("?limit=3".into()).await;
    assert_eq!(actions(&first).len(), 3);
    let cursor = urlencode(first["next_cursor"].as_str().unwrap());
    let rest = get(format!("?limit=3&cursor={cursor}")).await;
    assert_eq!(actions(&rest), vec!["hide_user"]);
    assert_eq!(rest["next_cursor"], Value::Null);
    // An undecodable cursor is ignored: the first page comes back.
    assert_eq!(
        actions(&get("?limit=3&cursor=zz".into()).await),
        actions(&first)
    );

    for bad in ["?actor_id=abc", "?limit=201"] {
        let r = app.get(&format!("{log}{bad}"), Some(&m_t)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let _ = member_t;
}

#[sqlx::test(migrations = "../../migrations")]
async fn every_report_and_admin_route_is_documented(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = app.get("/v1/openapi.json", None).await.json();
    for (path, method) in [
        ("/v1/report", "post"),
        ("/v1/report", "get"),
        ("/v1/report/{id}", "patch"),
        ("/v1/admin/pending-approval", "get"),
        ("/v1/admin/user/{user_key}/ban", "post"),
        ("/v1/admin/user/{user_key}/ban", "delete"),
        ("/v1/admin/user/{user_key}/hide", "post"),
        ("/v1/admin/user/{user_key}/hide", "delete"),
        ("/v1/admin/user/{user_key}/auto-approval", "post"),
        ("/v1/admin/user/{user_key}/auto-approval", "delete"),
        ("/v1/admin/user/{user_key}/moderator", "post"),
        ("/v1/admin/user/{user_key}/moderator", "delete"),
        ("/v1/admin/audit-log", "get"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path}"
        );
    }
    let schemas = &doc["components"]["schemas"];
    for name in [
        "Report",
        "ReportPage",
        "BanResponse",
        "AutoApproval",
        "AuditPage",
    ] {
        assert!(schemas[name].is_object(), "schema {name} missing");
    }
}
