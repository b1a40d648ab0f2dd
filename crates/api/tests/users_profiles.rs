//! Profile reads and their 404 rules, the profile page, profile edits, and the OpenAPI entries.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod users_support;

use db::users::UserRow;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::{TestApp, TestResponse};
use users_support::{assert_404, ban, deactivate, hide, set_flag, user_with_roles};

async fn patch(app: &TestApp, u: &UserRow, body: Value, token: &str) -> TestResponse {
    let path = format!("/v1/user/{}", u.user_key);
    app.call(Method::PATCH, &path, Some(body), Some(token))
        .await
}

#[sqlx::test(migrations = "../../migrations")]
async fn reads_follow_the_visibility_rules(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (_mod, mod_t) = user_with_roles(&app, "mod", &["moderator"]).await;
    let user = |u: &UserRow| format!("/v1/user/u/{}", u.public_sqid);
    let canon = |u: &UserRow| format!("/v1/u/{}", u.public_sqid);

    // A visible user: public shape to strangers, full to moderators, full to self on /u only.
    let r = app.get(&user(&alice), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["handle"], "alice");
    assert!(r.json().get("email").is_none());
    assert_eq!(app.get(&canon(&alice), None).await.status, StatusCode::OK);
    assert_eq!(
        app.get(&user(&alice), Some(&mod_t)).await.json()["email"],
        "alice@example.com"
    );
    assert!(app
        .get(&user(&alice), Some(&alice_t))
        .await
        .json()
        .get("email")
        .is_none());
    assert_eq!(
        app.get(&canon(&alice), Some(&alice_t)).await.json()["email"],
        "alice@example.com"
    );

    // Bad sqids: garbage, non-canonical, above 2^31-1, unknown id.
    let big = app.state.sqids.encode(i64::from(i32::MAX) + 1);
    let unknown = app.state.sqids.encode(99_999);
    let doubled = format!("{0}{0}", alice.public_sqid);
    for sqid in ["!!", big.as_str(), unknown.as_str(), doubled.as_str()] {
        assert_404(&app.get(&format!("/v1/user/u/{sqid}"), None).await);
        assert_404(&app.get(&format!("/v1/u/{sqid}"), None).await);
    }

    // Unverified and user-hidden: 404 to others, visible to self and moderators.
    let unverified = app
        .create_user("unv@example.com", "unverified", false)
        .await;
    let unverified_t = app.token_for(&unverified);
    let (hidden, hidden_t) = app.user_with_token("hidden").await;
    hide(&app, &hidden).await;
    for (u, t) in [(&unverified, &unverified_t), (&hidden, &hidden_t)] {
        for path in [user(u), canon(u)] {
            assert_404(&app.get(&path, None).await);
            assert_404(&app.get(&path, Some(&alice_t)).await);
            assert_eq!(app.get(&path, Some(t)).await.status, StatusCode::OK);
            assert_eq!(app.get(&path, Some(&mod_t)).await.status, StatusCode::OK);
        }
    }

    // Mod-hidden, non-conformant, deactivated, banned: only /u hides them (except from mods).
    let (modhidden, _) = app.user_with_token("modhidden").await;
    set_flag(&app, &modhidden, "hidden_by_mod").await;
    let (nonconf, _) = app.user_with_token("nonconf").await;
    set_flag(&app, &nonconf, "non_conformant").await;
    let (gone, _) = app.user_with_token("gone").await;
    deactivate(&app, &gone).await;
    let (banned, banned_t) = app.user_with_token("banned").await;
    ban(&app, &banned).await;
    for u in [&modhidden, &nonconf, &gone, &banned] {
        assert_eq!(
            app.get(&user(u), Some(&alice_t)).await.status,
            StatusCode::OK
        );
        assert_404(&app.get(&canon(u), None).await);
        assert_404(&app.get(&canon(u), Some(&alice_t)).await);
        assert_eq!(
            app.get(&canon(u), Some(&mod_t)).await.status,
            StatusCode::OK
        );
    }
    // A banned token reads as anonymous.
    assert_404(&app.get(&canon(&banned), Some(&banned_t)).await);
    let (modhidden_t, nonconf_t) = (app.token_for(&modhidden), app.token_for(&nonconf));
    assert_eq!(
        app.get(&canon(&modhidden), Some(&modhidden_t)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&canon(&nonconf), Some(&nonconf_t)).await.status,
        StatusCode::OK
    );

    // The owner is visible only to itself, even to moderators.
    let (owner, owner_t) = user_with_roles(&app, "siteowner", &["moderator", "owner"]).await;
    for path in [user(&owner), canon(&owner)] {
        assert_404(&app.get(&path, None).await);
        assert_404(&app.get(&path, Some(&mod_t)).await);
        assert_eq!(app.get(&path, Some(&owner_t)).await.status, StatusCode::OK);
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn profile_carries_stats_and_relations(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let (_bob, bob_t) = app.user_with_token("bob").await;
    let path = format!("/v1/user/u/{}/profile", alice.public_sqid);
    let follow = format!("/v1/user/u/{}/follow", alice.public_sqid);
    assert_eq!(
        app.post(&follow, json!({}), Some(&bob_t)).await.status,
        StatusCode::OK
    );

    let r = app.get(&path, Some(&bob_t)).await;
    assert_eq!(r.status, StatusCode::OK);
    let p = r.json();
    assert_eq!(p["handle"], "alice");
    assert_eq!(
        p["stats"],
        json!({"total_posts": 0, "total_reactions_received": 0, "total_views": 0, "follower_count": 1})
    );
    assert_eq!(
        (p["is_following"].clone(), p["is_own_profile"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(p["is_blocked_by_viewer"], false);
    assert_eq!(
        (p["tag_badges"].clone(), p["highlights"].clone()),
        (json!([]), json!([]))
    );
    assert!(p.get("email").is_none());

    let own = app.get(&path, Some(&alice_t)).await.json();
    assert_eq!(
        (own["is_own_profile"].clone(), own["is_following"].clone()),
        (json!(true), json!(false))
    );
    let anon = app.get(&path, None).await.json();
    assert_eq!(anon["is_following"], false);

    let block = format!("/v1/user/u/{}/block", alice.public_sqid);
    assert_eq!(
        app.post(&block, json!({}), Some(&bob_t)).await.status,
        StatusCode::NO_CONTENT
    );
    let p = app.get(&path, Some(&bob_t)).await.json();
    assert_eq!(p["is_blocked_by_viewer"], true);
    assert_eq!(p["stats"]["follower_count"], 0);

    let unverified = app.create_user("u@example.com", "unverified", false).await;
    assert_404(
        &app.get(
            &format!("/v1/user/u/{}/profile", unverified.public_sqid),
            Some(&bob_t),
        )
        .await,
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn patch_edits_the_profile(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (alice, alice_t) = app.user_with_token("alice").await;
    let body = json!({"handle": "Alice_2", "bio": "pixels", "tagline": "hi", "website": "https://a.example",
                      "hidden_by_user": true, "approved_hashtags": ["#NSFW", "politics", "nsfw"]});
    let r = patch(&app, &alice, body, &alice_t).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let u = r.json();
    assert_eq!(
        (u["handle"].clone(), u["bio"].clone()),
        (json!("Alice_2"), json!("pixels"))
    );
    assert_eq!(
        (u["tagline"].clone(), u["website"].clone()),
        (json!("hi"), json!("https://a.example"))
    );
    assert_eq!(u["hidden_by_user"], true);
    assert_eq!(u["approved_hashtags"], json!(["nsfw", "politics"]));
    assert_eq!(u["email"], "alice@example.com");

    // null clears, absent keeps.
    let u = patch(&app, &alice, json!({"bio": null}), &alice_t)
        .await
        .json();
    assert_eq!(
        (u["bio"].clone(), u["tagline"].clone()),
        (Value::Null, json!("hi"))
    );

    // Over-long text is 422 and nothing of the request is written.
    let long = "x".repeat(1001);
    let r = patch(
        &app,
        &alice,
        json!({"bio": long, "tagline": "changed", "handle": "other"}),
        &alice_t,
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_error".into())
    );
    let now = db::users::find_by_id(&app.state.db, alice.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (now.handle.as_str(), now.tagline.as_deref(), now.bio),
        ("Alice_2", Some("hi"), None)
    );
    for body in [
        json!({"tagline": "t".repeat(49)}),
        json!({"website": "w".repeat(501)}),
        json!({"colour": "red"}),
        json!({"website": "javascript:alert(1)"}),
    ] {
        let r = patch(&app, &alice, body, &alice_t).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_error".into())
        );
    }
    let ok = patch(&app, &alice, json!({"bio": "é".repeat(1000)}), &alice_t).await;
    assert_eq!(ok.status, StatusCode::OK);

    let r = patch(
        &app,
        &alice,
        json!({"approved_hashtags": ["cats"]}),
        &alice_t,
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let r = patch(&app, &alice, json!({"handle": "-bad"}), &alice_t).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Taken handles (ignoring case) are 409.
    let (bob, bob_t) = app.user_with_token("bob").await;
    let r = patch(
        &app,
        &bob,
        json!({"handle": "ALICE_2", "bio": "mine"}),
        &bob_t,
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "conflict".into())
    );
    assert_eq!(r.json()["error"]["message"], "This handle is already taken");
    assert!(db::users::find_by_id(&app.state.db, bob.id)
        .await
        .unwrap()
        .unwrap()
        .bio
        .is_none());

    // Permissions: strangers 403; moderators edit regular users but not moderators or the owner.
    let r = patch(&app, &alice, json!({"bio": "hacked"}), &bob_t).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    let (_m1, m1_t) = user_with_roles(&app, "mod1", &["moderator"]).await;
    let (m2, _) = user_with_roles(&app, "mod2", &["moderator"]).await;
    let (owner, owner_t) = user_with_roles(&app, "siteowner", &["moderator", "owner"]).await;
    assert_eq!(
        patch(&app, &bob, json!({"tagline": "by mod"}), &m1_t)
            .await
            .json()["tagline"],
        "by mod"
    );
    assert_eq!(
        patch(&app, &m2, json!({"bio": "x"}), &m1_t).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        patch(&app, &owner, json!({"bio": "x"}), &m1_t).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        patch(&app, &m2, json!({"bio": "x"}), &owner_t).await.status,
        StatusCode::OK
    );
    let r = patch(&app, &owner, json!({"handle": "newowner"}), &owner_t).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = app
        .call(
            Method::PATCH,
            &format!("/v1/user/{}", uuid::Uuid::new_v4()),
            Some(json!({})),
            Some(&bob_t),
        )
        .await;
    assert_404(&r);
    let r = app
        .call(
            Method::PATCH,
            "/v1/user/not-a-uuid",
            Some(json!({})),
            Some(&bob_t),
        )
        .await;
    assert_404(&r);
    let r = app
        .call(
            Method::PATCH,
            &format!("/v1/user/{}", bob.user_key),
            Some(json!({})),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "../../migrations")]
async fn every_user_route_is_documented(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = app.get("/v1/openapi.json", None).await.json();
    let paths = &doc["paths"];
    for (path, method) in [
        ("/v1/u/{sqid}", "get"),
        ("/v1/user/u/{sqid}", "get"),
        ("/v1/user/u/{sqid}/profile", "get"),
        ("/v1/user/{user_key}", "patch"),
        ("/v1/user/{user_key}/avatar", "post"),
        ("/v1/user/{user_key}/avatar", "delete"),
        ("/v1/user/browse", "get"),
        ("/v1/user/u/{sqid}/follow", "post"),
        ("/v1/user/u/{sqid}/follow", "delete"),
        ("/v1/user/u/{sqid}/followers", "get"),
        ("/v1/user/u/{sqid}/following", "get"),
        ("/v1/user/u/{sqid}/block", "post"),
        ("/v1/user/u/{sqid}/block", "delete"),
        ("/v1/me/blocks", "get"),
        ("/v1/user/delete-account", "post"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} missing");
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path}"
        );
    }
}
