//! Reply bodies (§3.2, §3.3). `query_posts`, `get_post` and `get_playset` omit null fields (no
//! `next_cursor` key on the last page, no `native_format` when unknown); the reaction, comment
//! and echo replies keep `"error": null`. Every failure is the error envelope
//! `{"request_id","success":false,"error","error_code"}`.
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// Every reply time: ISO-8601 UTC with `Z`, whole seconds (the p3a parses `%d…%dZ`).
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An artwork post, with the optional fields present only when requested (§5.6).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArtworkItem {
    pub post_id: i64,
    pub kind: &'static str,
    pub created_at: String,
    pub storage_key: Uuid,
    pub art_url: String,
    pub storage_shard: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub native_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_handle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_modified_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artwork_modified_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame_count: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dwell_time_ms: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transparency_actual: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_actual: Option<bool>,
}

/// A playlist post. `artworks` holds its visible artworks in play order (the p3a plays
/// playlists from it); `total_artworks` counts every item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaylistItem {
    pub post_id: i64,
    pub kind: &'static str,
    pub owner_handle: String,
    pub created_at: String,
    pub metadata_modified_at: String,
    pub total_artworks: i64,
    pub dwell_time_ms: i32,
    pub artworks: Vec<ArtworkItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PostItem {
    Artwork(ArtworkItem),
    Playlist(PlaylistItem),
}

/// `{"request_id","success":false,"error","error_code"}`.
pub fn error(request_id: &str, message: &str, code: &str) -> Value {
    json!({"request_id": request_id, "success": false, "error": message, "error_code": code})
}

#[derive(Serialize)]
struct QueryPosts<'a> {
    request_id: &'a str,
    success: bool,
    posts: &'a [PostItem],
    has_more: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<&'a str>,
}

/// The `query_posts` success body (untrimmed; `trim::fit` builds the published bytes).
pub fn query_posts(
    request_id: &str,
    posts: &[PostItem],
    has_more: bool,
    next_cursor: Option<&str>,
) -> Value {
    serde_json::to_value(QueryPosts {
        request_id,
        success: true,
        posts,
        has_more,
        next_cursor,
    })
    .unwrap_or(Value::Null)
}

pub fn get_post(request_id: &str, post: &PostItem) -> Value {
    json!({"request_id": request_id, "success": true, "post": post})
}

/// `submit_reaction` / `revoke_reaction` success: no `error_code` key, `error` null.
pub fn reaction_ok(request_id: &str) -> Value {
    json!({"request_id": request_id, "success": true, "error": null})
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommentItem {
    pub comment_id: Uuid,
    pub post_id: i64,
    pub author_handle: Option<String>,
    pub body: String,
    pub depth: i16,
    pub parent_id: Option<Uuid>,
    pub created_at: String,
    pub deleted: bool,
}

pub fn comments(
    request_id: &str,
    comments: &[CommentItem],
    next_cursor: Option<&str>,
    has_more: bool,
) -> Value {
    json!({
        "request_id": request_id,
        "success": true,
        "comments": comments,
        "next_cursor": next_cursor,
        "has_more": has_more,
        "error": null,
    })
}

/// One channel of a playset (§5.7); `type` is `user` for `followed_artists`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaysetChannel {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub identifier: String,
    pub display_name: String,
}

pub fn playset(request_id: &str, name: &str, channels: &[PlaysetChannel]) -> Value {
    json!({
        "request_id": request_id,
        "success": true,
        "playset_name": name,
        "channels": channels,
        "exposure_mode": "equal",
        "pick_mode": "random",
    })
}

/// An unknown playset is a normal reply that says so, with an empty channel list.
pub fn playset_not_found(request_id: &str, name: &str) -> Value {
    json!({
        "request_id": request_id,
        "success": false,
        "channels": [],
        "error": format!("Playset '{name}' not found"),
        "error_code": "playset_not_found",
    })
}

pub fn echo(request_id: &str, echo_data: &str, received_at: DateTime<Utc>) -> Value {
    json!({
        "request_id": request_id,
        "success": true,
        "echo_data": echo_data,
        "received_at": iso(received_at),
        "error": null,
    })
}
