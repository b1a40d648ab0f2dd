//! End-to-end: an artist uploads an animated GIF through Caddy, the vault site serves it with
//! immutable caching, the worker adds the `.webp` rendition and the upscaled preview, and the
//! post reaches the recent feed once the owner approves it.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::time::{Duration, Instant};

use e2e::reqwest::StatusCode;
use e2e::{animated_gif, fresh_client_ip, multipart, Stack, Value};

async fn recent_ids(stack: &Stack, http: &e2e::reqwest::Client) -> Vec<i64> {
    let page: Value = http
        .get(stack.api("/v1/post/recent?limit=200"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn gif_upload_rendition_and_approval() {
    let stack = Stack::load();
    let http = stack.client(fresh_client_ip(), false);
    let artist = stack.sign_up_member(&http).await;
    let gif = animated_gif();

    let (ctype, body) = multipart(
        ("image", "loop.gif", &gif),
        &[("title", "Loop"), ("hashtags", "e2e")],
    );
    let resp = http
        .post(stack.api("/v1/post/upload"))
        .bearer_auth(&artist)
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created: Value = resp.json().await.unwrap();
    let post = &created["post"];
    assert_eq!(post["frame_count"], 3);
    assert_eq!(post["total_duration_ms"], 600);
    assert_eq!(
        post["public_visibility"], false,
        "new members wait for approval"
    );
    let id = post["id"].as_i64().unwrap();
    let sqid = post["public_sqid"].as_str().unwrap().to_string();

    // The native file, straight from the vault site, immutable and byte-identical.
    let art_url = post["art_url"].as_str().unwrap().to_string();
    assert!(art_url.starts_with(stack.get("VAULT_PUBLIC_BASE_URL").trim_end_matches('/')));
    let resp = http.get(&art_url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), gif.as_slice());

    // The worker adds the renditions within seconds; the permalink lists them.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let p: Value = http
            .get(stack.api(&format!("/v1/p/{sqid}")))
            .bearer_auth(&artist)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let formats: Vec<&str> = p["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["format"].as_str())
            .collect();
        if formats.contains(&"webp") && formats.contains(&"upscaled_webp") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no webp rendition after 60 s: {formats:?} (see .stack/logs/worker.log)"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let stem = art_url.trim_end_matches(".gif");
    for url in [format!("{stem}.webp"), format!("{stem}_upscaled.webp")] {
        let resp = http.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{url}");
        let bytes = resp.bytes().await.unwrap();
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(&bytes[8..12], b"WEBP");
    }

    // Pending: not in recent. The owner approves; now it is.
    assert!(!recent_ids(&stack, &http).await.contains(&id));
    let owner = stack
        .sign_in(
            &http,
            stack.get("MAKAPIX_OWNER_EMAIL"),
            stack.get("MAKAPIX_OWNER_PASSWORD"),
        )
        .await;
    let resp = http
        .post(stack.api(&format!("/v1/post/{id}/approve-public")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(recent_ids(&stack, &http).await.contains(&id));
}
