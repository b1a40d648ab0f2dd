//! End-to-end: checks 12, 13, 14, 17 and 21 of player-protocol.md §6 through the local stack. A
//! simulated p3a asks over mTLS MQTT while the posts and comments it sees are made through the
//! api (uploads, approvals, hides, deletions, promotion, comments) and the worker (renditions).
//! Every query is scoped to fresh members and fresh hashtags, so other tests' posts cannot
//! interfere. Needs `scripts/stack up`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The journey helpers of tests/players.rs come along; only some of them are used here.
#[allow(dead_code)]
mod players_support;

use std::time::{Duration, Instant};

use e2e::players::{fresh_hashtag, Member};
use e2e::reqwest::{Method, StatusCode};
use e2e::{json, Value};
use players_support::fixtures::{call_ok, connect, gif, ids, ids_down_to, upload, vault_file};
use players_support::{fails, ok, world};

/// New members may upload 4 artworks an hour, so each check signs up the uploaders it needs.
#[tokio::test]
async fn criteria_select_by_size_and_by_file_variant() {
    let w = world().await;
    let sim = connect(&w).await;
    let (sizes, formats, site) = tokio::join!(
        Member::sign_up(&w.stack),
        Member::sign_up(&w.stack),
        Member::site_owner(&w.stack)
    );

    // §6.12: two 64×64 posts among others of the same hashtag.
    let tag = fresh_hashtag();
    let mut squares = Vec::new();
    for (wd, ht) in [(64, 64), (64, 32), (64, 64), (32, 32)] {
        let p = upload(&sizes, &w.stack, "art.gif", &gif(wd, ht, 2), &tag).await;
        let id = p["id"].as_i64().unwrap();
        site.approve(&w.stack, id).await;
        if (wd, ht) == (64, 64) {
            squares.push(id);
        }
    }
    squares.reverse();
    assert_eq!(
        ids(&sim, json!({"channel": "hashtag", "hashtag": tag}))
            .await
            .len(),
        4
    );
    let r = ok(
        &sim,
        "query_posts",
        json!({"channel": "hashtag", "hashtag": tag, "include_fields": ["width", "height"],
               "criteria": [{"field": "width", "op": "eq", "value": 64},
                            {"field": "height", "op": "eq", "value": 64}]}),
    )
    .await;
    let posts = r["posts"].as_array().unwrap();
    for p in posts {
        assert_eq!((&p["width"], &p["height"]), (&json!(64), &json!(64)), "{p}");
    }
    let got: Vec<i64> = posts
        .iter()
        .map(|p| p["post_id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, squares, "exactly the 64×64 posts, newest first");

    // §6.13: an operator the field's kind lacks, a null test on a non-nullable field.
    for c in [
        json!({"field": "alpha_actual", "op": "lt", "value": true}),
        json!({"field": "width", "op": "is_null"}),
    ] {
        fails(
            &sim,
            "query_posts",
            json!({"channel": "hashtag", "hashtag": tag, "criteria": [c]}),
            "invalid_request",
        )
        .await;
    }

    // §6.14: a WebP-native post gets a GIF rendition from the worker's render_artwork job.
    // The WebP is itself a rendition: the worker's .webp of a fresh GIF, uploaded again.
    let source = upload(
        &formats,
        &w.stack,
        "source.gif",
        &gif(32, 32, 1),
        &fresh_hashtag(),
    )
    .await;
    let base = source["art_url"]
        .as_str()
        .unwrap()
        .strip_suffix(".gif")
        .unwrap();
    let webp = vault_file(&w.stack, &format!("{base}.webp"), Duration::from_secs(30)).await;
    assert!(webp.starts_with(b"RIFF") && webp.get(8..12) == Some(b"WEBP"));
    let tag = fresh_hashtag();
    let post = upload(&formats, &w.stack, "art.webp", &webp, &tag).await;
    let id = post["id"].as_i64().unwrap();
    site.approve(&w.stack, id).await;
    let base = post["art_url"]
        .as_str()
        .unwrap()
        .strip_suffix(".webp")
        .unwrap();
    let rendition = vault_file(&w.stack, &format!("{base}.gif"), Duration::from_secs(30)).await;
    assert!(rendition.starts_with(b"GIF8"));

    let criterion = |field: &str, value: &str| {
        json!({"channel": "hashtag", "hashtag": tag,
               "criteria": [{"field": field, "op": "eq", "value": value}]})
    };
    let native = ok(&sim, "query_posts", criterion("native_file_format", "webp")).await;
    assert_eq!(native["posts"][0]["post_id"], id, "{native}");
    assert_eq!(native["posts"][0]["native_format"], "webp", "{native}");
    // The file row is recorded after the file is written; the page cache lives 3 s.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let got = ids(&sim, criterion("file_format", "gif")).await;
        if got == [id] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "file_format gif never matched: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(
        ids(&sim, criterion("native_file_format", "gif")).await,
        Vec::<i64>::new()
    );
}

/// §6.17: `promoted` holds only promoted posts; every kind of withheld post stays out of `all`.
#[tokio::test]
async fn promoted_and_withheld_posts() {
    let w = world().await;
    let sim = connect(&w).await;
    let (other, site) = tokio::join!(Member::sign_up(&w.stack), Member::site_owner(&w.stack));
    let (s, tag) = (&w.stack, &w.hashtag);
    // The world's three approved posts: promoted, hidden by their author, hidden by a moderator.
    let [promoted, hidden_user, hidden_mod] = [w.posts[2].0, w.posts[1].0, w.posts[0].0];
    let post = |id: i64, rest: &str| format!("/v1/post/{id}{rest}");
    call_ok(
        &site,
        s,
        Method::POST,
        &post(promoted, "/promote"),
        Some(json!({"category": "frontpage"})),
        StatusCode::CREATED,
    )
    .await;
    call_ok(
        &w.artist,
        s,
        Method::POST,
        &post(hidden_user, "/hide"),
        None,
        StatusCode::CREATED,
    )
    .await;
    call_ok(
        &site,
        s,
        Method::POST,
        &post(hidden_mod, "/hide"),
        Some(json!({"by": "mod"})),
        StatusCode::CREATED,
    )
    .await;
    let unapproved = upload(&w.artist, s, "art.gif", &gif(32, 32, 2), tag).await["id"]
        .as_i64()
        .unwrap();

    let mut approved = Vec::new();
    for tags in [tag.clone(), tag.clone(), tag.clone(), format!("{tag},nsfw")] {
        let id = upload(&other, s, "art.gif", &gif(32, 32, 2), &tags).await["id"]
            .as_i64()
            .unwrap();
        site.approve(s, id).await;
        approved.push(id);
    }
    let [visible, deleted, revoked, nsfw] = approved[..] else {
        unreachable!()
    };
    call_ok(
        &other,
        s,
        Method::DELETE,
        &post(deleted, ""),
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
    call_ok(
        &site,
        s,
        Method::DELETE,
        &post(revoked, "/approve-public"),
        None,
        StatusCode::OK,
    )
    .await;

    let withheld = [hidden_user, hidden_mod, unapproved, deleted, revoked, nsfw];
    assert_eq!(
        ids(&sim, json!({"channel": "hashtag", "hashtag": tag})).await,
        [visible, promoted]
    );
    let all = ids_down_to(&sim, "all", promoted).await;
    for id in [visible, promoted] {
        assert!(all.contains(&id), "{id} missing from `all`");
    }
    for id in withheld {
        assert!(!all.contains(&id), "withheld post {id} listed in `all`");
    }

    let feed = ids_down_to(&sim, "promoted", promoted).await;
    assert!(feed.contains(&promoted), "{feed:?}");
    assert!(!feed.contains(&visible), "{feed:?}");
    // Other tests' posts are in the feed too: each must be promoted.
    let db = sqlx::PgPool::connect(s.get("DATABASE_URL")).await.unwrap();
    let not_promoted: Vec<i64> =
        sqlx::query_scalar("select id from posts where id = any($1) and not promoted")
            .bind(&feed)
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(not_promoted, Vec::<i64>::new());
}

/// Posts a comment as `who`, optionally replying to `parent`; returns its id.
async fn comment(
    w: &players_support::World,
    who: &Member,
    post: i64,
    parent: Option<&str>,
) -> String {
    let r = call_ok(
        who,
        &w.stack,
        Method::POST,
        &format!("/v1/post/{post}/comments"),
        Some(json!({"body": "Nice pixels", "parent_id": parent})),
        StatusCode::CREATED,
    )
    .await;
    r["id"].as_str().unwrap().to_string()
}

/// §6.21: comments oldest first with offset cursors; moderator-hidden ones are left out and
/// deleted ones dropped after paging; more than 200 at once is refused.
#[tokio::test]
async fn comments_page_oldest_first() {
    let w = world().await;
    let sim = connect(&w).await;
    let site = Member::site_owner(&w.stack).await;
    let post = w.posts[0].0;
    let (me, artist) = (&w.owner, &w.artist);
    let c1 = comment(&w, me, post, None).await;
    let c2 = comment(&w, artist, post, Some(&c1)).await;
    let c3 = comment(&w, me, post, Some(&c2)).await;
    let hidden = comment(&w, artist, post, None).await;
    call_ok(
        &site,
        &w.stack,
        Method::POST,
        &format!("/v1/post/comments/{hidden}/hide"),
        None,
        StatusCode::CREATED,
    )
    .await;
    let c4 = comment(&w, me, post, None).await;
    let gone = comment(&w, me, post, None).await;
    call_ok(
        me,
        &w.stack,
        Method::DELETE,
        &format!("/v1/post/comments/{gone}"),
        None,
        StatusCode::NO_CONTENT,
    )
    .await;

    let page = |cursor: Option<&str>| {
        let mut req = json!({"post_id": post, "limit": 2});
        if let Some(c) = cursor {
            req["cursor"] = json!(c);
        }
        ok(&sim, "get_comments", req)
    };
    let first = page(None).await;
    assert_eq!(
        (&first["has_more"], &first["next_cursor"]),
        (&json!(true), &json!("2"))
    );
    let second = page(Some("2")).await;
    assert_eq!(
        (&second["has_more"], &second["next_cursor"]),
        (&json!(true), &json!("4"))
    );
    let last = page(Some("4")).await;
    assert_eq!(
        last["comments"],
        json!([]),
        "the deleted comment is dropped: {last}"
    );
    assert_eq!(last["has_more"], false);

    let items: Vec<&Value> = first["comments"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["comments"].as_array().unwrap())
        .collect();
    let got: Vec<&str> = items
        .iter()
        .map(|c| c["comment_id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [&c1, &c2, &c3, &c4]);
    let depths: Vec<&Value> = items.iter().map(|c| &c["depth"]).collect();
    assert_eq!(depths, [&json!(0), &json!(1), &json!(2), &json!(0)]);
    assert_eq!(items[2]["parent_id"], c2.as_str());
    let mut times = Vec::new();
    for c in &items {
        assert!(
            uuid::Uuid::parse_str(c["comment_id"].as_str().unwrap()).is_ok(),
            "{c}"
        );
        assert_eq!(c["deleted"], false, "{c}");
        assert_eq!(c["post_id"], post, "{c}");
        let at: chrono::DateTime<chrono::Utc> = c["created_at"].as_str().unwrap().parse().unwrap();
        times.push(at);
    }
    assert!(times.windows(2).all(|t| t[0] <= t[1]), "{times:?}");

    fails(
        &sim,
        "get_comments",
        json!({"post_id": post, "limit": 201}),
        "invalid_request",
    )
    .await;
}
