//! §6.8–6.18 and the download of every artwork, as the p3a walks its channels.
use e2e::json;
use e2e::reqwest::StatusCode;
use test_support::player_sim::{PlayerSim, WalkEnd, WalkOptions};

use super::{fails, ok, World};

/// §6.8–6.18: channels, paging, fields, errors; then every artwork downloaded from the URL the
/// device recomputes (§4.2), exact `Content-Length`.
pub async fn walk_and_download(w: &World, sim: &PlayerSim) {
    let r = ok(sim, "query_posts", json!({"channel": "all", "limit": 5})).await;
    let posts = r["posts"].as_array().unwrap();
    assert!(!posts.is_empty() && posts.len() <= 5);
    assert!(r["has_more"].is_boolean());
    let ids: Vec<i64> = posts
        .iter()
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    for p in posts {
        assert!(uuid::Uuid::parse_str(p["storage_key"].as_str().unwrap()).is_ok());
        for f in ["kind", "created_at", "art_url", "storage_shard"] {
            assert!(p.get(f).is_some(), "{f} missing from {p}");
        }
        assert!(
            p.get("width").is_none() && p.get("owner_handle").is_none(),
            "{p}"
        );
    }

    let tag = json!({"hashtag": format!("  {} ", w.hashtag.to_uppercase())});
    let first = ok(
        sim,
        "query_posts",
        json!({"channel": "hashtag", "limit": 2, "hashtag": tag["hashtag"]}),
    )
    .await;
    assert_eq!(first["has_more"], true);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = ok(
        sim,
        "query_posts",
        json!({"channel": "hashtag", "limit": 2, "hashtag": w.hashtag, "cursor": cursor}),
    )
    .await;
    assert_eq!(second["has_more"], false);
    assert!(second.get("next_cursor").is_none(), "{second}");
    let paged: Vec<i64> = first["posts"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["posts"].as_array().unwrap())
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect();
    let mine: Vec<i64> = w.posts.iter().map(|p| p.0).collect();
    assert_eq!(paged, mine, "two pages, no overlap, newest first");

    fails(
        sim,
        "query_posts",
        json!({"channel": "all", "limit": 51}),
        "invalid_request",
    )
    .await;
    let r = ok(
        sim,
        "query_posts",
        json!({"channel": "hashtag", "hashtag": w.hashtag, "include_fields": ["width", "height", "bogus"]}),
    )
    .await;
    for p in r["posts"].as_array().unwrap() {
        assert_eq!(p["width"], 32, "{p}");
        assert_eq!(p["height"], 32, "{p}");
        assert!(p.get("bogus").is_none());
    }
    fails(
        sim,
        "query_posts",
        json!({"channel": "by_user"}),
        "missing_user_identifier",
    )
    .await;
    fails(
        sim,
        "query_posts",
        json!({"channel": "by_user", "user_sqid": "zzzzzzzzzz"}),
        "user_not_found",
    )
    .await;
    fails(
        sim,
        "query_posts",
        json!({"channel": "hashtag"}),
        "missing_hashtag",
    )
    .await;
    fails(
        sim,
        "query_posts",
        json!({"channel": "hashtag", "hashtag": "   "}),
        "invalid_hashtag",
    )
    .await;
    fails(sim, "get_post", json!({"post_id": i64::MAX}), "not_found").await;
    let r = ok(sim, "get_post", json!({"post_id": mine[0]})).await;
    assert_eq!(r["post"]["post_id"], mine[0]);

    // The artist's channel, walked as the p3a does; every file downloaded from the vault.
    let walk = sim
        .walk_channel(
            "by_user",
            json!({"user_sqid": w.artist.sqid}),
            &WalkOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(walk.end, WalkEnd::Complete);
    let walked: Vec<i64> = walk
        .posts
        .iter()
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect();
    assert_eq!(walked, mine);
    let all = sim
        .walk_channel("all", json!({}), &WalkOptions::default())
        .await
        .unwrap();
    assert_eq!(all.end, WalkEnd::Complete);
    for id in &mine {
        assert!(
            all.posts.iter().any(|p| p["post_id"] == *id),
            "post {id} not in `all`"
        );
    }
    let http = w.stack.client(e2e::fresh_client_ip(), false);
    for p in &walk.posts {
        let url = sim.download_url(p).unwrap();
        assert_eq!(
            url,
            p["art_url"].as_str().unwrap(),
            "the vault layout the p3a assumes"
        );
        let resp = http.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{url}");
        let len = resp.content_length().expect("Content-Length");
        let bytes = resp.bytes().await.unwrap();
        assert_eq!(bytes.len() as u64, len);
        assert!(bytes.len() >= 12 && bytes.starts_with(b"GIF8"), "{url}");
    }
}
