//! End-to-end moderation through the local stack: a member uploads, the owner approves, the
//! post reaches recent and the member is notified; a report is filed and resolved with `hide`,
//! the post disappears, and the audit log shows both actions.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use e2e::reqwest::{Client, StatusCode};
use e2e::{animated_gif, fresh_client_ip, json, multipart, Stack, Value};

async fn get_json(http: &Client, url: String, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = http.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn approve_notify_report_hide_and_audit() {
    let stack = Stack::load();
    let http = stack.client(fresh_client_ip(), false);
    let member = stack.sign_up_member(&http).await;
    let owner = stack
        .sign_in(
            &http,
            stack.get("MAKAPIX_OWNER_EMAIL"),
            stack.get("MAKAPIX_OWNER_PASSWORD"),
        )
        .await;

    let gif = animated_gif();
    let (ctype, body) = multipart(("image", "m.gif", &gif), &[("title", "Moderated")]);
    let resp = http
        .post(stack.api("/v1/post/upload"))
        .bearer_auth(&member)
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let post: Value = resp.json().await.unwrap();
    let id = post["post"]["id"].as_i64().unwrap();
    let sqid = post["post"]["public_sqid"].as_str().unwrap().to_string();

    // The owner finds it in the approval queue and approves it.
    let (status, queue) = get_json(
        &http,
        stack.api("/v1/admin/pending-approval?limit=200"),
        Some(&owner),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == id));
    let resp = http
        .post(stack.api(&format!("/v1/post/{id}/approve-public")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let (_, recent) = get_json(&http, stack.api("/v1/post/recent?limit=50"), None).await;
    assert!(recent["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == id));

    // The member is told.
    let (status, notes) =
        get_json(&http, stack.api("/v1/social-notifications"), Some(&member)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["notification_type"] == "post_approved" && n["post_id"] == id),
        "no post_approved notification: {notes}"
    );

    // Someone reports it; the owner resolves the report by hiding the post.
    let reporter = stack.client(fresh_client_ip(), false);
    let resp = reporter
        .post(stack.api("/v1/report"))
        .json(&json!({"target_type": "post", "target_id": id.to_string(), "reason_code": "spam"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let report: Value = resp.json().await.unwrap();
    let resp = http
        .patch(stack.api(&format!("/v1/report/{}", report["id"].as_str().unwrap())))
        .bearer_auth(&owner)
        .json(&json!({"status": "resolved", "action_taken": "hide"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let (status, _) = get_json(&http, stack.api(&format!("/v1/p/{sqid}")), None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a hidden post is gone for the public"
    );
    let (_, recent) = get_json(&http, stack.api("/v1/post/recent?limit=50"), None).await;
    assert!(!recent["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == id));

    // Both actions are in the audit log.
    let id_text = id.to_string();
    let (status, log) = get_json(
        &http,
        stack.api("/v1/admin/audit-log?limit=200"),
        Some(&owner),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["target_id"].as_str() == Some(id_text.as_str()) || e["target_id"].as_i64() == Some(id)
        })
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"approve_public"), "{actions:?}");
    assert!(actions.iter().any(|a| a.contains("hide")), "{actions:?}");
}
