//! `GET /v1/license` (http-api.md §2.14): the six licences the migration seeds, in id order,
//! each with exactly the spec's fields, public and cacheable, and listed in the OpenAPI document.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use http::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use test_support::TestApp;

const SEEDED: [&str; 6] = [
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
];

#[sqlx::test(migrations = "../../migrations")]
async fn lists_seeded_licences_in_id_order(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let r = app.get("/v1/license", None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.header("cache-control"), Some("public, max-age=3600"));

    let body = r.json();
    let obj = body.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["items"]);
    let items = body["items"].as_array().unwrap();
    let identifiers: Vec<&str> = items
        .iter()
        .map(|i| i["identifier"].as_str().unwrap())
        .collect();
    assert_eq!(identifiers, SEEDED);

    let ids: Vec<i64> = items.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "strictly ascending ids");

    for item in items {
        let mut keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["badge_path", "canonical_url", "id", "identifier", "title"]
        );
        assert!(!item["title"].as_str().unwrap().is_empty());
        assert!(item["canonical_url"]
            .as_str()
            .unwrap()
            .starts_with("https://creativecommons.org/"));
    }
    let cc0 = &items[0];
    assert_eq!(cc0["title"], "CC0 1.0 Universal");
    assert_eq!(
        cc0["canonical_url"],
        "https://creativecommons.org/publicdomain/zero/1.0/"
    );
    assert_eq!(cc0["badge_path"], "/licenses/cc0.svg");
}

#[sqlx::test(migrations = "../../migrations")]
async fn ids_match_the_table(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let expected: Vec<(i32, String)> =
        sqlx::query_as("select id, identifier from licenses order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let body = app.get("/v1/license", None).await.json();
    let got: Vec<(i32, String)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().unwrap() as i32,
                i["identifier"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[sqlx::test(migrations = "../../migrations")]
async fn documented_in_openapi(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc: Value = app.get("/v1/openapi.json", None).await.json();
    let op = &doc["paths"]["/v1/license"]["get"];
    assert_eq!(op["operationId"], "list_licenses");
    assert!(op["security"].is_null(), "public route: {op}");
    assert!(doc["components"]["schemas"]["LicenseList"].is_object());
}
