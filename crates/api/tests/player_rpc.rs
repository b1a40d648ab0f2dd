//! The device plane over HTTPS beyond the lifecycle (http-api.md §2.9–2.10): `/player/rpc`
//! (token check, protocol envelopes and their statuses, limits), `/player/events/view`, and
//! the anonymous helpers `/player/verify-*` and `/player/p/{sqid}`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod player_support;

use http::StatusCode;
use player_support::{detail, device_post, device_token, registered_player};
use serde_json::{json, Value};
use sqlx::PgPool;
use test_support::art::{artist, png, upload, upload_png};
use test_support::{TestApp, TestResponse};

const IP: &str = "198.51.100.10";

async fn rpc(app: &TestApp, token: Option<&str>, body: Value) -> TestResponse {
    device_post(app, "/player/rpc", &body.to_string(), token, IP).await
}

/// A registered player of a fresh user, with its device token.
async fn device(
    app: &TestApp,
    handle: &str,
) -> (db::users::UserRow, db::players::PlayerRow, String) {
    let (owner, _) = app.user_with_token(handle).await;
    let player = registered_player(app, &owner, "frame").await;
    let token = device_token(app, player.id).await;
    (owner, player, token)
}

#[sqlx::test(migrations = "../../migrations")]
async fn rpc_needs_a_valid_token(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (owner, _player, token) = device(&app, "rpcauth").await;
    let echo = json!({"request_type": "echo", "request_id": "r1", "echo_data": "hi"});

    let r = rpc(&app, None, echo.clone()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(detail(&r).is_string(), "{:?}", r.json());
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    let r = rpc(&app, Some("mpx_live_not-a-real-token"), echo.clone()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = rpc(&app, Some(&token), echo.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());

    // A banned owner's player is not let in, token or not.
    let until = chrono::Utc::now() + chrono::Duration::days(1);
    sqlx::query("update users set banned_until = $2 where id = $1")
        .bind(owner.id)
        .bind(until)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = rpc(&app, Some(&token), echo.clone()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(detail(&r).is_string());

    // 60 failures an hour per address, then 429 even with a good token.
    let (_, _, good) = device(&app, "rpcauth2").await;
    for _ in 0..60 {
        let r = device_post(
            &app,
            "/player/rpc",
            "{}",
            Some("mpx_live_bad"),
            "203.0.113.99",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = device_post(
        &app,
        "/player/rpc",
        "{}",
        Some("mpx_live_bad"),
        "203.0.113.99",
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
    assert!(detail(&r).is_string(), "{:?}", r.json());
    let body = echo.to_string();
    let r = device_post(&app, "/player/rpc", &body, Some(&good), "203.0.113.99").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = device_post(&app, "/player/rpc", &body, Some(&good), "203.0.113.100").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../../migrations")]
async fn rpc_answers_in_the_protocol_envelope(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, player, token) = device(&app, "rpcenv").await;
    let t = Some(token.as_str());

    let r = rpc(
        &app,
        t,
        json!({"request_type": "echo", "request_id": "r1", "echo_data": "hi"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["request_id"], "r1");
    assert_eq!(r.json()["success"], true);
    assert_eq!(r.json()["echo_data"], "hi");
    assert!(r.json()["received_at"].is_string());
    // request_id is optional over HTTPS and echoed as null; any string is fine.
    let r = rpc(&app, t, json!({"request_type": "echo", "echo_data": "x"})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["request_id"], Value::Null);
    let r = rpc(
        &app,
        t,
        json!({"request_type": "echo", "request_id": "a/b#c", "echo_data": "x",
                                "player_key": player.player_key.to_string()}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["request_id"], "a/b#c");

    let expect = |r: &TestResponse, status: StatusCode, code: &str| {
        assert_eq!(r.status, status, "{:?}", r.json());
        let v = r.json();
        assert_eq!(v["success"], false, "{v}");
        assert_eq!(v["error_code"], code, "{v}");
        assert!(v["error"].is_string(), "{v}");
        assert!(v.get("detail").is_none(), "{v}");
    };
    let r = player_support::device_post(&app, "/player/rpc", "not json", t, IP).await;
    expect(&r, StatusCode::BAD_REQUEST, "invalid_json");
    assert_eq!(r.json()["request_id"], Value::Null);
    let r = rpc(&app, t, json!({"request_id": "r2"})).await;
    expect(&r, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(r.json()["request_id"], "r2");
    let r = rpc(
        &app,
        t,
        json!({"request_type": "frobnicate", "request_id": "r3"}),
    )
    .await;
    expect(&r, StatusCode::BAD_REQUEST, "unknown_request_type");
    assert_eq!(r.json()["error"], "Unknown request type: frobnicate");
    let r = rpc(
        &app,
        t,
        json!({"request_type": "submit_view", "request_id": "r3"}),
    )
    .await;
    expect(&r, StatusCode::BAD_REQUEST, "unknown_request_type");
    let other = uuid::Uuid::new_v4().to_string();
    let r = rpc(
        &app,
        t,
        json!({"request_type": "echo", "request_id": "r4", "echo_data": "x",
                                "player_key": other}),
    )
    .await;
    expect(&r, StatusCode::FORBIDDEN, "player_key_mismatch");
    let r = rpc(
        &app,
        t,
        json!({"request_type": "query_posts", "request_id": "r5", "limit": 51}),
    )
    .await;
    expect(&r, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(r.json()["request_id"], "r5");
    let r = rpc(
        &app,
        t,
        json!({"request_type": "get_post", "request_id": "r6", "post_id": 987_654}),
    )
    .await;
    expect(&r, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(r.json()["request_id"], "r6");
    let r = rpc(
        &app,
        t,
        json!({"request_type": "get_playset", "request_id": "r7", "playset_name": "nope"}),
    )
    .await;
    expect(&r, StatusCode::NOT_FOUND, "playset_not_found");
    assert_eq!(r.json()["channels"], json!([]));
    let r = rpc(
        &app,
        t,
        json!({"request_type": "query_posts", "request_id": "r8", "channel": "by_user"}),
    )
    .await;
    expect(&r, StatusCode::BAD_REQUEST, "missing_user_identifier");
}

#[sqlx::test(migrations = "../../migrations")]
async fn rpc_serves_the_shared_request_service(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, artist_token) = artist(&app, "rpcartist", true).await;
    let post = upload_png(&app, &artist_token, 9).await;
    let post_id = post["id"].as_i64().unwrap();
    let (_, _, token) = device(&app, "rpcfan").await;
    let t = Some(token.as_str());

    let r = rpc(
        &app,
        t,
        json!({"request_type": "query_posts", "request_id": "q", "limit": 5}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let posts = r.json()["posts"].as_array().unwrap().clone();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["post_id"], post_id);
    let r = rpc(
        &app,
        t,
        json!({"request_type": "get_post", "request_id": "g", "post_id": post_id}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["post"]["post_id"], post_id);

    for emoji in ["a", "b", "c", "d", "e"] {
        let r = rpc(
            &app,
            t,
            json!({"request_type": "submit_reaction", "request_id": "s",
                                    "post_id": post_id, "emoji": emoji}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
        assert_eq!(r.json()["error"], Value::Null);
    }
    let r = rpc(
        &app,
        t,
        json!({"request_type": "submit_reaction", "request_id": "s6",
                                "post_id": post_id, "emoji": "f"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.json());
    assert_eq!(r.json()["error_code"], "reaction_limit_exceeded");
}

#[sqlx::test(migrations = "../../migrations")]
async fn rpc_limits_reads_and_reactions_per_player(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, player, token) = device(&app, "rpclimit").await;
    let t = Some(token.as_str());
    for _ in 0..60 {
        app.state
            .kv
            .hit(api::limits::PLAYER_RPC_READ, &player.id.to_string())
            .await
            .unwrap();
    }
    let r = rpc(
        &app,
        t,
        json!({"request_type": "get_playset", "request_id": "x",
                                "playset_name": "followed_artists"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["error_code"], "rate_limited");
    assert_eq!(r.json()["request_id"], "x");
    assert!(r.header("retry-after").is_some());
    assert_eq!(r.header("ratelimit-limit"), Some("60"));
    // Reactions have their own bucket, echo none here.
    let r = rpc(
        &app,
        t,
        json!({"request_type": "revoke_reaction", "request_id": "y",
                                "post_id": 1, "emoji": "a"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.header("ratelimit-limit"), Some("30"));
    let r = rpc(
        &app,
        t,
        json!({"request_type": "echo", "request_id": "z", "echo_data": "e"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

fn view(post_id: i64, ts: &str) -> String {
    json!({"post_id": post_id, "timestamp": ts, "timezone": "", "intent": "channel",
           "play_order": 1, "channel": "all", "player_key": "ignored"})
    .to_string()
}

#[sqlx::test(migrations = "../../migrations")]
async fn views_over_https(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, artist_token) = artist(&app, "viewartist", true).await;
    let post_id = upload_png(&app, &artist_token, 4).await["id"]
        .as_i64()
        .unwrap();
    let (_, player, token) = device(&app, "viewer").await;
    let t = Some(token.as_str());
    let path = "/player/events/view";

    let r = device_post(&app, path, &view(post_id, "2026-11-28T12:00:00Z"), None, IP).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = device_post(&app, path, &view(post_id, "2026-11-28T12:00:00Z"), t, IP).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.json());
    assert_eq!(r.json(), json!({"success": true}));
    let (n,): (i64,) =
        sqlx::query_as("select count(*) from view_events where post_id = $1 and player_id = $2")
            .bind(post_id)
            .bind(player.id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(n, 1);
    let r = device_post(&app, path, &view(post_id, "2026-11-28T12:00:00Z"), t, IP).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["deduplicated"], true);
    let r = device_post(&app, path, &view(post_id, "2026-11-28T12:00:01Z"), t, IP).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
    assert!(
        detail(&r).as_str().unwrap().starts_with("Rate limited"),
        "{:?}",
        r.json()
    );
    let r = device_post(&app, path, r#"{"post_id": "x"}"#, t, IP).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(detail(&r).is_string());

    // Unknown post (a fresh player: the 5 s limit comes first).
    let (_, _, token2) = device(&app, "viewer2").await;
    let r = device_post(
        &app,
        path,
        &view(987_654, "2026-11-28T12:00:00Z"),
        Some(&token2),
        IP,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(detail(&r), "Post not found");
}

fn any_origin(r: &TestResponse) {
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("*"),
        "{:?}",
        r.headers
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn verify_helpers_describe_channels(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (painter, token) = artist(&app, "painter", true).await;
    for seed in 0..3u8 {
        let r = upload(
            &app,
            &token,
            "a.png",
            &png(32, 32, seed + 20),
            &[("hashtags", "pixelart")],
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    }
    let latest = upload(
        &app,
        &token,
        "b.png",
        &png(16, 8, 40),
        &[("hashtags", "pixelart,cats")],
    )
    .await
    .json()["post"]
        .clone();

    let r = app
        .get(
            &format!("/player/verify-user/{}", painter.public_sqid),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    any_origin(&r);
    assert_eq!(r.json()["handle"], "painter");
    assert_eq!(r.json()["artwork_count"], 4);
    assert!(r.json().get("reputation").is_some());
    let r = app.get("/player/verify-user/zzzzzzzz", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    any_origin(&r);
    assert_eq!(detail(&r), "User not found");
    let unverified = app.create_user("u@example.com", "unverified", false).await;
    let r = app
        .get(
            &format!("/player/verify-user/{}", unverified.public_sqid),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = app.get("/player/verify-hashtag/%20PixelArt%20", None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    any_origin(&r);
    let v = r.json();
    assert_eq!(v["tag"], "pixelart");
    assert_eq!(v["artwork_count"], 4);
    assert_eq!(v["artwork_count_capped"], false);
    assert_eq!(v["latest_artwork_sqid"], latest["public_sqid"]);
    assert_eq!(
        (
            v["latest_artwork_width"].as_i64(),
            v["latest_artwork_height"].as_i64()
        ),
        (Some(16), Some(8))
    );
    let url = v["latest_artwork_url"].as_str().unwrap();
    let key = latest["storage_key"].as_str().unwrap();
    assert!(url.ends_with(&format!("/{key}.png")), "{url}");
    let r = app.get("/player/verify-hashtag/nothing-here", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(detail(&r), "Hashtag not found");

    let (fan, _) = app.user_with_token("fan").await;
    let r = app
        .get(
            &format!("/player/verify-reactions/{}", fan.public_sqid),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["artwork_count"], 0);
    assert_eq!(r.json()["latest_artwork_url"], Value::Null);
    let (fan2, fan2_token) = app.user_with_token("fan2").await;
    let first_id = upload_png(&app, &token, 50).await["id"].as_i64().unwrap();
    for (id, emoji) in [(first_id, "a"), (latest["id"].as_i64().unwrap(), "b")] {
        let path = format!("/v1/post/{id}/reactions/{emoji}");
        let r = app
            .call(http::Method::PUT, &path, None, Some(&fan2_token))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.json());
    }
    let r = app
        .get(
            &format!("/player/verify-reactions/{}", fan2.public_sqid),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    any_origin(&r);
    assert_eq!(r.json()["handle"], "fan2");
    assert_eq!(r.json()["artwork_count"], 2);
    assert_eq!(r.json()["latest_artwork_sqid"], latest["public_sqid"]);
}

#[sqlx::test(migrations = "../../migrations")]
async fn player_permalink_and_the_shared_helper_limit(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (_, token) = artist(&app, "permalink", true).await;
    let post = upload_png(&app, &token, 7).await;
    let sqid = post["public_sqid"].as_str().unwrap();

    let r = app.get(&format!("/player/p/{sqid}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    any_origin(&r);
    assert_eq!(r.json()["id"], post["id"]);
    assert_eq!(r.json()["storage_key"], post["storage_key"]);
    assert_eq!(r.header("ratelimit-limit"), Some("30"));
    // Whatever origin a web player runs on, one ACAO value comes back.
    for origin in ["http://frame.local", "http://127.0.0.1:8080"] {
        let req = test_support::json_request(
            http::Method::GET,
            &format!("/player/p/{sqid}"),
            None,
            None,
            &[("origin", origin)],
        );
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::OK);
        let acao: Vec<_> = r
            .headers
            .get_all("access-control-allow-origin")
            .iter()
            .collect();
        assert_eq!(acao.len(), 1, "{origin}: {acao:?}");
    }

    sqlx::query("update posts set hidden_by_user = true where id = $1")
        .bind(post["id"].as_i64().unwrap())
        .execute(&app.state.db)
        .await
        .unwrap();
    api::cache::post_changed(&app.state, post["id"].as_i64().unwrap()).await;
    let r = app.get(&format!("/player/p/{sqid}"), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    any_origin(&r);
    assert_eq!(detail(&r), "Post not found");
    let r = app.get("/player/p/thissqidiswaytoolong", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // 30 a minute per address across all helpers (5 used above).
    for n in 0..25 {
        let r = app.get("/player/verify-hashtag/none", None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "request {n}");
    }
    let r = app.get(&format!("/player/p/{sqid}"), None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    any_origin(&r);
    assert!(r.header("retry-after").is_some());
}
